/**
 * The raw Lua 5.4 C API on wasmoon's WebAssembly build.
 *
 * We use wasmoon only for its compiled Lua: every state is a plain `lua_State` made with `luaL_newstate` on one
 * shared wasm heap, and all marshalling goes through the C API. wasmoon's high-level conversion is avoided because
 * it crashes on `null`, truncates strings at NUL and returns one value (reference/emulation-feasibility.md §1).
 */
import { LuaFactory } from 'wasmoon';

/** Emscripten module exports of wasmoon's Lua build (only what we use is typed). */
export interface LuaModule {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(n: number): number;
  _free(p: number): void;
  addFunction(fn: (L: number) => number, sig: string): number;
  stringToNewUTF8(s: string): number;
  [name: `_lua${string}`]: (...args: any[]) => any;
}

export type LuaState = number;

export const LUA_REGISTRYINDEX = -1001000;
export const LUA_MULTRET = -1;
export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const enum LuaType {
  NONE = -1, NIL = 0, BOOLEAN = 1, LIGHTUSERDATA = 2, NUMBER = 3, STRING = 4,
  TABLE = 5, FUNCTION = 6, USERDATA = 7, THREAD = 8,
}

let modulePromise: Promise<LuaModule> | undefined;
let loaded: LuaModule | undefined;

/** Loads the wasm Lua build once per process. */
export async function loadLuaModule(): Promise<LuaModule> {
  modulePromise ??= new LuaFactory().createEngine().then((engine) => {
    loaded = (engine.global as unknown as { lua: { module: LuaModule } }).lua.module;
    return loaded;
  });
  return modulePromise;
}

/** The module, after `loadLuaModule()` has resolved. */
export function luaModule(): LuaModule {
  if (!loaded) throw new Error('Lua module not loaded: await loadLuaModule() first');
  return loaded;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Small, allocation-light helpers over the raw API. One instance per process. */
export class LuaVm {
  private readonly lenPtr: number;
  private scratch = 0;
  private scratchSize = 0;
  private readonly cstrCache = new Map<string, number>();

  constructor(readonly M: LuaModule) {
    this.lenPtr = M._malloc(8);
  }

  /** A fresh state with the standard libraries open. */
  newState(): LuaState {
    const L = this.M._luaL_newstate() as number;
    this.M._luaL_openlibs(L);
    return L;
  }

  close(L: LuaState): void {
    this.M._lua_close(L);
  }

  /** A NUL-terminated copy of `s` that lives forever (for names used again and again). */
  cstr(s: string): number {
    let p = this.cstrCache.get(s);
    if (p === undefined) {
      p = this.M.stringToNewUTF8(s);
      this.cstrCache.set(s, p);
    }
    return p;
  }

  private reserve(n: number): number {
    if (n > this.scratchSize) {
      if (this.scratch) this.M._free(this.scratch);
      this.scratchSize = Math.max(n, this.scratchSize * 2, 256);
      this.scratch = this.M._malloc(this.scratchSize);
    }
    return this.scratch;
  }

  /** Pushes raw bytes as a Lua string (binary safe). */
  pushBytes(L: LuaState, bytes: Uint8Array): void {
    const p = this.reserve(bytes.length || 1);
    this.M.HEAPU8.set(bytes, p);
    this.M._lua_pushlstring(L, p, bytes.length);
  }

  pushString(L: LuaState, s: string): void {
    this.pushBytes(L, encoder.encode(s));
  }

  /** The bytes of the string (or number) at `idx`, copied out of the heap. */
  toBytes(L: LuaState, idx: number): Uint8Array {
    const p = this.M._lua_tolstring(L, idx, this.lenPtr) as number;
    if (!p) return new Uint8Array(0);
    const n = this.M.HEAPU32[this.lenPtr >> 2];
    return this.M.HEAPU8.slice(p, p + n);
  }

  /** The string at `idx` decoded as UTF-8 (or null if it is not a string or number). */
  toString(L: LuaState, idx: number): string | null {
    const p = this.M._lua_tolstring(L, idx, this.lenPtr) as number;
    if (!p) return null;
    const n = this.M.HEAPU32[this.lenPtr >> 2];
    return decoder.decode(this.M.HEAPU8.subarray(p, p + n));
  }

  type(L: LuaState, idx: number): LuaType {
    return this.M._lua_type(L, idx) as LuaType;
  }

  getTop(L: LuaState): number {
    return this.M._lua_gettop(L) as number;
  }

  setTop(L: LuaState, idx: number): void {
    this.M._lua_settop(L, idx);
  }

  /**
   * Registers a JS function as a C closure global. `fn` gets the state, returns how many results it pushed.
   * A thrown JS error becomes a Lua error carrying its message.
   */
  setGlobalFunction(L: LuaState, name: string, fn: (L: LuaState) => number): void {
    this.pushFunction(L, fn);
    this.M._lua_setglobal(L, this.cstr(name));
  }

  /** Pushes a JS function as a C closure (see setGlobalFunction). */
  pushFunction(L: LuaState, fn: (L: LuaState) => number): void {
    const fp = this.M.addFunction((Ls: number) => {
      let message: string;
      try {
        return fn(Ls);
      } catch (e) {
        // A Lua error unwinding through this frame (emscripten's longjmp) is thrown as a number: let it pass.
        if (typeof e === 'number') throw e;
        message = e instanceof Error || (e && typeof (e as Error).message === 'string') ? (e as Error).message : String(e);
      }
      // Raising must happen outside the try: lua_error unwinds through this frame.
      this.pushString(Ls, message);
      return this.M._lua_error(Ls) as number;
    }, 'ii');
    this.M._lua_pushcclosure(L, fp, 0);
  }

  /** Loads a chunk; on success leaves the function on the stack and returns null, else returns the message. */
  load(L: LuaState, source: string, chunkName: string): string | null {
    const bytes = encoder.encode(source);
    const p = this.M._malloc(bytes.length || 1);
    this.M.HEAPU8.set(bytes, p);
    const status = this.M._luaL_loadbufferx(L, p, bytes.length, this.cstr(chunkName), 0) as number;
    this.M._free(p);
    if (status === LUA_OK) return null;
    const msg = this.toString(L, -1) ?? 'load error';
    this.M._lua_settop(L, -2);
    return msg;
  }

  /** lua_pcall; returns null on success, otherwise pops and returns the error message. */
  pcall(L: LuaState, nargs: number, nresults: number): string | null {
    const status = this.M._lua_pcallk(L, nargs, nresults, 0, 0, 0) as number;
    if (status === LUA_OK) return null;
    const msg = this.toString(L, -1) ?? `(error object is a ${this.typeName(L, -1)} value)`;
    this.M._lua_settop(L, -2);
    return msg;
  }

  typeName(L: LuaState, idx: number): string {
    const names = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];
    return names[this.type(L, idx)] ?? 'no value';
  }

  /** Runs a chunk and discards its results; throws a JS Error with the Lua message on failure. */
  run(L: LuaState, source: string, chunkName = '=(run)'): void {
    const err = this.load(L, source, chunkName) ?? this.pcall(L, 0, 0);
    if (err !== null) throw new Error(err);
  }
}

let vm: LuaVm | undefined;

/** The process-wide LuaVm (loads the module on first use). */
export async function getLuaVm(): Promise<LuaVm> {
  if (!vm) vm = new LuaVm(await loadLuaModule());
  return vm;
}
