/**
 * Setup shared by the tests of the three seed families (utils.callbacks, Community Bridge, KOJA): Lua resources written
 * by us from the documented APIs, with (L2) or without (L3) `@callback_bridge/import.lua`, JS resources with or without
 * the engine include, and our test doubles of the real libraries under `test/adapters/<family>/fixtures/`. The world
 * around them (bridge, scene, probe, readers) is `../support.ts`.
 */
import path from 'node:path';
import type { Emulator, Player } from '../../emulator/emulator.ts';
import { luaGlobal, manifest } from '../../support/cfx.ts';
import { outs, scriptErrors } from '../../engine/lua-support.ts';
import { addLuaResource, BRIDGE_IMPORT, type Scene, type Scripts, startScene } from '../support.ts';

export { outs, scriptErrors };
export { noScriptErrors } from '../support.ts';
export type { Scene, Scripts };

export const FIXTURES = {
  'koja-lib': path.resolve(__dirname, '../koja/fixtures/koja-lib'),
  community_bridge: path.resolve(__dirname, '../community_bridge/fixtures/community_bridge'),
} as const;

export interface LuaOptions {
  /** L2: include `@callback_bridge/import.lua` (default true). */
  aliased?: boolean;
  /** Shared scripts listed before the import (a library's own import line, e.g. `@koja-lib/init.lua`). */
  head?: string[];
}

/** Adds (does not start) a Lua resource; the probe (`J`, `out`) loads before the scripts. */
export async function luaRes(emu: Emulator, name: string, scripts: Scripts, { aliased = true, head = [] }: LuaOptions = {}): Promise<void> {
  await addLuaResource(emu, name, scripts, { includes: [...head, ...(aliased ? [BRIDGE_IMPORT] : [])] });
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

/** Registers the bridge and the fixtures, starts `order` in order, connects players and lets `settle` ms pass. */
export function scene(emu: Emulator, order: string[], opts: SceneOptions = {}): Promise<Scene> {
  return startScene(emu, order, {
    convars: opts.standin !== undefined ? { 'callback_bridge:standin': opts.standin } : {},
    commands: opts.commands,
    doubles: Object.fromEntries((opts.fixtures ?? []).map((f) => [f, FIXTURES[f]])),
    players: opts.players,
    settle: opts.settle,
  });
}

/** A Lua global of a resource (see luaGlobal). */
export const luaValue = (emu: Emulator, machine: 'server' | Player, res: string, name: string) =>
  luaGlobal(machine === 'server' ? emu.server : machine.machine, res, name);

/** Lua that records the engine's pending tables (caller and handler side) under `key`. */
export const PENDING_LUA = (key: string) => `out('${key}', CallbackBridge.engine.pending.size, CallbackBridge.engine.responder.serving.size)`;
