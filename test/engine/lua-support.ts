/**
 * Shared setup of the Lua twin's tests: the bridge resource (repo root, built `dist/`), inline resources that include
 * `@callback_bridge/import.lua`, and a Lua helper `J(...)` that turns values into JSON text with nils kept in place
 * (`null`), so a test reads exactly what a Lua script saw, counts included. Also the scenes the JS and Lua
 * bridge-directory tests share (`announcementScene`, `ownerRestartScene`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Emulator, Player } from '../emulator/emulator.ts';
import type { LuaState, LuaVm } from '../emulator/lua/lua-vm.ts';
import type { Machine } from '../emulator/machine.ts';
import { jsGlobals, luaGlobal, manifest } from '../support/cfx.ts';

export const repoRoot = path.resolve(__dirname, '../..');

/** `J(...)`: the argument list as a JSON array (nil → null, select('#') kept); `out(key, ...)` records it. */
export const J_LUA = `
local function enc(v, depth)
  local t = type(v)
  if v == nil then return 'null' end
  if t == 'boolean' then return tostring(v) end
  if t == 'number' then
    if math.type(v) == 'integer' then return string.format('%d', v) end
    if v ~= v or v == math.huge or v == -math.huge then return '"' .. tostring(v) .. '"' end
    return string.format('%.17g', v)
  end
  if t == 'string' then
    return '"' .. v:gsub('[%c"\\\\]', function(c) return string.format('\\\\u%04x', c:byte()) end) .. '"'
  end
  if t == 'table' then
    if rawget(v, '__cfx_functionReference') then return '"<funcref>"' end
    if depth > 20 then return '"<deep>"' end
    local n, keys, isArray = 0, {}, true
    for k in pairs(v) do
      n = n + 1
      keys[#keys + 1] = k
      if math.type(k) ~= 'integer' or k < 1 then isArray = false end
    end
    if isArray and n == #v then
      local parts = {}
      for i = 1, #v do parts[i] = enc(v[i], depth + 1) end
      return '[' .. table.concat(parts, ',') .. ']'
    end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for i, k in ipairs(keys) do parts[i] = enc(tostring(k), depth) .. ':' .. enc(v[k], depth + 1) end
    return '{' .. table.concat(parts, ',') .. '}'
  end
  return '"<' .. t .. '>"'
end
function J(...)
  local parts = {}
  for i = 1, select('#', ...) do parts[i] = enc((select(i, ...)), 0) end
  return '[' .. table.concat(parts, ',') .. ']'
end
OUT = {}
function out(key, ...)
  OUT[key] = J(...)
end
`;

export interface LuaWorldOptions {
  /** Server console lines run before anything starts (`set`, `add_ace`...). */
  commands?: string[];
}

/** Adds the bridge resource (repo root) to `emu`. */
export async function addBridge(emu: Emulator): Promise<void> {
  await emu.addResource('callback_bridge', repoRoot);
}

/**
 * An inline resource whose Lua scripts include the twin: `server` / `client` are script bodies (the J helper is
 * loaded first). `js` adds JS scripts using `dist/callbacks.js` instead.
 */
export async function luaResource(emu: Emulator, name: string, scripts: { server?: string; client?: string }): Promise<void> {
  const lines: string[] = [];
  const files: Record<string, string> = { 'probe.lua': J_LUA };
  if (scripts.server !== undefined) {
    lines.push("server_scripts { '@callback_bridge/import.lua', 'probe.lua', 'server.lua' }");
    files['server.lua'] = scripts.server;
  }
  if (scripts.client !== undefined) {
    lines.push("client_scripts { '@callback_bridge/import.lua', 'probe.lua', 'client.lua' }");
    files['client.lua'] = scripts.client;
  }
  files['fxmanifest.lua'] = manifest(lines.join('\n'));
  await emu.addInlineResource(name, files);
}

/** A JS resource using the include on the sides given. */
export async function jsResource(emu: Emulator, name: string, scripts: { server?: string; client?: string }): Promise<void> {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  if (scripts.server !== undefined) {
    lines.push("server_scripts { '@callback_bridge/dist/callbacks.js', 'server.js' }");
    files['server.js'] = scripts.server;
  }
  if (scripts.client !== undefined) {
    lines.push("client_scripts { '@callback_bridge/dist/callbacks.js', 'client.js' }");
    files['client.js'] = scripts.client;
  }
  files['fxmanifest.lua'] = manifest(lines.join('\n'));
  await emu.addInlineResource(name, files);
}

/** Starts resources in order (the bridge first when listed), failing the test if one does not start. */
export function startAll(emu: Emulator, ...names: string[]): void {
  for (const name of names) expect(emu.start(name), `start ${name}`).toBe(true);
}

/** A server resource that counts the `cbb:announce` events reaching the server and reads the bridge's directory. */
const ANNOUNCE_SPY = `globalThis.announces = 0;
  onNet('cbb:announce', () => { announces++; });
  globalThis.clientDirectory = (player) => exports.callback_bridge.GetDirectory('client', player);`;

/**
 * The scene of the client-announcement tests (JS and Lua): the bridge, the server resource `spy` (`announces`, the
 * count of `cbb:announce` events that reached the server; `clientDirectory(player)`, the bridge's directory of that
 * player), and `name` added by `add` (jsResource or luaResource) with `scripts`; all start in that order, one player
 * connects and 500 virtual ms pass.
 */
export async function announcementScene(
  emu: Emulator,
  add: typeof jsResource,
  name: string,
  scripts: { server?: string; client?: string },
): Promise<{ player: Player; spy: Record<string, any> }> {
  await addBridge(emu);
  await jsResource(emu, 'spy', { server: ANNOUNCE_SPY });
  await add(emu, name, scripts);
  startAll(emu, 'callback_bridge', 'spy', name);
  const player = emu.connect();
  await emu.advance(500);
  return { player, spy: jsGlobals(emu.server, 'spy') };
}

/**
 * The scene of the "owner restarts during a forwarded call" tests (JS and Lua): starts the bridge, `shop` and
 * `caller` (added by the test), one player connects, 400 virtual ms pass, `shop` restarts and 100 ms pass. The
 * player, and the virtual time of the restart.
 */
export async function ownerRestartScene(emu: Emulator): Promise<{ player: Player; at: number }> {
  startAll(emu, 'callback_bridge', 'shop', 'caller');
  const player = emu.connect();
  await emu.advance(400);
  const at = emu.clock.now();
  emu.restart('shop');
  await emu.advance(100);
  return { player, at };
}

/** What a Lua script recorded with `out(key, ...)`: the parsed argument list, or undefined. */
export function outOf(machine: Machine, res: string, key: string): unknown[] | undefined {
  const all = luaGlobal(machine, res, 'OUT') as Record<string, string> | unknown[];
  if (Array.isArray(all)) return undefined; // `{}` reads as [] (nothing recorded yet)
  const text = all[key];
  return text === undefined ? undefined : (JSON.parse(text) as unknown[]);
}

/** Every `out` of a Lua resource, parsed. */
export function outs(machine: Machine, res: string): Record<string, unknown[]> {
  const all = luaGlobal(machine, res, 'OUT') as Record<string, string> | unknown[];
  if (Array.isArray(all)) return {};
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, JSON.parse(v) as unknown[]]));
}

/** Script errors of the run, as text (a test that expects none shows them on failure). */
export function scriptErrors(emu: Emulator): string[] {
  return emu.scriptErrors.map((l) => `[${l.machine}] [${l.resource}] ${l.text}`);
}

/** The twin's module files, read once. */
const twinSources = new Map<string, string>();
function twinSource(name: string): string {
  let s = twinSources.get(name);
  if (s === undefined) {
    s = fs.readFileSync(path.join(repoRoot, 'lua', `${name}.lua`), 'utf8');
    twinSources.set(name, s);
  }
  return s;
}

/**
 * A bare Lua 5.4 state (no CitizenFX runtime) with the global `use(name)` loading `lua/<name>.lua` as import.lua does,
 * and `J` from J_LUA: for the twin's pure modules (protocol, validation) run against shared vectors.
 */
export function twinState(vm: LuaVm, modules: string[]): LuaState {
  const L = vm.newState();
  const M = vm.M;
  M._lua_createtable(L, 0, modules.length);
  for (const name of modules) {
    vm.pushString(L, twinSource(name));
    M._lua_setfield(L, -2, vm.cstr(name));
  }
  M._lua_setglobal(L, vm.cstr('__sources'));
  vm.run(L, `
    local loaded = {}
    function use(name)
      if loaded[name] == nil then
        local src = assert(__sources[name], 'module not given to the test state: ' .. name)
        loaded[name] = assert(load(src, '@@callback_bridge/lua/' .. name .. '.lua', 't'))(use)
      end
      return loaded[name]
    end`);
  vm.run(L, J_LUA, '=J');
  return L;
}

/** Runs `src` in `L` and returns the string it left in the global `__out`. */
export function runForString(vm: LuaVm, L: LuaState, src: string): string {
  vm.run(L, src, '=(test)');
  vm.M._lua_getglobal(L, vm.cstr('__out'));
  const s = vm.toString(L, -1);
  vm.setTop(L, -2);
  if (s === null) throw new Error('the Lua snippet left no string in __out');
  return s;
}

/** A JSON value as a Lua expression (null → nil; objects as ["key"] = value). */
export function luaLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toString().includes('.') || v.toString().includes('e') ? String(v) : `${v}.0`;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `{${v.map(luaLiteral).join(', ')}}`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `[${JSON.stringify(k)}] = ${luaLiteral(x)}`).join(', ')}}`;
}
