/**
 * Cases 6, `esx-alias` and `qb-alias`: legacy Lua scripts, unchanged but for `@callback_bridge/import.lua` in their
 * manifest (L2), with the framework (our test double) running: `ESX.TriggerServerCallback` →
 * `ESX.RegisterServerCallback`, and `QBCore.Functions.TriggerCallback` → `QBCore.Functions.CreateCallback`, each
 * on the resource's own engine.
 */
import { luaCaller } from '../harness/callers.ts';
import type { SteadyScenario } from '../harness/types.ts';
import { FIXTURES, type BenchWorld } from '../harness/world.ts';

const IMPORT = '@callback_bridge/import.lua';

async function installLegacy(world: BenchWorld, framework: string, dir: string, head: string[], server: string, client: string): Promise<void> {
  await world.addBridge();
  await world.addFolder(framework, dir);
  await world.addShop('lua', server, client, [...head, IMPORT]);
  world.start('callback_bridge', framework, 'shop');
}

export const esxAlias: SteadyScenario = {
  name: 'esx-alias',
  baseline: 'raw',
  description: 'ESX.TriggerServerCallback → ESX.RegisterServerCallback, aliased (L2) with es_extended running',
  caller: { resource: 'shop', kind: 'lua' },
  install: (world) =>
    installLegacy(
      world,
      'es_extended',
      FIXTURES.esx,
      ['@es_extended/imports.lua'],
      `ESX.RegisterServerCallback('bench:price', function(source, cb, i, item) cb(i + 1) end)`,
      luaCaller({ call: `ESX.TriggerServerCallback('bench:price', function(v) ok(t0) end, i, 'bread')` }),
    ),
};

const GET_CORE = "local QBCore = exports['qb-core']:GetCoreObject()\n";

export const qbAlias: SteadyScenario = {
  name: 'qb-alias',
  baseline: 'raw',
  description: 'QBCore.Functions.TriggerCallback → QBCore.Functions.CreateCallback, aliased (L2) with qb-core running',
  caller: { resource: 'shop', kind: 'lua' },
  install: (world) =>
    installLegacy(
      world,
      'qb-core',
      FIXTURES.qbCore,
      [],
      `${GET_CORE}QBCore.Functions.CreateCallback('bench:price', function(source, cb, i, item) cb(i + 1) end)`,
      GET_CORE + luaCaller({ call: `QBCore.Functions.TriggerCallback('bench:price', function(v) ok(t0) end, i, 'bread')` }),
    ),
};
