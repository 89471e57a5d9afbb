/**
 * Setup of the ESX adapter tests: our ESX 1.13 test double (`fixtures/es_extended`), and legacy-style Lua resources
 * written from the documented ESX API (ref §2.1) that get the ESX object one of the three documented ways (ref §2.3)
 * and, at L2, include `@callback_bridge/import.lua` after ESX's own import line. The world around them (bridge,
 * scene, probe, readers) is `../support.ts`.
 */
import path from 'node:path';
import type { Emulator, Player } from '../../emulator/emulator.ts';
import { luaGlobal } from '../../support/cfx.ts';
import { outs, scriptErrors } from '../../engine/lua-support.ts';
import { addLuaResource, BRIDGE_IMPORT, type Scene, startScene } from '../support.ts';

export { outs, scriptErrors };
export { jsNative, logged } from '../support.ts';

export const ESX_FIXTURE = path.resolve(__dirname, 'fixtures/es_extended');

/** How a legacy script gets its ESX object (ref §2.3). */
export type GetObject = 'imports' | 'export' | 'event' | 'none';

export interface LegacyOptions {
  server?: string;
  client?: string;
  /** Default 'imports'. 'export' and 'event' put the matching line at the top of each script. */
  get?: GetObject;
  /** L2: include `@callback_bridge/import.lua` after ESX's imports line. */
  aliased?: boolean;
}

/** The line that gets ESX when it is not the imports line. */
const GET_LINE: Record<GetObject, string> = {
  imports: '',
  none: '',
  export: "ESX = exports['es_extended']:getSharedObject()\n",
  event: "TriggerEvent('esx:getSharedObject', function(obj) ESX = obj end)\n",
};

/** Adds a legacy Lua resource (not started). */
export async function legacy(emu: Emulator, name: string, opts: LegacyOptions): Promise<void> {
  const get = opts.get ?? 'imports';
  const includes: string[] = [];
  if (get === 'imports') includes.push('@es_extended/imports.lua');
  if (opts.aliased) includes.push(BRIDGE_IMPORT);
  await addLuaResource(emu, name, opts, { includes, prefix: GET_LINE[get] });
}

/**
 * Sets `convars` (replicated), registers the bridge and (unless `esx: false`) the ESX double, then starts `order`
 * (resource names, in order), connects one player and lets `settle` virtual ms pass.
 */
export function scene(
  emu: Emulator,
  order: string[],
  { esx = true, convars = {}, settle = 300 }: { esx?: boolean; convars?: Record<string, string>; settle?: number } = {},
): Promise<Scene> {
  return startScene(emu, order, { convars, doubles: esx ? { es_extended: ESX_FIXTURE } : {}, settle });
}

/** The ids the ESX double sent requests with (server: its global counter; client: the player's session counter). */
export function esxSentIds(emu: Emulator, player?: Player): number[] {
  const t = luaGlobal(player ? player.machine : emu.server, 'es_extended', 'ESX_TEST') as { sentIds: number[] };
  return Array.isArray(t.sentIds) ? t.sentIds : [];
}
