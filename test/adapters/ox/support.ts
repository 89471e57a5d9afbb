/**
 * Scenes of the ox_lib family's tests: our ox_lib double (fixtures/ox_lib, written from the reference), Lua resources
 * in three flavours (unmodified ox consumer, aliased consumer, native API only), and JS resources running the REAL
 * npm package `@overextended/ox_lib` (bundle.ts: its callback modules bundled in memory into classic scripts that
 * define `OxClient` / `OxServer`).
 */
import path from 'node:path';
import { expect } from 'vitest';
import type { Emulator, Player } from '../../emulator/emulator.ts';
import type { Machine } from '../../emulator/machine.ts';
import { manifest } from '../../support/cfx.ts';
import { addBridge, J_LUA, outs, scriptErrors, startAll } from '../../engine/lua-support.ts';
import { OX_SHIM, oxBundles } from './bundle.ts';

export { addBridge, oxBundles, outs, scriptErrors, startAll };

export const OX_DOUBLE = path.join(__dirname, 'fixtures', 'ox_lib');

/** Adds our ox_lib double as resource `ox_lib` (not started). */
export async function addOxDouble(emu: Emulator): Promise<void> {
  await emu.addResource('ox_lib', OX_DOUBLE);
}

/**
 * How a Lua resource gets its callback API:
 * - `ox`: unmodified ox consumer (`@ox_lib/init.lua` only);
 * - `alias`: migrated with one line (`@ox_lib/init.lua`, then `@callback_bridge/import.lua`);
 * - `native`: the bridge's own API only (`@callback_bridge/import.lua`).
 */
export type Flavour = 'ox' | 'alias' | 'native';

const INCLUDES: Record<Flavour, string[]> = {
  ox: ['@ox_lib/init.lua'],
  alias: ['@ox_lib/init.lua', '@callback_bridge/import.lua'],
  native: ['@callback_bridge/import.lua'],
};

/** A Lua resource of `flavour`; `server` / `client` are script bodies, `out(key, ...)` records what they saw. */
export async function luaResource(emu: Emulator, name: string, flavour: Flavour, scripts: { server?: string; client?: string }): Promise<void> {
  const files: Record<string, string> = { 'probe.lua': J_LUA };
  const lines: string[] = [];
  const list = (file: string) => `{ ${[...INCLUDES[flavour], 'probe.lua', file].map((f) => `'${f}'`).join(', ')} }`;
  if (scripts.server !== undefined) {
    lines.push(`server_scripts ${list('server.lua')}`);
    files['server.lua'] = scripts.server;
  }
  if (scripts.client !== undefined) {
    lines.push(`client_scripts ${list('client.lua')}`);
    files['client.lua'] = scripts.client;
  }
  files['fxmanifest.lua'] = manifest(lines.join('\n'));
  await emu.addInlineResource(name, files);
}

/** A resource with plain scripts (file name → code; `.lua` or `.js` picks the runtime), added but not started. */
export async function plainResource(emu: Emulator, name: string, scripts: { server?: [string, string]; client?: [string, string] }): Promise<void> {
  const files: Record<string, string> = {};
  const lines: string[] = [];
  for (const side of ['server', 'client'] as const) {
    const script = scripts[side];
    if (!script) continue;
    lines.push(`${side}_script '${script[0]}'`);
    files[script[0]] = script[1];
  }
  files['fxmanifest.lua'] = manifest(lines.join('\n'));
  await emu.addInlineResource(name, files);
}

/**
 * A JS resource using the real package (bundle.ts): the shim, then the side's bundle, before `server.js` /
 * `client.js`.
 */
export async function oxJsResource(emu: Emulator, name: string, scripts: { server?: string; client?: string }): Promise<void> {
  const { client, server } = await oxBundles();
  const files: Record<string, string> = { 'shim.js': OX_SHIM };
  const lines: string[] = [];
  if (scripts.server !== undefined) {
    lines.push(`server_scripts { 'shim.js', 'ox-server.js', 'server.js' }`);
    files['ox-server.js'] = server;
    files['server.js'] = scripts.server;
  }
  if (scripts.client !== undefined) {
    lines.push(`client_scripts { 'shim.js', 'ox-client.js', 'client.js' }`);
    files['ox-client.js'] = client;
    files['client.js'] = scripts.client;
  }
  files['fxmanifest.lua'] = manifest(lines.join('\n'));
  await emu.addInlineResource(name, files);
}

/** Starts the bridge, the ox double (unless `ox: false`), then `names`, connects `players` and lets things settle. */
export async function scene(emu: Emulator, names: string[], { ox = true, players = 1, settle = 300 } = {}): Promise<Player[]> {
  startAll(emu, 'callback_bridge', ...(ox ? ['ox_lib'] : []), ...names);
  const list: Player[] = [];
  for (let i = 0; i < players; i++) list.push(emu.connect());
  await emu.advance(settle);
  return list;
}

/** Every `out` of a Lua resource on `machine`. */
export const seen = (machine: Machine, res: string) => outs(machine, res);

/** Fails with the run's script errors (other than `allowed`) shown. */
export function expectNoScriptErrors(emu: Emulator, allowed: RegExp[] = []): void {
  const errors = scriptErrors(emu).filter((line) => !allowed.some((re) => re.test(line)));
  expect(errors).toEqual([]);
}
