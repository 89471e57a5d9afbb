/**
 * The REAL npm package `@overextended/ox_lib` for JS resources in the emulation: its callback modules bundled by
 * esbuild, in memory, into classic scripts that define `OxClient` / `OxServer` (nothing is written into the repo). Used
 * by the ox_lib family's tests (support.ts) and the bench's ox cases; no test runner needed.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

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

/** The two bundles, as IIFE classic scripts (built once per process). */
export function oxBundles(): Promise<{ client: string; server: string }> {
  bundles ??= (async () => ({ client: await bundle('client', 'OxClient'), server: await bundle('server', 'OxServer') }))();
  return bundles;
}

/** A one-line script to load first: the package reads the `GetGameName` native at load, which the emulation lacks. */
export const OX_SHIM = `globalThis.GetGameName ??= () => 'fivem';`;
