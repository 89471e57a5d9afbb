/**
 * A Lua resource runtime (CfxLua, ref §5): one raw `lua_State` on the shared wasmoon heap, natives bound as C
 * closures, our own Lua runtime files (runtime/*.lua) for the scheduler, promises, events, exports and funcrefs.
 *
 * Threads are Lua coroutines resumed from Lua code only (wasmoon cannot yield across a JS frame), so every JS entry
 * calls one Lua function of the runtime files (R.runMain, R.dispatch, R.callRef, R.tick), which does the work in
 * coroutines and returns. When JS is re-entered from inside a C closure (a handler's TriggerEvent reaching this
 * same state), the nested call runs on the Lua thread that called the closure (`curL`), never on the main state.
 *
 * Natives: every `host.natives` entry becomes a global through one generic binder (arguments read from the Lua
 * stack as plain JS values; tables go through the Lua codec and the JS codec; a Lua function or funcref becomes a
 * JS callable that calls the host with msgpack, see `callable`). The hot ones are direct closures.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LUA_REGISTRYINDEX, LuaType, type LuaModule, type LuaState, type LuaVm } from './lua-vm.ts';
import { LuaCodec } from './lua-codec.ts';
import { CFXLUA_PROLOGUE, transformCfxLua } from './cfxlua-transform.ts';
import { createJsCodec, type JsCodec } from '../msgpack/js-codec.ts';
import { newInstanceId } from '../funcref.ts';
import type { RuntimeHost, ScriptRuntime } from '../types.ts';

/** Our Lua runtime files, in load order (vector.lua is a colleague's and is loaded when present). */
const RUNTIME_FILES = ['citizen.lua', 'vector.lua', 'scheduler.lua', 'promise.lua', 'funcref.lua', 'events.lua', 'exports.lua', 'json.lua', 'json-decode.lua'];
const RUNTIME_DIR = fileURLToPath(new URL('./runtime/', import.meta.url));
/** Chunk-name prefix of the runtime files: FiveM's own, so stack traces leave their frames out. */
const SYSTEM_CHUNK = '@citizen:/scripting/lua/';
/** `msgpack.pack(nil)`. */
const PACKED_NIL: Uint8Array = Uint8Array.of(0xc0);
const LUA_UPVALUE_1 = LUA_REGISTRYINDEX - 1;

/** A runtime file; its bytecode (debug info kept) is cached after the first state compiled it. */
interface RuntimeFile {
  name: string;
  source: string;
  bytecode?: Uint8Array;
}

let runtimeFiles: RuntimeFile[] | undefined;
function loadRuntimeFiles(): RuntimeFile[] {
  runtimeFiles ??= RUNTIME_FILES.flatMap((name) => {
    const path = RUNTIME_DIR + name;
    return fs.existsSync(path) ? [{ name, source: fs.readFileSync(path, 'utf8') }] : [];
  });
  return runtimeFiles;
}

/** One function reference this runtime owns (ref §2.4): a Lua value in the registry, or a JS function given to Lua. */
interface RefEntry {
  /** luaL_ref index of the function / funcref table, or 0 for a JS function. */
  reg: number;
  js: Function | null;
  count: number;
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof (e as Error).message === 'string') return (e as Error).message;
  return String(e);
}

/** Releases the reference a JS callable made from a Lua function held, once the callable is garbage. */
const callableFinalizer = new FinalizationRegistry<{ runtime: LuaRuntime; ref: string }>(({ runtime, ref }) => {
  if (!runtime.isDestroyed) runtime.host.deleteFunctionReference(ref);
});

export class LuaRuntime implements ScriptRuntime {
  readonly kind = 'lua' as const;
  readonly instanceId = newInstanceId();
  readonly codec: LuaCodec;
  /** For natives only: JS values in and out of the Lua codec's msgpack. */
  readonly jsCodec: JsCodec;
  private readonly M: LuaModule;
  private readonly L: LuaState;
  /** The Lua thread JS calls into: the main state, or the thread whose C call is running. */
  private curL: LuaState;
  private readonly refs = new Map<number, RefEntry>();
  private nextRefIdx = 0;
  /** Registry slots (as lua_Integer) of R.runMain, R.dispatch, R.callRef, R.tick and the funcref metatable. */
  private readonly entry: Record<'runMain' | 'dispatch' | 'callRef' | 'tick' | 'funcrefMeta', bigint>;
  private readonly fnPtrs: number[] = [];
  private readonly nativeFns: Function[] = [];
  private wake = Infinity;
  private destroyed = false;
  private closed = false;
  /** How many JS→Lua entries of this runtime are on the stack; the state is closed only at 0. */
  private depth = 0;

  constructor(
    readonly vm: LuaVm,
    readonly host: RuntimeHost,
  ) {
    const M = (this.M = vm.M);
    const L = (this.L = this.curL = vm.newState());
    this.codec = new LuaCodec(vm, {
      refForFunction: (Ls, idx) => this.makeRef(Ls, idx),
      pushFuncRef: (Ls, ref) => this.pushFuncRef(Ls, ref),
    });
    this.jsCodec = createJsCodec({
      packFunction: (fn) => this.makeJsRef(fn),
      unpackFuncRef: (ref) => this.callable(ref, true),
    });
    this.codec.installGlobal(L);
    this.installNatives(L);
    this.installInternals(L);
    vm.run(L, CFXLUA_PROLOGUE, '=cfxlua');

    // The runtime files share one private table R, passed as their argument.
    M._lua_createtable(L, 0, 16);
    const rTable = M._lua_gettop(L) as number;
    for (const file of loadRuntimeFiles()) {
      const err = this.loadRuntimeFile(L, file);
      if (err !== null) throw new Error(`Lua runtime file ${file.name}: ${err}`);
      M._lua_pushvalue(L, rTable);
      const runErr = vm.pcall(L, 1, 0);
      if (runErr !== null) throw new Error(`Lua runtime file ${file.name}: ${runErr}`);
    }
    const slot = (field: string): bigint => {
      M._lua_getfield(L, rTable, vm.cstr(field));
      if ((M._lua_type(L, -1) as number) === LuaType.NIL) throw new Error(`Lua runtime: R.${field} is missing`);
      return BigInt(M._luaL_ref(L, LUA_REGISTRYINDEX) as number);
    };
    this.entry = {
      runMain: slot('runMain'),
      dispatch: slot('dispatch'),
      callRef: slot('callRef'),
      tick: slot('tick'),
      funcrefMeta: slot('funcrefMeta'),
    };
    M._lua_settop(L, 0);
  }

  /** Pushes the chunk of a runtime file: compiled once per process, then loaded from its bytecode (~2 ms saved). */
  private loadRuntimeFile(L: LuaState, file: RuntimeFile): string | null {
    const M = this.M;
    const vm = this.vm;
    const chunkName = vm.cstr(SYSTEM_CHUNK + file.name);
    if (file.bytecode) {
      const bytes = file.bytecode;
      const p = M._malloc(bytes.length) as number;
      M.HEAPU8.set(bytes, p);
      const status = M._luaL_loadbufferx(L, p, bytes.length, chunkName, vm.cstr('b')) as number;
      M._free(p);
      if (status === 0) return null;
      const msg = vm.toString(L, -1) ?? 'load error';
      M._lua_settop(L, -2);
      return msg;
    }
    const err = vm.load(L, file.source, SYSTEM_CHUNK + file.name);
    if (err !== null) return err;
    // string.dump(chunk) while the chunk is on top; keep it there.
    M._lua_getglobal(L, vm.cstr('string'));
    M._lua_getfield(L, -1, vm.cstr('dump'));
    M._lua_pushvalue(L, -3);
    if (vm.pcall(L, 1, 1) === null) file.bytecode = vm.toBytes(L, -1);
    M._lua_settop(L, -3);
    return null;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  // ---- ScriptRuntime ----

  loadScript(fileName: string, source: string): void {
    if (this.destroyed) return;
    // FiveM names a resource file '@<resource>/<file>' and an '@res/file' include as it is; the chunk name adds
    // one more '@', so messages read '@res/file.lua:3: ...' (LuaScriptRuntime::LoadHostFileInternal).
    const scriptName = fileName.startsWith('@') ? fileName : `@${this.host.resourceName}/${fileName}`;
    let code: string;
    try {
      code = transformCfxLua(source);
    } catch {
      code = source;
    }
    this.enter((L) => {
      const err = this.vm.load(L, code, '@' + scriptName);
      if (err !== null) {
        this.host.scriptError(`Error parsing script ${scriptName} in resource ${this.host.resourceName}: ${err}`);
        return;
      }
      // Since 2023 FiveM runs a file's main chunk as a thread (CreateThreadNow), so its top level may Wait.
      this.M._lua_rawgeti(L, LUA_REGISTRYINDEX, this.entry.runMain);
      this.M._lua_rotate(L, -2, 1);
      this.pcallEntry(L, 1, 0, 'loading script');
    });
  }

  dispatchEvent(name: string, payload: Uint8Array, rawSource: string): void {
    if (this.destroyed) return;
    this.enter((L) => {
      const vm = this.vm;
      this.M._lua_rawgeti(L, LUA_REGISTRYINDEX, this.entry.dispatch);
      vm.pushString(L, name);
      vm.pushBytes(L, payload);
      vm.pushString(L, rawSource);
      this.pcallEntry(L, 3, 0, 'event handling');
    });
  }

  callRef(idx: number, args: Uint8Array): Uint8Array {
    const ref = this.refs.get(idx);
    if (!ref || this.destroyed) {
      // The Lua scheduler answers pack(nil) here (the JS runtime answers pack([])).
      if (!this.destroyed) this.host.print(`Invalid ref call attempt: ${idx}`);
      return PACKED_NIL;
    }
    if (ref.js) return this.callJsRef(ref.js, args);
    let out: Uint8Array = PACKED_NIL;
    this.enter((L) => {
      const M = this.M;
      M._lua_rawgeti(L, LUA_REGISTRYINDEX, this.entry.callRef);
      M._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(ref.reg));
      this.vm.pushBytes(L, args);
      if (this.pcallEntry(L, 2, 1, 'call reference') && (M._lua_type(L, -1) as number) === LuaType.STRING) {
        out = this.vm.toBytes(L, -1);
      }
    });
    return out;
  }

  duplicateRef(idx: number): number {
    const ref = this.refs.get(idx);
    if (!ref) return -1;
    ref.count++;
    return idx;
  }

  deleteRef(idx: number): void {
    const ref = this.refs.get(idx);
    if (!ref || --ref.count > 0) return;
    this.refs.delete(idx);
    if (ref.reg && !this.destroyed) {
      const L = this.curL;
      this.M._lua_checkstack(L, 4);
      this.M._luaL_unref(L, LUA_REGISTRYINDEX, ref.reg);
    }
  }

  tick(now: number): void {
    if (this.destroyed || now < this.wake) return;
    this.wake = Infinity; // wakes scheduled while the threads run are reported to the host again
    this.enter((L) => {
      const M = this.M;
      M._lua_rawgeti(L, LUA_REGISTRYINDEX, this.entry.tick);
      M._lua_pushnumber(L, now);
      if (this.pcallEntry(L, 1, 1, 'tick')) this.wake = M._lua_tonumberx(L, -1, 0) as number;
    });
  }

  nextWake(): number {
    return this.destroyed ? Infinity : this.wake;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.wake = Infinity;
    if (this.depth === 0) this.close();
  }

  // ---- entries into Lua ----

  /** Runs `fn` with this runtime on the host's runtime stack, on the current Lua thread, stack restored after. */
  private enter(fn: (L: LuaState) => void): void {
    const L = this.curL;
    const M = this.M;
    this.host.enterRuntime(this);
    this.depth++;
    const top = M._lua_gettop(L) as number;
    try {
      M._lua_checkstack(L, 8);
      fn(L);
    } finally {
      if (!this.closed) M._lua_settop(L, top);
      this.depth--;
      this.host.exitRuntime();
      if (this.destroyed && this.depth === 0 && !this.closed) this.close();
    }
  }

  /** lua_pcall of a runtime entry; the runtime files catch script errors, so a failure here is ours. */
  private pcallEntry(L: LuaState, nargs: number, nresults: number, what: string): boolean {
    const err = this.vm.pcall(L, nargs, nresults);
    if (err === null) return true;
    this.host.scriptError(`Error running system ${what} function for resource ${this.host.resourceName}: ${err}`);
    return false;
  }

  private close(): void {
    // __gc of funcref tables still runs (and releases references into other runtimes), as in FiveM's Destroy().
    this.vm.close(this.L);
    this.closed = true;
    this.refs.clear();
    const remove = (this.M as unknown as { removeFunction?: (p: number) => void }).removeFunction;
    if (remove) for (const p of this.fnPtrs) remove.call(this.M, p);
    this.fnPtrs.length = 0;
  }

  // ---- function references (ref §2.4) ----

  /** A new reference (count 0) to the function or funcref table at `idx`: `Citizen.GetFunctionReference`. */
  private makeRef(L: LuaState, idx: number): string {
    const M = this.M;
    M._lua_checkstack(L, 2);
    M._lua_pushvalue(L, idx);
    const reg = M._luaL_ref(L, LUA_REGISTRYINDEX) as number;
    const refIdx = this.nextRefIdx++;
    this.refs.set(refIdx, { reg, js: null, count: 0 });
    return this.host.canonicalizeRef(this, refIdx);
  }

  /** A new reference to a JS function handed to Lua by a native (e.g. an HTTP response's `send`). */
  private makeJsRef(fn: Function): string {
    const refIdx = this.nextRefIdx++;
    this.refs.set(refIdx, { reg: 0, js: fn, count: 0 });
    return this.host.canonicalizeRef(this, refIdx);
  }

  /** The funcref table for a received ref, after one more reference was registered (the scheduler's `__unpack`). */
  private pushFuncRef(L: LuaState, ref: string): void {
    const M = this.M;
    if (!this.destroyed) {
      try {
        this.host.duplicateFunctionReference(ref);
      } catch {
        // A dead reference stays dead; calling it reports the error.
      }
    }
    M._lua_checkstack(L, 3);
    M._lua_createtable(L, 0, 1);
    this.vm.pushString(L, ref);
    M._lua_setfield(L, -2, this.vm.cstr('__cfx_functionReference'));
    M._lua_rawgeti(L, LUA_REGISTRYINDEX, this.entry.funcrefMeta);
    M._lua_setmetatable(L, -2);
  }

  /** A JS function standing for `ref`: msgpack in, host call, msgpack out (how a native calls a Lua callback). */
  private callable(ref: string, duplicate: boolean): Function {
    if (duplicate) {
      try {
        this.host.duplicateFunctionReference(ref);
      } catch {
        // dead already
      }
    }
    const fn = (...args: unknown[]): unknown => {
      const out = this.host.invokeFunctionReference(ref, this.jsCodec.pack(args));
      const result = this.jsCodec.unpack(out);
      if (!Array.isArray(result)) return result ?? undefined;
      return result.length === 0 ? undefined : result.length === 1 ? result[0] : result;
    };
    callableFinalizer.register(fn, { runtime: this, ref });
    return fn;
  }

  /** A call into a JS function this runtime handed out: args and results as the JS runtime would pack them. */
  private callJsRef(fn: Function, args: Uint8Array): Uint8Array {
    try {
      const list = this.jsCodec.unpack(args);
      return this.jsCodec.pack([fn(...(Array.isArray(list) ? list : []))]);
    } catch (e) {
      this.host.scriptError(`in function reference: ${messageOf(e)}`);
      return PACKED_NIL;
    }
  }

  // ---- C closures ----

  /**
   * A C function pointer for `fn`. While it runs, `curL` is the calling thread. A JS throw becomes a Lua error
   * with its message; emscripten's longjmp (thrown as Infinity) passes through.
   */
  private cfunction(fn: (L: LuaState) => number): number {
    const M = this.M;
    const vm = this.vm;
    const p = M.addFunction((L: LuaState) => {
      const previous = this.curL;
      this.curL = L;
      let message = '';
      try {
        return fn(L);
      } catch (e) {
        if (e === Infinity) throw e;
        message = messageOf(e);
      } finally {
        this.curL = previous;
      }
      vm.pushString(L, message);
      return M._lua_error(L) as number;
    }, 'ii');
    this.fnPtrs.push(p);
    return p;
  }

  private setGlobal(L: LuaState, name: string, fn: (L: LuaState) => number): void {
    this.M._lua_pushcclosure(L, this.cfunction(fn), 0);
    this.M._lua_setglobal(L, this.vm.cstr(name));
  }

  /** The string argument `i` (numbers converted as Lua does), or '' for anything else. */
  private str(L: LuaState, i: number): string {
    return this.vm.toString(L, i) ?? '';
  }

  /** The internal natives of runtime/*.lua (captured by citizen.lua into R.N). */
  private installInternals(L: LuaState): void {
    const M = this.M;
    const vm = this.vm;
    const host = this.host;
    const pushBool = (Ls: LuaState, b: boolean): number => (M._lua_pushboolean(Ls, b ? 1 : 0), 1);
    // Until the state is closed (a runtime destroyed during its own call runs on until the call unwinds), the
    // internal natives keep working; only new wake-ups are no longer asked for.
    const live = (): boolean => !this.closed;
    this.setGlobal(L, '__cfx_print', (Ls) => (live() && host.print(this.str(Ls, 1)), 0));
    this.setGlobal(L, '__cfx_scriptError', (Ls) => (live() && host.scriptError(this.str(Ls, 1)), 0));
    this.setGlobal(L, '__cfx_now', (Ls) => (M._lua_pushnumber(Ls, host.now()), 1));
    this.setGlobal(L, '__cfx_wakeAt', (Ls) => {
      const at = M._lua_tonumberx(Ls, 1, 0) as number;
      if (at < this.wake && !this.destroyed) {
        this.wake = at;
        host.wakeAt(at);
      }
      return 0;
    });
    this.setGlobal(L, '__cfx_triggerEvent', (Ls) =>
      pushBool(Ls, live() ? host.triggerEvent(this.str(Ls, 1), vm.toBytes(Ls, 2)) : true),
    );
    this.setGlobal(L, '__cfx_triggerServerEvent', (Ls) => (live() && host.triggerServerEvent(this.str(Ls, 1), vm.toBytes(Ls, 2)), 0));
    this.setGlobal(L, '__cfx_triggerLatentServerEvent', (Ls) => {
      if (live()) host.triggerLatentServerEvent(this.str(Ls, 1), vm.toBytes(Ls, 2), M._lua_tonumberx(Ls, 3, 0) as number);
      return 0;
    });
    // The target is a `char*` native argument: a number arrives as Lua writes it, nil as no target at all.
    this.setGlobal(L, '__cfx_triggerClientEvent', (Ls) => {
      if (live()) host.triggerClientEvent(this.str(Ls, 1), this.str(Ls, 2), vm.toBytes(Ls, 3));
      return 0;
    });
    this.setGlobal(L, '__cfx_triggerLatentClientEvent', (Ls) => {
      if (live()) host.triggerLatentClientEvent(this.str(Ls, 1), this.str(Ls, 2), vm.toBytes(Ls, 3), M._lua_tonumberx(Ls, 4, 0) as number);
      return 0;
    });
    // A stopped resource is never registered again, even by code still unwinding after destroy().
    this.setGlobal(L, '__cfx_registerEventHandler', (Ls) => (!this.destroyed && host.registerEventHandler(this.str(Ls, 1)), 0));
    this.setGlobal(L, '__cfx_cancelEvent', () => (live() && host.cancelEvent(), 0));
    this.setGlobal(L, '__cfx_wasEventCanceled', (Ls) => pushBool(Ls, live() && host.wasEventCanceled()));
    this.setGlobal(L, '__cfx_invokeRef', (Ls) => {
      const ref = this.str(Ls, 1);
      let out: Uint8Array;
      try {
        if (!live()) throw new Error('the calling runtime was stopped');
        out = host.invokeFunctionReference(ref, vm.toBytes(Ls, 2));
      } catch (e) {
        if (e === Infinity) throw e;
        throw new Error(`Execution of function reference in script host failed: ${messageOf(e)}`);
      }
      vm.pushBytes(Ls, out);
      return 1;
    });
    this.setGlobal(L, '__cfx_duplicateRef', (Ls) => {
      const ref = this.str(Ls, 1);
      let out = ref;
      if (live()) {
        try {
          out = host.duplicateFunctionReference(ref);
        } catch {
          // nothing to count on a dead reference
        }
      }
      vm.pushString(Ls, out);
      return 1;
    });
    this.setGlobal(L, '__cfx_deleteRef', (Ls) => {
      // Also runs from __gc while the state closes: references into other runtimes are released then too.
      if (!this.closed) {
        try {
          host.deleteFunctionReference(this.str(Ls, 1));
        } catch {
          // a reference into a stopped runtime has nothing left to release
        }
      }
      return 0;
    });
    this.setGlobal(L, '__cfx_makeRef', (Ls) => (vm.pushString(Ls, this.makeRef(Ls, 1)), 1));
  }

  // ---- natives ----

  /** Every host native as a global through one binder, then direct closures for the hot ones. */
  private installNatives(L: LuaState): void {
    const M = this.M;
    const host = this.host;
    const vm = this.vm;
    const binder = this.cfunction((Ls) => {
      const fn = this.nativeFns[Number(M._lua_tointegerx(Ls, LUA_UPVALUE_1, 0))];
      const n = M._lua_gettop(Ls) as number;
      const args = new Array<unknown>(n);
      for (let i = 0; i < n; i++) args[i] = this.readValue(Ls, i + 1);
      return this.pushValue(Ls, fn(...args));
    });
    for (const [name, fn] of Object.entries(host.natives)) {
      if (typeof fn !== 'function') continue;
      M._lua_pushinteger(L, BigInt(this.nativeFns.length));
      this.nativeFns.push(fn);
      M._lua_pushcclosure(L, binder, 1);
      M._lua_setglobal(L, vm.cstr(name));
    }
    const nameBytes = new TextEncoder().encode(host.resourceName);
    this.setGlobal(L, 'GetGameTimer', (Ls) => (M._lua_pushinteger(Ls, BigInt(Math.floor(host.now()))), 1));
    this.setGlobal(L, 'GetCurrentResourceName', (Ls) => (vm.pushBytes(Ls, nameBytes), 1));
    this.setGlobal(L, 'GetInvokingResource', (Ls) => {
      const who = host.getInvokingResource();
      if (who === null) M._lua_pushnil(Ls);
      else vm.pushString(Ls, who);
      return 1;
    });
    this.setGlobal(L, 'IsDuplicityVersion', (Ls) => (M._lua_pushboolean(Ls, host.side === 'server' ? 1 : 0), 1));
    const getState = host.natives.GetResourceState;
    if (typeof getState === 'function') {
      this.setGlobal(L, 'GetResourceState', (Ls) => (vm.pushString(Ls, String(getState(this.str(Ls, 1)))), 1));
    }
  }

  /**
   * A Lua value as a native receives it: nil → undefined, booleans, integers and floats → number, strings,
   * a function or funcref → a JS callable (see `callable`), other tables → their msgpack image in JS values.
   */
  private readValue(L: LuaState, i: number): unknown {
    const M = this.M;
    switch (M._lua_type(L, i) as number) {
      case LuaType.BOOLEAN:
        return M._lua_toboolean(L, i) !== 0;
      case LuaType.NUMBER:
        return M._lua_isinteger(L, i) ? Number(M._lua_tointegerx(L, i, 0)) : (M._lua_tonumberx(L, i, 0) as number);
      case LuaType.STRING:
        return this.vm.toString(L, i);
      case LuaType.FUNCTION:
        return this.callable(this.makeRef(L, i), true);
      case LuaType.TABLE: {
        M._lua_checkstack(L, 2);
        const abs = M._lua_absindex(L, i) as number;
        M._lua_pushstring(L, this.vm.cstr('__cfx_functionReference'));
        const isRef = (M._lua_rawget(L, abs) as number) === LuaType.STRING;
        M._lua_settop(L, -2);
        if (isRef) return this.callable(this.makeRef(L, i), true);
        return this.jsCodec.unpack(this.codec.packValue(L, i));
      }
      default:
        return undefined;
    }
  }

  /** A native's result onto the Lua stack; arrays and objects through msgpack (the natives' `object` results). */
  private pushValue(L: LuaState, v: unknown): number {
    const M = this.M;
    M._lua_checkstack(L, 2);
    if (v === undefined || v === null) M._lua_pushnil(L);
    else if (typeof v === 'boolean') M._lua_pushboolean(L, v ? 1 : 0);
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) M._lua_pushinteger(L, BigInt(v));
      else M._lua_pushnumber(L, v);
    } else if (typeof v === 'bigint') M._lua_pushinteger(L, BigInt.asIntN(64, v));
    else if (typeof v === 'string') this.vm.pushString(L, v);
    else if (v instanceof Uint8Array) this.vm.pushBytes(L, v);
    else if (typeof v === 'function') this.pushFuncRef(L, this.makeJsRef(v));
    else return this.codec.pushAll(L, this.jsCodec.pack(v));
    return 1;
  }
}
