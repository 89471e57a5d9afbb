/**
 * `npm start` builds first when it needs to: when a bundle is missing or older than a source it is built from (the
 * engine, the bridge, the adapters, the dashboard, the TS example, the build's own config).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** What rollup.config.mjs writes. */
export const OUTPUTS = ['dist/server.js', 'dist/client.js', 'dist/callbacks.js', 'examples/ts_bank/dist/server.js', 'examples/ts_bank/dist/client.js'];
const SOURCES = ['src', 'adapters', 'examples/ts_bank/src', 'scripts/rollup-dashboard.mjs', 'rollup.config.mjs', 'package-lock.json'];

/** Newest modification time under `p` (a file or a folder), 0 if it does not exist. */
function newest(p: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const entry of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

/** Why a build is needed, or null when every bundle is newer than every source. */
export function staleReason(root: string): string | null {
  const outputs = OUTPUTS.map((o) => path.join(root, o));
  const missing = outputs.find((o) => !fs.existsSync(o));
  if (missing) return `${path.relative(root, missing)} is missing`;
  const oldest = Math.min(...outputs.map((o) => fs.statSync(o).mtimeMs));
  const changed = SOURCES.find((s) => newest(path.join(root, s)) > oldest);
  return changed ? `${changed} changed since the last build` : null;
}

/** Runs rollup when needed; throws if the build fails. */
export function buildIfNeeded(root: string, log: (line: string) => void): void {
  const reason = staleReason(root);
  if (!reason) return;
  log(`building (${reason})...`);
  const started = Date.now();
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'rollup'), ['-c', '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the build failed (rollup exited with ${r.status ?? r.signal}); run \`npm run build\` to see why`);
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
