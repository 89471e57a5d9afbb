/**
 * The world every adapter family's tests build: the bridge (repo root), the family's test doubles, Lua resources that
 * list their includes (a framework's or library's own lines, `@callback_bridge/import.lua`) before the probe
 * (`J`, `out(key, ...)`: lua-support.ts, nils and counts kept), JS resources with the engine include, players; the Lua
 * wrappers that run a script's body once that world is up; and what the tests read back (adapter modes, event
 * listeners, console lines, script errors). Each family's `support.ts` adds its doubles and resource flavours.
 */
import { expect } from 'vitest';
import type { Emulator, Player } from '../emulator/emulator.ts';
import type { Machine } from '../emulator/machine.ts';
import { jsGlobals, manifest } from '../support/cfx.ts';
import { addBridge, J_LUA, jsResource, outs, scriptErrors } from '../engine/lua-support.ts';

/** The include that puts the bridge's Lua engine and the families' pieces into a resource (L2). */
export const BRIDGE_IMPORT = '@callback_bridge/import.lua';

export interface Scripts {
  server?: string;
  client?: string;
}

export interface LuaResourceOptions {
  /** Shared scripts each side lists before the probe and its script, in order. */
  includes?: string[];
  /** Text put before each script's body (a line that gets the framework object, say). */
  prefix?: string;
}

/** Adds (does not start) a Lua 5.4 resource: each side lists `includes`, the probe, then its script. */
export async function addLuaResource(
  emu: Emulator,
  name: string,
  scripts: Scripts,
  { includes = [], prefix = '' }: LuaResourceOptions = {},
): Promise<void> {
  const head = [...includes, 'probe.lua'].map((file) => `'${file}'`);
  const lines: string[] = [];
  const files: Record<string, string> = { 'probe.lua': J_LUA };
  for (const side of ['server', 'client'] as const) {
    const code = scripts[side];
    if (code === undefined) continue;
    lines.push(`${side}_scripts { ${[...head, `'${side}.lua'`].join(', ')} }`);
    files[`${side}.lua`] = prefix + code;
  }
  files['fxmanifest.lua'] = manifest(`lua54 'yes'\n${lines.join('\n')}`);
  await emu.addInlineResource(name, files);
}

/** A JS resource using the native API through `@callback_bridge/dist/callbacks.js` (global CallbackBridge). */
export const jsNative: (emu: Emulator, name: string, code: Scripts) => Promise<void> = jsResource;

/** A server script that runs `body` in a thread once a player is connected (its id in `P`). */
export const onPlayer = (body: string) => `
CreateThread(function()
  while GetNumPlayerIndices() == 0 do Wait(50) end
  Wait(300)
  local P = tonumber(GetPlayerFromIndex(0))
  ${body}
end)`;

/** A script that runs `body` in a thread after `wait` virtual ms (the other resources of the scene have started). */
export const inThread = (body: string, wait = 100) => `
CreateThread(function()
  Wait(${wait})${body}
end)`;

export interface SceneOptions {
  /** Convars set (replicated) before anything starts. */
  convars?: Record<string, string>;
  /** Server console lines run before anything starts. */
  commands?: string[];
  /** Test doubles to register, resource name → folder (started only when listed in `order`). */
  doubles?: Record<string, string>;
  /** Players to connect (default 1). */
  players?: number;
  /** Virtual ms after the players connect (default 300). */
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

/**
 * Sets the convars, runs the commands, registers the bridge and the doubles, starts `order` (resource names, in
 * order), connects the players and lets `settle` virtual ms pass.
 */
export async function startScene(emu: Emulator, order: string[], opts: SceneOptions = {}): Promise<Scene> {
  for (const [key, value] of Object.entries(opts.convars ?? {})) emu.setConvar(key, value, true);
  for (const line of opts.commands ?? []) emu.executeCommand(emu.server, line);
  await addBridge(emu);
  for (const [name, folder] of Object.entries(opts.doubles ?? {})) await emu.addResource(name, folder);
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

/** The adapter modes the bridge reports on a machine (`GetAdapterModes`). */
export function modes(machine: Machine): Record<string, string> {
  const exportsProxy = jsGlobals(machine, 'callback_bridge').exports as Record<string, Record<string, () => unknown>>;
  return { ...(exportsProxy.callback_bridge.GetAdapterModes() as Record<string, string>) };
}

/** The resources that registered a handler for `event` on a machine (the emulator's event bus). */
export function listenersOf(machine: Machine, event: string): string[] {
  const bus = machine.events as unknown as { handlers: Map<string, Array<{ name: string }>> };
  return (bus.handlers.get(event) ?? []).map((t) => t.name);
}

/** Console lines that mention `text`. */
export function logged(emu: Emulator, text: string | RegExp): string[] {
  return emu.output(text);
}

/** Fails with the run's script errors when there are any. */
export function noScriptErrors(emu: Emulator): void {
  expect(scriptErrors(emu)).toEqual([]);
}
