/**
 * `npm start`: the sandbox. Builds if needed, then runs the emulated FXServer in real time with the bridge, the
 * examples (examples/: ESX shop, QBCore garage, ox_lib stash, TS bank, seed-library profile) and simulated players,
 * a few of them misbehaving; shows a live metrics table and serves the dashboard on localhost. Ctrl-C stops it.
 *
 *   npm start -- --players 8 --misbehaving 4 --latency 30 --port 30120 --duration 60
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildIfNeeded } from './sandbox/build.ts';
import { Screen } from './sandbox/screen.ts';
import { Sandbox } from './sandbox/world.ts';

const HELP = `npm start -- [options]
  --players N       simulated players (default 8)
  --misbehaving N   how many of them misbehave: a spammer, a prober, a laggy one, a leaver (default: 4, at most half)
  --latency MS      one-way network latency of each player (default 30)
  --port P          HTTP port of the dashboard (default 30120; another free one if taken; 0: any)
  --duration S      stop after S seconds of wall time (default: run until Ctrl-C)`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    players: { type: 'string', default: '8' },
    misbehaving: { type: 'string' },
    latency: { type: 'string', default: '30' },
    port: { type: 'string', default: '30120' },
    duration: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const number = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number >= ${min}\n\n${HELP}`);
    process.exit(2);
  }
  return n;
};
const players = number('players', values.players, 0);
const options = {
  players,
  misbehaving: values.misbehaving === undefined ? Math.min(4, Math.floor(players / 2)) : number('misbehaving', values.misbehaving, 0),
  latency: number('latency', values.latency, 0),
  port: number('port', values.port, 0),
};
const duration = values.duration === undefined ? Infinity : number('duration', values.duration, 1);

buildIfNeeded(root, (line) => console.log(line));
const sandbox = await Sandbox.create(root, options);
const screen = new Screen(sandbox);
console.log(`Dashboard: ${sandbox.url}`);
sandbox.run();

let stopping = false;
const endAt = Date.now() + duration * 1000;
const refresh = setInterval(() => {
  if (Date.now() >= endAt) return void stop();
  void screen.refresh();
}, 1000);

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(refresh);
  await sandbox.stop();
  console.log(['', ...screen.final(), '', `stopped after ${Math.round(sandbox.seconds)} s`].join('\n'));
  process.exit(0);
}
// Ctrl-C reaches npm, tsx and this process at once, and tsx relays it once more: a second SIGINT within a second is
// the same Ctrl-C. A later one forces the exit.
let firstSigint = 0;
process.on('SIGINT', () => {
  if (!stopping) {
    firstSigint = Date.now();
    return void stop();
  }
  if (Date.now() - firstSigint > 1000) process.exit(130);
});
process.on('SIGTERM', () => void stop());
