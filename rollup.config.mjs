// Builds the two classic scripts FXServer loads (ref §6): no top-level import/export in either output.
import esbuild from 'rollup-plugin-esbuild';
import path from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { dashboard } from './scripts/rollup-dashboard.mjs';

// The examples import the typed API as a script author would: `import { createBridge } from 'callback_bridge/api'`.
const selfApi = { name: 'callback-bridge-api', resolveId: (id) => (id === 'callback_bridge/api' ? path.resolve('src/api/bridge.ts') : null) };
const example = (name, side, target, format) => ({
  input: `examples/${name}/src/${side}.ts`,
  output: { file: `examples/${name}/dist/${side}.js`, format, generatedCode: 'es2015', sourcemap: false },
  plugins: [selfApi, ...plugins(target)],
});

const plugins = (target) => [nodeResolve({ preferBuiltins: false }), esbuild({ target, minify: false, legalComments: 'none' })];

export default [
  {
    input: 'src/server/index.ts',
    output: { file: 'dist/server.js', format: 'cjs', generatedCode: 'es2015', sourcemap: false },
    // The dashboard page is inlined into the server bundle (no CDN, no file to read at run time).
    plugins: [dashboard(), ...plugins('es2022')],
  },
  {
    input: 'src/lib/callbacks.ts',
    output: { file: 'dist/callbacks.js', format: 'iife', generatedCode: 'es2015', sourcemap: false },
    plugins: plugins('es2021'),
  },
  {
    input: 'src/client/index.ts',
    output: { file: 'dist/client.js', format: 'iife', generatedCode: 'es2015', sourcemap: false },
    plugins: plugins('es2021'),
  },
  example('ts_bank', 'server', 'es2022', 'cjs'),
  example('ts_bank', 'client', 'es2021', 'iife'),
];
