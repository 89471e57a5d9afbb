/**
 * Helpers for machine-level fidelity tests: a fresh emulator per test, inline resources in one line, and reading
 * what a resource's scripts left behind (a JS resource's `vm` context, a Lua resource's globals).
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { Emulator, type EmulatorOptions } from '../emulator/emulator.ts';
import type { Machine } from '../emulator/machine.ts';
import type { JsRuntime } from '../emulator/js/runtime.ts';
import type { LuaRuntime } from '../emulator/lua/runtime.ts';
import { createJsCodec } from '../emulator/msgpack/js-codec.ts';

/**
 * Gives each test of the calling file a fresh `Emulator` (created in `beforeEach`, closed in `afterEach`);
 * returns a getter for the current test's one.
 */
export function useEmulator(options?: EmulatorOptions): () => Emulator {
  let emu: Emulator | undefined;
  beforeEach(async () => {
    emu = await Emulator.create(options);
  });
  afterEach(async () => {
    await emu?.close();
  });
  return () => {
    if (!emu) throw new Error('useEmulator: no emulator outside a test');
    return emu;
  };
}

export const manifest = (lines: string) => `fx_version 'cerulean'\ngame 'gta5'\n${lines}\n`;

/** Registers and starts a resource with one script per side; `server`/`client` file names pick the runtime. */
export async function resource(
  emu: Emulator,
  name: string,
  scripts: { server?: [file: string, code: string]; client?: [file: string, code: string]; extra?: string },
): Promise<void> {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  if (scripts.server) {
    lines.push(`server_script '${scripts.server[0]}'`);
    files[scripts.server[0]] = scripts.server[1];
  }
  if (scripts.client) {
    lines.push(`client_script '${scripts.client[0]}'`);
    files[scripts.client[0]] = scripts.client[1];
  }
  if (scripts.extra) lines.push(scripts.extra);
  files['fxmanifest.lua'] = manifest(lines.join('\n'));
  await emu.addInlineResource(name, files);
  expect(emu.start(name)).toBe(true);
}

/** Shorthands for `resource`. */
export const luaServer = (emu: Emulator, name: string, code: string) => resource(emu, name, { server: ['server.lua', code] });
export const jsServer = (emu: Emulator, name: string, code: string) => resource(emu, name, { server: ['server.js', code] });

function runtimeOf<T>(machine: Machine, res: string, kind: 'js' | 'lua'): T {
  const found = machine.resources.get(res)?.runtimes.find((rt) => rt.kind === kind);
  if (!found) throw new Error(`no ${kind} runtime for ${res} on ${machine.label}`);
  return found as unknown as T;
}

/** The globals of a JS resource (its `vm` context). */
export function jsGlobals(machine: Machine, res: string): Record<string, any> {
  return runtimeOf<JsRuntime>(machine, res, 'js').context as Record<string, any>;
}

/** Reads msgpack images as plain values: funcrefs become `{ funcref: '<ref>' }`. */
const reader = createJsCodec({
  packFunction: () => {
    throw new Error('reader packs no functions');
  },
  unpackFuncRef: (ref) => ({ funcref: ref }),
});

/**
 * A global of a Lua resource, as its msgpack image read by JS (ref §2.3: `{}` reads as `[]`, integer keys as
 * strings). Scalars that must keep their Lua type (integer vs float) should be turned into strings in Lua first.
 */
export function luaGlobal(machine: Machine, res: string, name: string): unknown {
  const rt = runtimeOf<LuaRuntime>(machine, res, 'lua');
  // The runtime keeps its lua_State private; between entries the main state is idle and safe to read.
  const L = (rt as unknown as { L: number }).L;
  const M = rt.vm.M;
  const top = M._lua_gettop(L) as number;
  try {
    M._lua_getglobal(L, rt.vm.cstr(name));
    return reader.unpack(rt.codec.packValue(L, -1));
  } finally {
    M._lua_settop(L, top);
  }
}
