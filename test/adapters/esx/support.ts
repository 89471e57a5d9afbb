/**
 * Setup of the ESX adapter tests: the bridge (repo root), our ESX 1.13 test double (`fixtures/es_extended`), and
 * legacy-style Lua resources written from the documented ESX API (ref §2.1) that get the ESX object one of the
 * three documented ways (ref §2.3) and, at L2, include `@callback_bridge/import.lua` after ESX's own import line.
 * Scripts record what they saw with `out(key, ...)` (lua-support.ts: nils kept, counts kept).
 */
import path from 'node:path';
import { expect } from 'vitest';
import type { Emulator, Player } from '../../emulator/emulator.ts';
import { luaGlobal, manifest } from '../../support/cfx.ts';
import { addBridge, J_LUA, outs, scriptErrors } from '../../engine/lua-support.ts';

export { addBridge, outs, scriptErrors };

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
  const head: string[] = [];
  if (get === 'imports') head.push("'@es_extended/imports.lua'");
  if (opts.aliased) head.push("'@callback_bridge/import.lua'");
  head.push("'probe.lua'");
  const lines: string[] = [];
  const files: Record<string, string> = { 'probe.lua': J_LUA };
  if (opts.server !== undefined) {
    lines.push(`server_scripts { ${[...head, "'server.lua'"].join(', ')} }`);
    files['server.lua'] = GET_LINE[get] + opts.server;
  }
  if (opts.client !== undefined) {
    lines.push(`client_scripts { ${[...head, "'client.lua'"].join(', ')} }`);
    files['client.lua'] = GET_LINE[get] + opts.client;
  }
  files['fxmanifest.lua'] = manifest(`lua54 'yes'\n${lines.join('\n')}`);
  await emu.addInlineResource(name, files);
}

/** A JS resource using the native API through `@callback_bridge/dist/callbacks.js` (global CallbackBridge). */
export async function jsNative(emu: Emulator, name: string, code: { server?: string; client?: string }): Promise<void> {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  for (const side of ['server', 'client'] as const) {
    if (code[side] === undefined) continue;
    lines.push(`${side}_scripts { '@callback_bridge/dist/callbacks.js', '${side}.js' }`);
    files[`${side}.js`] = code[side]!;
  }
  files['fxmanifest.lua'] = manifest(lines.join('\n'));
  await emu.addInlineResource(name, files);
}

export interface Scene {
  player: Player;
  /** What a resource recorded on the server / on the player's client. */
  server(res: string): Record<string, unknown[]>;
  client(res: string, player?: Player): Record<string, unknown[]>;
}

/**
 * Sets `convars` (replicated), registers the bridge and (unless `esx: false`) the ESX double, then starts `order`
 * (resource names, in order), connects one player and lets `settle` virtual ms pass.
 */
export async function scene(
  emu: Emulator,
  order: string[],
  { esx = true, convars = {}, settle = 300 }: { esx?: boolean; convars?: Record<string, string>; settle?: number } = {},
): Promise<Scene> {
  for (const [k, v] of Object.entries(convars)) emu.setConvar(k, v, true);
  await addBridge(emu);
  if (esx) await emu.addResource('es_extended', ESX_FIXTURE);
  for (const name of order) expect(emu.start(name), `start ${name}`).toBe(true);
  const player = emu.connect();
  await emu.advance(settle);
  return {
    player,
    server: (res) => outs(emu.server, res),
    client: (res, p = player) => outs(p.machine, res),
  };
}

/** The ids the ESX double sent requests with (server: its global counter; client: the player's session counter). */
export function esxSentIds(emu: Emulator, player?: Player): number[] {
  const t = luaGlobal(player ? player.machine : emu.server, 'es_extended', 'ESX_TEST') as { sentIds: number[] };
  return Array.isArray(t.sentIds) ? t.sentIds : [];
}

/** Console lines that mention `text`. */
export function logged(emu: Emulator, text: string | RegExp): string[] {
  return emu.output(text);
}
