/**
 * Speed of the emulation itself: raw client→server→client event round trips per second of wall time, with 1 and
 * with 256 clients, and memory per connected client. Run: `npx tsx bench/emulator.ts`.
 */
import { Emulator } from '../test/emulator/emulator.ts';

const manifest = (line: string) => `fx_version 'cerulean'\ngame 'gta5'\n${line}\n`;

async function roundTrips(clients: number, perFrame: number, virtualMs: number) {
  const emu = await Emulator.create({ latency: 20 });
  // The bench measures the emulator, not FiveM's flood protection.
  emu.executeCommand(emu.server, 'set rateLimiter_netEvent_rate 1000000');
  emu.executeCommand(emu.server, 'set rateLimiter_netEvent_burst 1000000');
  emu.executeCommand(emu.server, 'set rateLimiter_netEventSize_rate 100000000');
  emu.executeCommand(emu.server, 'set rateLimiter_netEventSize_burst 100000000');
  await emu.addInlineResource('echo', {
    'fxmanifest.lua': manifest("server_script 's.js'\nclient_script 'c.js'"),
    's.js': `onNet('ping', (i) => emitNet('pong', source, i));`,
    'c.js': `globalThis.done = 0; onNet('pong', () => { done++; });
      setTick(() => { for (let i = 0; i < ${perFrame}; i++) emitNet('ping', i); });`,
  });
  emu.start('echo');
  const heapBefore = process.memoryUsage().heapUsed;
  const players = Array.from({ length: clients }, () => emu.connect());
  global.gc?.();
  const heapPerClient = (process.memoryUsage().heapUsed - heapBefore) / clients;
  const t0 = performance.now();
  await emu.advance(virtualMs);
  const wall = performance.now() - t0;
  let done = 0;
  for (const p of players) {
    const rt = p.machine.resources.get('echo')!.runtimes[0] as unknown as { context: { done: number } };
    done += rt.context.done;
  }
  await emu.close();
  return { clients, roundTrips: done, wallMs: Math.round(wall), perSecond: Math.round((done / wall) * 1000), heapPerClientKiB: Math.round(heapPerClient / 1024) };
}

const rows = [await roundTrips(1, 200, 10_000), await roundTrips(256, 4, 2_000)];
console.table(rows);
