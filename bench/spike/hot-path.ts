/**
 * Spike for the contract's §10: what one callback round trip costs when the engine runs inside the calling and
 * handling resources (one net event each way, no cross-resource call), against a design where every call hops
 * through a bridge resource's exports and function references.
 * Run: `npx tsx bench/spike/hot-path.ts`. Both variants move the same Lua values over the same emulated network.
 */
import { Emulator } from '../../test/emulator/emulator.ts';
import { luaGlobal, manifest } from '../../test/support/cfx.ts';

const PER_FRAME = 200;

/** In-resource: the Lua caller and the Lua handler talk over net events directly. */
const inResource = {
  handler: `RegisterNetEvent('sp:req', function(id, a, b)
      local src = source
      TriggerClientEvent('sp:res', src, id, a + b, 'ok')
    end)`,
  caller: `local pending, nextId = {}, 0
    done = 0
    RegisterNetEvent('sp:res', function(id, sum, tag)
      local cb = pending[id]; pending[id] = nil
      if cb then cb(sum, tag) end
    end)
    local function onReply(sum, tag) done = done + 1 end
    CreateThread(function()
      while true do
        for i = 1, ${PER_FRAME} do
          nextId = nextId + 1
          pending[nextId] = onReply
          TriggerServerEvent('sp:req', nextId, i, 2)
        end
        Wait(0)
      end
    end)`,
};

/** Hop: the caller and the handler reach each other through a JS hub resource's exports and funcrefs. */
const hop = {
  hubServer: `const handlers = new Map();
    exports('register', (name, fn) => handlers.set(name, fn));
    onNet('hub:req', (id, name, ...args) => { const src = source; const r = handlers.get(name)(src, ...args); emitNet('hub:res', src, id, ...(Array.isArray(r) ? r : [r])); });`,
  hubClient: `const pending = new Map(); let nextId = 0;
    exports('call', (name, cb, ...args) => { pending.set(++nextId, cb); emitNet('hub:req', nextId, name, ...args); });
    onNet('hub:res', (id, ...values) => { const cb = pending.get(id); pending.delete(id); cb(...values); });`,
  handler: `exports.hub:register('sum', function(src, a, b) return a + b, 'ok' end)`,
  caller: `done = 0
    local function onReply(sum, tag) done = done + 1 end
    CreateThread(function()
      while true do
        for i = 1, ${PER_FRAME} do exports.hub:call('sum', onReply, i, 2) end
        Wait(0)
      end
    end)`,
};

async function measure(variant: 'in-resource' | 'hop', virtualMs: number) {
  const emu = await Emulator.create();
  emu.executeCommand(emu.server, 'set rateLimiter_netEvent_rate 1000000');
  emu.executeCommand(emu.server, 'set rateLimiter_netEvent_burst 1000000');
  if (variant === 'in-resource') {
    await emu.addInlineResource('handler', { 'fxmanifest.lua': manifest("server_script 's.lua'"), 's.lua': inResource.handler });
    await emu.addInlineResource('caller', { 'fxmanifest.lua': manifest("client_script 'c.lua'"), 'c.lua': inResource.caller });
  } else {
    await emu.addInlineResource('hub', {
      'fxmanifest.lua': manifest("server_script 's.js'\nclient_script 'c.js'"),
      's.js': hop.hubServer,
      'c.js': hop.hubClient,
    });
    await emu.addInlineResource('handler', { 'fxmanifest.lua': manifest("server_script 's.lua'"), 's.lua': hop.handler });
    await emu.addInlineResource('caller', { 'fxmanifest.lua': manifest("client_script 'c.lua'"), 'c.lua': hop.caller });
    emu.start('hub');
  }
  emu.start('handler');
  emu.start('caller');
  const player = emu.connect();
  await emu.advance(200);
  const t0 = performance.now();
  await emu.advance(virtualMs);
  const wall = performance.now() - t0;
  const done = luaGlobal(player.machine, 'caller', 'done') as number;
  await emu.close();
  return { variant, roundTrips: done, wallMs: Math.round(wall), usPerRoundTrip: +((wall * 1000) / done).toFixed(2) };
}

const rows: Array<Awaited<ReturnType<typeof measure>>> = [];
await measure('in-resource', 1000); // warm-up
for (let i = 0; i < 5; i++) rows.push(await measure('in-resource', 3000), await measure('hop', 3000));
console.table(rows);
const median = (v: string) => {
  const xs = rows.filter((r) => r.variant === v).map((r) => r.usPerRoundTrip).sort((a, b) => a - b);
  return xs[xs.length >> 1];
};
console.log(`median µs per round trip: in-resource ${median('in-resource')}, hop ${median('hop')}, ratio ${(median('hop') / median('in-resource')).toFixed(2)}`);
