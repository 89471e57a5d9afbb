/**
 * `npm start`: the emulated FXServer in real time with the bridge and the examples, until Ctrl-C.
 * Options: --players N (default 2), --duration SECONDS (default: run until stopped), --latency MS (default 30).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Emulator } from '../test/emulator/emulator.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { players: { type: 'string', default: '2' }, duration: { type: 'string' }, latency: { type: 'string', default: '30' } },
});

const emu = await Emulator.create({ echo: true, latency: Number(values.latency) });
await emu.addResource('callback_bridge', root);
await emu.addResources(path.join(root, 'examples'));
emu.start('callback_bridge');
emu.start('hello');
for (let i = 0; i < Number(values.players); i++) emu.connect();

const stepMs = 50;
const endAt = values.duration ? Number(values.duration) * 1000 : Infinity;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  await emu.close();
  console.log('stopped');
  process.exit(0);
};
// Virtual time follows the wall clock, one server frame per real frame.
const timer = setInterval(() => {
  if (emu.clock.now() >= endAt) return void stop();
  void emu.advance(stepMs);
}, stepMs);
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
