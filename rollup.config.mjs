// Builds the two classic scripts FXServer loads (ref §6): no top-level import/export in either output.
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';

const plugins = (target) => [nodeResolve({ preferBuiltins: false }), esbuild({ target, minify: false, legalComments: 'none' })];

export default [
  {
    input: 'src/server/index.ts',
    output: { file: 'dist/server.js', format: 'cjs', generatedCode: 'es2015', sourcemap: false },
    plugins: plugins('es2022'),
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
];
