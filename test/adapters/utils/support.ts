/**
 * Setup shared by the tests of the three seed families (utils.callbacks, Community Bridge, KOJA): the bridge (repo
 * root), Lua resources written by us from the documented APIs, with (L2) or without (L3) `@callback_bridge/import.lua`,
 * JS resources with or without the engine include, and our test doubles of the real libraries under
 * `test/adapters/<family>/fixtures/`. Lua scripts record what they saw with `out(key, ...)` (nils and counts kept).
 */
import path from 'node:path';
import { expect } from 'vitest';
import type { Emulator, Player } from '../../emulator/emulator.ts';
import { jsGlobals, luaGlobal, manifest } from '../../support/cfx.ts';
import { addBridge, J_LUA, outs, scriptErrors } from '../../engine/lua-support.ts';

export { outs, scriptErrors };

export const FIXTURES = {
  'koja-lib': path.resolve(__dirname, '../koja/fixtures/koja-lib'),
  community_bridge: path.resolve(__dirname, '../community_bridge/fixtures/community_bridge'),
} as const;

export interface Scripts {
  server?: string;
  client?: string;
}

export interface LuaOptions {
  /** L2: include `@callback_bridge/import.lua` (default true). */
  aliased?: boolean;
  /** Shared scripts listed before the import (a library's own import line, e.g. `@koja-lib/init.lua`). */
  head?: string[];
}

/** Adds (does not start) a Lua resource; the probe (`J`, `out`) loads before the scripts. */
export async function luaRes(emu: Emulator, name: string, scripts: Scripts, { aliased = true, head = [] }: LuaOptions = {}): Promise<void> {
  const list = [...head.map((h) => `'${h}'`), ...(aliased ? ["'@callback_bridge/import.lua'"] : []), "'probe.lua'"];
  const lines: string[] = [];
  const files: Record<string, string> = { 'probe.lua': J_LUA };
  for (const side of ['server', 'client'] as const) {
    if (scripts[side] === undefined) continue;
    lines.push(`${side}_scripts { ${[...list, `'${side}.lua'`].join(', ')} }`);
    files[`${side}.lua`] = scripts[side]!;
  }
  files['fxmanifest.lua'] = manifest(`lua54 'yes'\n${lines.join('\n')}`);
  await emu.addInlineResource(name, files);
}

/** Adds a JS resource; `include` puts `@callback_bridge/dist/callbacks.js` (global CallbackBridge) first. */
export async function jsRes(emu: Emulator, name: string, scripts: Scripts, { include = false }: { include?: boolean } = {}): Promise<void> {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  for (const side of ['server', 'client'] as const) {
    if (scripts[side] === undefined) continue;
    lines.push(`${side}_scripts { ${include ? "'@callback_bridge/dist/callbacks.js', " : ''}'${side}.js' }`);
    files[`${side}.js`] = scripts[side]!;
  }
  files['fxmanifest.lua'] = manifest(lines.join('\n'));
  await emu.addInlineResource(name, files);
}

export interface SceneOptions {
  /** `callback_bridge:standin`, replicated. */
  standin?: string;
  /** Test doubles of the real libraries to register (started only when listed in `order`). */
  fixtures?: Array<keyof typeof FIXTURES>;
  /** Server console lines run before anything starts. */
  commands?: string[];
  players?: number;
  /** Virtual ms after the players connect. */
  settle?: number;
}

export interface Scene {
  players: Player[];
  player: Player;
  /** What a Lua resource recorded on the server / on a client (the first player by default). */
  server(res: string): Record<string, unknown[]>;
  client(res: string, player?: Player): Record<string, unknown[]>;
  /** A JS resource's globals. */
  js(res: string, player?: Player | 'server'): Record<string, any>;
}

/** Registers the bridge and the fixtures, starts `order` in order, connects players and lets `settle` ms pass. */
export async function scene(emu: Emulator, order: string[], opts: SceneOptions = {}): Promise<Scene> {
  if (opts.standin !== undefined) emu.setConvar('callback_bridge:standin', opts.standin, true);
  for (const line of opts.commands ?? []) emu.executeCommand(emu.server, line);
  await addBridge(emu);
  for (const f of opts.fixtures ?? []) await emu.addResource(f, FIXTURES[f]);
  for (const name of order) expect(emu.start(name), `start ${name}`).toBe(true);
  const players: Player[] = [];
  for (let i = 0; i < (opts.players ?? 1); i++) players.push(emu.connect());
  await emu.advance(opts.settle ?? 300);
  return {
    players,
    player: players[0],
    server: (res) => outs(emu.server, res),
    client: (res, p = players[0]) => outs(p.machine, res),
    js: (res, p = players[0]) => jsGlobals(p === 'server' ? emu.server : p.machine, res),
  };
}

/** A Lua global of a resource (see luaGlobal). */
export const luaValue = (emu: Emulator, machine: 'server' | Player, res: string, name: string) =>
  luaGlobal(machine === 'server' ? emu.server : machine.machine, res, name);

/** Lua that records the engine's pending tables (caller and handler side) under `key`. */
export const PENDING_LUA = (key: string) => `out('${key}', CallbackBridge.engine.pending.size, CallbackBridge.engine.responder.serving.size)`;

/** Fails with the run's script errors when there are any. */
export function noScriptErrors(emu: Emulator): void {
  expect(scriptErrors(emu)).toEqual([]);
}
