/**
 * Case 1b, `raw-lua`: the Lua floor. The same bare request and reply as `raw`, written in Lua (TriggerServerEvent,
 * TriggerClientEvent and a hand-written pending table): what the emulated Lua VM and its msgpack crossings cost at
 * least, so the Lua cases can be read against Lua and not only against JS.
 */
import { luaCaller } from '../harness/callers.ts';
import type { SteadyScenario } from '../harness/types.ts';
import type { BenchWorld } from '../harness/world.ts';

const SERVER = `RegisterNetEvent('bench:raw:req', function(id, i, item)
  TriggerClientEvent('bench:raw:res', source, id, i + 1)
end)`;

const CLIENT = luaCaller({
  setup: `local pending, seq = {}, 0
RegisterNetEvent('bench:raw:res', function(id, value)
  local t0 = pending[id]
  if not t0 then return end
  pending[id] = nil
  ok(t0)
end)`,
  call: `seq = seq + 1
  pending[seq] = t0
  TriggerServerEvent('bench:raw:req', seq, i, 'bread')`,
});

export const rawLua: SteadyScenario = {
  name: 'raw-lua',
  baseline: null,
  description: 'bare TriggerServerEvent request and TriggerClientEvent reply, hand-written pending table (Lua → Lua): the Lua floor',
  caller: { resource: 'shop', kind: 'lua' },
  async install(world: BenchWorld) {
    await world.addShop('lua', SERVER, CLIENT);
    world.start('shop');
  },
};
