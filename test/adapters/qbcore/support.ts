/**
 * Setup of the QBCore/Qbox adapter tests: our test doubles (`fixtures/qb-core`, qb-core after January 2025;
 * `fixtures/qbx_core`, Qbox's compatibility bridge that `provide`s qb-core), and legacy-style Lua resources written
 * from the documented QBCore API (reference esx-qbcore-qbox.md §3.1, §3.3, §4.2). A legacy script gets its object
 * with `exports['qb-core']:GetCoreObject()` at its top (unless it says otherwise); at L2 its manifest includes
 * `@callback_bridge/import.lua`. The world around them (bridge, scene, probe, readers) is `../support.ts`.
 */
import path from 'node:path';
import type { Emulator } from '../../emulator/emulator.ts';
import type { Machine } from '../../emulator/machine.ts';
import { luaGlobal } from '../../support/cfx.ts';
import { outs, scriptErrors } from '../../engine/lua-support.ts';
import { addLuaResource, BRIDGE_IMPORT, type Scene, startScene } from '../support.ts';

export { outs, scriptErrors };
export { inThread, jsNative, listenersOf, logged, modes, noScriptErrors, onPlayer } from '../support.ts';

export const QB_FIXTURE = path.resolve(__dirname, 'fixtures/qb-core');
export const QBX_FIXTURE = path.resolve(__dirname, 'fixtures/qbx_core');

/** The line legacy scripts start with unless `get` replaces it. */
export const GET_CORE = "local QBCore = exports['qb-core']:GetCoreObject()\n";

export interface LegacyOptions {
  server?: string;
  client?: string;
  /** L2: include `@callback_bridge/import.lua`. */
  aliased?: boolean;
  /** Replaces the GetCoreObject line at the top of each script ('' for none). */
  get?: string;
}

/** Adds a legacy Lua resource (not started). */
export async function legacy(emu: Emulator, name: string, opts: LegacyOptions): Promise<void> {
  await addLuaResource(emu, name, opts, { includes: opts.aliased ? [BRIDGE_IMPORT] : [], prefix: opts.get ?? GET_CORE });
}

export type Framework = 'qb-core' | 'qbx_core' | 'none';

const DOUBLES: Record<Framework, Record<string, string>> = {
  'qb-core': { 'qb-core': QB_FIXTURE },
  qbx_core: { qbx_core: QBX_FIXTURE },
  none: {},
};

/**
 * Sets `convars` (replicated), registers the bridge and the framework double (`framework`, default qb-core), starts
 * `order` (resource names, in order), connects one player and lets `settle` virtual ms pass.
 */
export function scene(
  emu: Emulator,
  order: string[],
  { framework = 'qb-core', convars = {}, settle = 300 }: { framework?: Framework; convars?: Record<string, string>; settle?: number } = {},
): Promise<Scene> {
  return startScene(emu, order, { convars, doubles: DOUBLES[framework], settle });
}

/** How many requests reached a framework double's request event on a machine (its `WireRequests` global). */
export function wireRequests(machine: Machine, framework: 'qb-core' | 'qbx_core' = 'qb-core'): number {
  return Number(luaGlobal(machine, framework, 'WireRequests'));
}
