/**
 * Case 3, `bridge-lua`: a Lua caller through `@callback_bridge/import.lua` → a Lua handler, the calls alternating
 * between a cb-style handler (`RegisterServerCallback`) and a return-style one (`RegisterCallback`).
 */
import { luaCaller } from '../harness/callers.ts';
import type { SteadyScenario } from '../harness/types.ts';
import type { BenchWorld } from '../harness/world.ts';

const SERVER = `RegisterServerCallback('bench:price:cb', function(source, cb, i, item) cb(i + 1) end)
RegisterCallback('bench:price', function(source, i, item) return i + 1 end)`;

const CLIENT = luaCaller({
  call: `TriggerServerCallback(i % 2 == 0 and 'bench:price' or 'bench:price:cb', function(v)
    if v == nil then ko() else ok(t0) end
  end, i, 'bread')`,
});

export const bridgeLua: SteadyScenario = {
  name: 'bridge-lua',
  baseline: 'raw',
  description: 'TriggerServerCallback → RegisterServerCallback (cb) / RegisterCallback (return), Lua twin in the resource',
  caller: { resource: 'shop', kind: 'lua' },
  async install(world: BenchWorld) {
    await world.addBridge();
    await world.addShop('lua', SERVER, CLIENT, ['@callback_bridge/import.lua']);
    world.start('callback_bridge', 'shop');
  },
};
