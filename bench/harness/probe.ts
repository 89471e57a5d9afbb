/**
 * Reading what a resource's scripts hold, from the host: a JS resource's globals (its `vm` context), a Lua resource's
 * globals (their msgpack image) and its Lua heap, and the process heap after a full collection.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { JsRuntime } from '../../test/emulator/js/runtime.ts';
import type { LuaRuntime } from '../../test/emulator/lua/runtime.ts';
import type { Machine } from '../../test/emulator/machine.ts';
import { createJsCodec } from '../../test/emulator/msgpack/js-codec.ts';

function runtimeOf<T>(machine: Machine, res: string, kind: 'js' | 'lua'): T | undefined {
  return machine.resources.get(res)?.runtimes.find((rt) => rt.kind === kind) as T | undefined;
}

/** The globals of a JS resource, or undefined when it does not run there. */
export function jsGlobals(machine: Machine, res: string): Record<string, any> | undefined {
  return runtimeOf<JsRuntime>(machine, res, 'js')?.context as Record<string, any> | undefined;
}

const reader = createJsCodec({
  packFunction: () => {
    throw new Error('the bench reader packs no functions');
  },
  unpackFuncRef: (ref) => ({ funcref: ref }),
});

/** Runs `source` in a Lua resource's main state (idle between entries) and returns global `name` as JS values. */
export function luaEval(machine: Machine, res: string, source: string | null, name: string): unknown {
  const rt = runtimeOf<LuaRuntime>(machine, res, 'lua');
  if (!rt) return undefined;
  // The runtime keeps its lua_State private; between entries its main state is idle and safe to use.
  const L = (rt as unknown as { L: number }).L;
  const M = rt.vm.M;
  const top = M._lua_gettop(L) as number;
  try {
    if (source) rt.vm.run(L, source, '=(bench)');
    M._lua_getglobal(L, rt.vm.cstr(name));
    return reader.unpack(rt.codec.packValue(L, -1));
  } finally {
    M._lua_settop(L, top);
  }
}

/** Bytes a Lua resource's state holds after a full collection (its own heap, not the process's). */
export function luaHeapBytes(machine: Machine, res: string): number {
  const v = luaEval(machine, res, `collectgarbage('collect') collectgarbage('collect') __bench_heap = collectgarbage('count') * 1024`, '__bench_heap');
  return typeof v === 'number' ? v : 0;
}

/** The sum of `luaHeapBytes` over every Lua resource of `machines`. */
export function allLuaHeapBytes(machines: Machine[]): number {
  let total = 0;
  for (const m of machines) {
    for (const res of m.resources.values()) {
      if (res.state === 'started' && res.runtimes.some((rt) => rt.kind === 'lua')) total += luaHeapBytes(m, res.name);
    }
  }
  return total;
}

let gcFn: (() => void) | undefined;

/** A full garbage collection, available without `--expose-gc` (the flag is set at run time). */
export function gc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Process heap in use after full collections, bytes. Finalizers run between them: the emulation releases a function
 * reference when its proxy is collected (FinalizationRegistry), which only frees what the reference held after a
 * later collection.
 */
export async function heapBytes(): Promise<number> {
  gc();
  await turn();
  gc();
  await turn();
  gc();
  return process.memoryUsage().heapUsed;
}
