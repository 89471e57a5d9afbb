/**
 * Setup of the QBCore/Qbox adapter tests: the bridge (repo root), our test doubles (`fixtures/qb-core`, qb-core after
 * January 2025; `fixtures/qbx_core`, Qbox's compatibility bridge that `provide`s qb-core), and legacy-style Lua
 * resources written from the documented QBCore API (reference esx-qbcore-qbox.md §3.1, §3.3, §4.2). A legacy script
 * gets its object with `exports['qb-core']:GetCoreObject()` at its top (unless it says otherwise); at L2 its manifest
 * includes `@callback_bridge/import.lua`. Scripts record what they saw with `out(key, ...)` (nils and counts kept).
 */
import path from 'node:path';
import { expect } from 'vitest';
import type { Emulator, Player } from '../../emulator/emulator.ts';
import type { Machine } from '../../emulator/machine.ts';
import { jsGlobals, luaGlobal, manifest } from '../../support/cfx.ts';
import { addBridge, J_LUA, outs, scriptErrors } from '../../engine/lua-support.ts';

export { outs, scriptErrors };

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
  const head = opts.aliased ? ["'@callback_bridge/import.lua'", "'probe.lua'"] : ["'probe.lua'"];
  const get = opts.get ?? GET_CORE;
  const lines: string[] = [];
  const files: Record<string, string> = { 'probe.lua': J_LUA };
  for (const side of ['server', 'client'] as const) {
    const code = opts[side];
    if (code === undefined) continue;
    lines.push(`${side}_scripts { ${[...head, `'${side}.lua'`].join(', ')} }`);
    files[`${side}.lua`] = get + code;
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

export type Framework = 'qb-core' | 'qbx_core' | 'none';

export interface Scene {
  player: Player;
  /** What a resource recorded on the server / on the player's client. */
  server(res: string): Record<string, unknown[]>;
  client(res: string, player?: Player): Record<string, unknown[]>;
}

/**
 * Sets `convars` (replicated), registers the bridge and the framework double (`framework`, default qb-core), starts
 * `order` (resource names, in order), connects one player and lets `settle` virtual ms pass.
 */
export async function scene(
  emu: Emulator,
  order: string[],
  { framework = 'qb-core', convars = {}, settle = 300 }: { framework?: Framework; convars?: Record<string, string>; settle?: number } = {},
): Promise<Scene> {
  for (const [k, v] of Object.entries(convars)) emu.setConvar(k, v, true);
  await addBridge(emu);
  if (framework === 'qb-core') await emu.addResource('qb-core', QB_FIXTURE);
  if (framework === 'qbx_core') await emu.addResource('qbx_core', QBX_FIXTURE);
  for (const name of order) expect(emu.start(name), `start ${name}`).toBe(true);
  const player = emu.connect();
  await emu.advance(settle);
  return {
    player,
    server: (res) => outs(emu.server, res),
    client: (res, p = player) => outs(p.machine, res),
  };
}

/** The adapter modes the bridge reports on a machine (`GetAdapterModes`). */
export function modes(machine: Machine): Record<string, string> {
  const exportsProxy = jsGlobals(machine, 'callback_bridge').exports as Record<string, Record<string, () => unknown>>;
  return { ...(exportsProxy.callback_bridge.GetAdapterModes() as Record<string, string>) };
}

/** How many requests reached a framework double's request event on a machine (its `WireRequests` global). */
export function wireRequests(machine: Machine, framework: 'qb-core' | 'qbx_core' = 'qb-core'): number {
  return Number(luaGlobal(machine, framework, 'WireRequests'));
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

/** Asserts the run printed no script error. */
export function noScriptErrors(emu: Emulator): void {
  expect(scriptErrors(emu)).toEqual([]);
}
