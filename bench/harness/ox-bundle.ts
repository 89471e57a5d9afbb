/**
 * The REAL npm package `@overextended/ox_lib` for the ox cases: its callback modules bundled by esbuild, in memory,
 * into classic scripts that define `OxClient` / `OxServer` (as the adapter tests do; nothing is written into the repo).
 */
import { build } from 'esbuild';
import { REPO_ROOT } from './world.ts';

let bundles: Promise<{ client: string; server: string }> | undefined;

async function bundle(side: 'client' | 'server', globalName: string): Promise<string> {
  const fns = side === 'client' ? 'triggerServerCallback, onServerCallback' : 'triggerClientCallback, onClientCallback';
  const out = await build({
    stdin: { contents: `export { ${fns} } from '@overextended/ox_lib/${side}/callback';`, resolveDir: REPO_ROOT, loader: 'js' },
    bundle: true,
    format: 'iife',
    globalName,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import'],
    target: 'es2021',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

/** The two bundles (built once per process). */
export function oxBundles(): Promise<{ client: string; server: string }> {
  bundles ??= (async () => ({ client: await bundle('client', 'OxClient'), server: await bundle('server', 'OxServer') }))();
  return bundles;
}

/** The package reads `GetGameName` when it loads; the emulation has no such native. */
export const OX_SHIM = `globalThis.GetGameName ??= () => 'fivem';`;
