/**
 * Debian's Chromium for the browser test, installed by the test itself when it is missing (as root, through
 * apt-get; CI runs as root and reaches Debian's packages). Playwright's own browser download does not work here, so
 * playwright-core drives this one. When the install is impossible the test is skipped, loudly.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';

/** The flags Chromium needs on these machines (no sandbox as root, no background traffic to a closed network). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export type ChromiumStatus = { ok: true; path: string } | { ok: false; reason: string };

function run(cmd: string, args: string[]): { ok: boolean; tail: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15 * 60_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const tail = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.trim().split('\n').slice(-5).join(' | ');
  return { ok: r.status === 0, tail };
}

/** Finds Chromium, installing it with apt-get when missing; says why not when it cannot. */
export function ensureChromium(log: (line: string) => void): ChromiumStatus {
  if (fs.existsSync(CHROMIUM)) return { ok: true, path: CHROMIUM };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: `${CHROMIUM} is missing and this user is not root: run \`apt-get install -y chromium\` as root` };
  }
  if (spawnSync('apt-get', ['--version']).status !== 0) return { ok: false, reason: `${CHROMIUM} is missing and there is no apt-get to install it` };
  log(`browser test: ${CHROMIUM} is missing, installing Debian's chromium (apt-get update && apt-get install -y chromium)...`);
  const started = Date.now();
  const update = run('apt-get', ['update', '-q']);
  if (!update.ok) return { ok: false, reason: `apt-get update failed: ${update.tail}` };
  const install = run('apt-get', ['install', '-y', '-q', 'chromium']);
  if (!install.ok || !fs.existsSync(CHROMIUM)) return { ok: false, reason: `apt-get install chromium failed: ${install.tail}` };
  log(`browser test: chromium installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return { ok: true, path: CHROMIUM };
}

/** Says loudly that the browser test did not run, on the console and in test/artifacts/. */
export function reportSkip(artifacts: string, reason: string): void {
  const text = `BROWSER TEST SKIPPED: ${reason}`;
  console.warn(`\n${'!'.repeat(text.length)}\n${text}\n${'!'.repeat(text.length)}\n`);
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, 'BROWSER-TEST-SKIPPED.txt'), `${text}\n`);
}
