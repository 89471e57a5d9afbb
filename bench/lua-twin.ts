/**
 * What one callback round trip costs through the Lua twin (`@callback_bridge/import.lua`), Lua caller → Lua handler,
 * in wall time of the emulation, next to the raw-event spike (`bench/spike/hot-path.ts`, same shape: a client fires
 * PER_FRAME calls every frame, the server answers two values).
 * Run: `npm run build && npx tsx bench/lua-twin.ts [perFrame]`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Emulator } from '../test/emulator/emulator.ts';
import { luaGlobal, manifest } from '../test/support/cfx.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PER_FRAME = Number(process.argv[2] ?? 100);

const handler = `RegisterCallback('sum', function(source, a, b) return a + b, 'ok' end, { rateLimit = false })`;
const caller = `done = 0
  local function onReply(sum, tag) done = done + 1 end
  CreateThread(function()
    Wait(300)
    while true do
      for i = 1, ${PER_FRAME} do TriggerServerCallback('sum', onReply, i, 2) end
      Wait(0)
    end
  end)`;

async function measure(virtualMs: number) {
  const emu = await Emulator.create();
  emu.executeCommand(emu.server, 'set rateLimiter_netEvent_rate 1000000');
  emu.executeCommand(emu.server, 'set rateLimiter_netEvent_burst 1000000');
  await emu.addResource('callback_bridge', root);
  await emu.addInlineResource('handler', {
    'fxmanifest.lua': manifest("server_scripts { '@callback_bridge/import.lua', 's.lua' }"),
    's.lua': handler,
  });
  await emu.addInlineResource('caller', {
    'fxmanifest.lua': manifest("client_scripts { '@callback_bridge/import.lua', 'c.lua' }"),
    'c.lua': caller,
  });
  emu.start('callback_bridge');
  emu.start('handler');
  emu.start('caller');
  const player = emu.connect();
  await emu.advance(500);
  const before = luaGlobal(player.machine, 'caller', 'done') as number;
  const t0 = performance.now();
  await emu.advance(virtualMs);
  const wall = performance.now() - t0;
  const done = (luaGlobal(player.machine, 'caller', 'done') as number) - before;
  const kicked = emu.counters.kicked;
  await emu.close();
  return { roundTrips: done, wallMs: Math.round(wall), usPerRoundTrip: +((wall * 1000) / done).toFixed(2), perWallSecond: Math.round(done / (wall / 1000)), kicked };
}

await measure(1000); // warm-up
const rows = [];
for (let i = 0; i < 5; i++) rows.push(await measure(3000));
console.table(rows);
const sorted = rows.map((r) => r.usPerRoundTrip).sort((a, b) => a - b);
console.log(`Lua twin, ${PER_FRAME} calls per client frame: median ${sorted[2]} µs per round trip (${Math.round(1e6 / sorted[2])} round trips per wall second)`);
