/**
 * The setup of the engine's end-to-end tests: the repo root as resource `callback_bridge` (built with
 * `npm run build`), and JS resources that include `@callback_bridge/dist/callbacks.js` on both sides, so every call
 * runs the built engine inside those resources and crosses the emulated network.
 *
 * Tests drive the engines from here: `server(res)` / `client(player, res)` give a resource's `CallbackBridge`
 * global, and `record(promise)` notes how and when a call ended (virtual ms).
 */
import path from 'node:path';
import { expect } from 'vitest';
import type { Emulator, Player } from '../emulator/emulator.ts';
import type { Machine } from '../emulator/machine.ts';
import { jsGlobals, manifest } from '../support/cfx.ts';

export const repoRoot = path.resolve(__dirname, '../..');

/** Script code per side; both sides always get the include first. */
export interface ResourceCode {
  server?: string;
  client?: string;
}

/** Adds one resource that includes the engine on both sides (plus optional inline scripts). */
export async function addBridgeResource(emu: Emulator, name: string, code: ResourceCode = {}): Promise<void> {
  const inc = `'@callback_bridge/dist/callbacks.js'`;
  const files: Record<string, string> = {
    'fxmanifest.lua': manifest(
      `server_scripts { ${inc}${code.server ? ", 'server.js'" : ''} }\nclient_scripts { ${inc}${code.client ? ", 'client.js'" : ''} }`,
    ),
  };
  if (code.server) files['server.js'] = code.server;
  if (code.client) files['client.js'] = code.client;
  await emu.addInlineResource(name, files);
}

export interface World {
  players: Player[];
  /** The `CallbackBridge` global of `res` on the server. */
  server(res: string): any;
  /** The `CallbackBridge` global of `res` on `player`'s client. */
  client(player: Player, res: string): any;
  /** Any global of `res` on a machine. */
  globals(machine: Machine, res: string): Record<string, any>;
  /** Connects one more player (it starts every running resource) and lets its bridge say hello. */
  connect(): Promise<Player>;
}

/**
 * Sets `convars`, starts the bridge, then `resources` (name → code) in order, then connects `players` clients, and
 * lets the directories settle (a few frames) so callers address the right resources.
 */
export async function world(
  emu: Emulator,
  resources: Record<string, ResourceCode>,
  { players = 1, convars = {} }: { players?: number; convars?: Record<string, string> } = {},
): Promise<World> {
  // Replicated (`setr`), as the README tells owners: engines read them when they start, on both sides.
  for (const [name, value] of Object.entries(convars)) emu.setConvar(name, value, true);
  await emu.addResource('callback_bridge', repoRoot);
  for (const [name, code] of Object.entries(resources)) await addBridgeResource(emu, name, code);
  expect(emu.start('callback_bridge')).toBe(true);
  for (const name of Object.keys(resources)) expect(emu.start(name)).toBe(true);
  const list: Player[] = [];
  for (let i = 0; i < players; i++) list.push(emu.connect());
  await emu.advance(200);
  return {
    players: list,
    server: (res) => jsGlobals(emu.server, res).CallbackBridge,
    client: (player, res) => jsGlobals(player.machine, res).CallbackBridge,
    globals: (machine, res) => jsGlobals(machine, res),
    async connect() {
      const p = emu.connect();
      list.push(p);
      await emu.advance(200);
      return p;
    },
  };
}

/** How a call ended, filled in when it settles. */
export interface Recorded {
  settled: boolean;
  value?: unknown;
  code?: string;
  message?: string;
  /** The rejection itself. */
  error?: any;
  /** Virtual time at which it was made. */
  startedAt: number;
  /** Virtual time at which it settled. */
  at?: number;
  /** `at - startedAt`. */
  took?: number;
}

/** Records a call's outcome without awaiting it (virtual time only moves through `emu.advance`). */
export function record(emu: Emulator, promise: PromiseLike<unknown>): Recorded {
  const r: Recorded = { settled: false, startedAt: emu.clock.now() };
  const end = (fields: Partial<Recorded>) => {
    const at = emu.clock.now();
    Object.assign(r, fields, { settled: true, at, took: at - r.startedAt });
  };
  promise.then(
    (value) => end({ value }),
    (e: { code?: string; message?: string }) => end({ code: e?.code ?? 'NO_CODE', message: e?.message, error: e }),
  );
  return r;
}

/** Registers a callback in a server resource, then lets the directory reach the clients. */
export async function registerOnServer(emu: Emulator, w: World, res: string, name: string, handler: Function, options?: object): Promise<void> {
  expect(w.server(res).register(name, handler, options)).toBe(true);
  await emu.advance(100);
}

/** Registers a client callback in `res` on every connected player, then lets the announcement reach the server. */
export async function registerOnClients(emu: Emulator, w: World, res: string, name: string, handler: (player: Player) => Function, options?: object): Promise<void> {
  for (const p of w.players) expect(w.client(p, res).registerClient(name, handler(p), options)).toBe(true);
  await emu.advance(150);
}

/** A Promise resolved after `ms` virtual ms (handlers written here must not use Node's real-time timers). */
export function delay<T>(emu: Emulator, ms: number, value?: T): Promise<T> {
  return new Promise((resolve) => emu.clock.at(emu.clock.now() + ms, () => resolve(value as T)));
}
