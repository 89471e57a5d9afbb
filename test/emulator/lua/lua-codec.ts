/**
 * The Lua runtime's msgpack codec: lua-cmsgpack's rules as FiveM configures them (ref §2.2: string_compat,
 * unsigned integers, arrays without holes, `{}` as an array), reading and writing the Lua stack through the raw
 * C API. No JS object graph in between. Decoding lives in lua-unpack.ts, the `msgpack` global in lua-msgpack-lib.ts.
 *
 * Emulation of CfxLua types: a vector is a table whose metatable has a raw `__cfx_ext` field (20..23) and raw
 * x/y/z/w fields; a funcref is a table with a raw `__cfx_functionReference` field (ref §2.3, §2.5).
 */
import type { LuaModule, LuaState, LuaVm } from './lua-vm.js';
import { LuaUnpacker, SMALL_BIGINTS } from './lua-unpack.js';
import { installMsgpackLib } from './lua-msgpack-lib.js';

/** What the codec asks of its runtime: function references (ref §2.4). */
export interface LuaCodecHooks {
  /**
   * Value at `idx` is a Lua function or funcref table: return the ref string to pack as ext 10.
   * Must leave the stack balanced.
   */
  refForFunction(L: LuaState, idx: number): string;
  /** Push onto L the funcref object for `ref`. */
  pushFuncRef(L: LuaState, ref: string): void;
}

/**
 * lua-cmsgpack's MP_MAX_NESTING. The top value is at level 0, its items at level 1 and so on; a table found at
 * level 16 is packed as nil, so 16 nested tables survive and the 17th becomes nil (ref §2.2).
 */
export const MP_MAX_NESTING = 16;
const T_NONE = -1;
const T_NIL = 0;
const T_BOOLEAN = 1;
const T_NUMBER = 3;
const T_STRING = 4;
const T_TABLE = 5;
const T_FUNCTION = 6;
const TYPE_NAMES = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];
const utf8 = new TextEncoder();

/** lua-cmsgpack for one runtime: pack from and unpack onto Lua stacks. */
export class LuaCodec {
  /**
   * Userdata, threads and light userdata: nil when true (the default), or lua-cmsgpack's error
   * "type <userdata> cannot be msgpack'd" when false. Set from Lua with `msgpack.setoption('ignore_invalid', b)`.
   */
  ignoreInvalid = true;
  /** Address of the `msgpack.null` C function once the global is installed (it packs as nil). */
  nullFunction = 0;
  private readonly M: LuaModule;
  private readonly unpacker: LuaUnpacker;
  private readonly lenPtr: number;
  private out = new Uint8Array(2048);
  private view = new DataView(this.out.buffer);
  private pos = 0;
  private readonly keyFuncRef: number;
  private readonly keyExt: number;
  private readonly keyFields: number[];

  constructor(
    readonly vm: LuaVm,
    private readonly hooks: LuaCodecHooks,
  ) {
    this.M = vm.M;
    this.unpacker = new LuaUnpacker(vm, hooks);
    this.lenPtr = this.M._malloc(8) as number;
    this.keyFuncRef = vm.cstr('__cfx_functionReference');
    this.keyExt = vm.cstr('__cfx_ext');
    this.keyFields = ['x', 'y', 'z', 'w'].map((k) => vm.cstr(k));
  }

  /**
   * msgpack.pack_args semantics: `count` values from stack index `first` as ONE array, nils kept (ref §2.2).
   * The values sit at level 1, as in the `msgpack.pack({...})` it replaced (our choice: the C source is not public).
   */
  packArgs(L: LuaState, first: number, count: number): Uint8Array {
    return this.packRange(L, first, count, true);
  }

  /** One value at `idx` as one msgpack object. */
  packValue(L: LuaState, idx: number): Uint8Array {
    return this.packRange(L, idx, 1, false);
  }

  /** `msgpack.pack(...)`: each value at level 0, objects concatenated. */
  packMany(L: LuaState, first: number, count: number): Uint8Array {
    return this.packRange(L, first, count, false);
  }

  /**
   * Decodes a msgpack ARRAY and pushes its elements (event payloads, funcref args); returns the count pushed.
   * Non-array/nil → pushes nothing, returns 0. Two FiveM details (scheduler: `table.unpack(msgpack.unpack(p))`):
   * with a trailing nil the count is Lua's `#t` for that table, and a map pushes its border sequence t[1..#t].
   */
  pushArgs(L: LuaState, bytes: Uint8Array): number {
    return this.unpacker.pushArgs(L, bytes);
  }

  /** Decodes every object of the stream and pushes each; returns the count (msgpack.unpack semantics). */
  pushAll(L: LuaState, bytes: Uint8Array): number {
    return this.unpacker.pushAll(L, bytes);
  }

  /** Installs the `msgpack` global (pack, unpack, pack_args, options, extension no-ops); see lua-msgpack-lib.ts. */
  installGlobal(L: LuaState): void {
    installMsgpackLib(this, L);
  }

  private packRange(L: LuaState, first: number, count: number, asArray: boolean): Uint8Array {
    const M = this.M;
    const top = M._lua_gettop(L) as number;
    const from = M._lua_absindex(L, first) as number;
    // Nested packs (from a hook running Lua) append after us and rewind to where they began.
    const start = this.pos;
    try {
      if (asArray) this.head(count, 0x90, 16, 0xdc);
      for (let i = 0; i < count; i++) this.packAny(L, from + i, asArray ? 1 : 0);
      M._lua_settop(L, top);
      return this.out.slice(start, this.pos);
    } catch (e) {
      // Infinity is emscripten's longjmp (a Lua error unwinding): Lua restores the stack itself then.
      if (e !== Infinity) M._lua_settop(L, top);
      throw e;
    } finally {
      this.pos = start;
    }
  }

  private packAny(L: LuaState, idx: number, level: number): void {
    const M = this.M;
    switch (M._lua_type(L, idx) as number) {
      case T_NONE:
      case T_NIL:
        this.byte(0xc0);
        return;
      case T_BOOLEAN:
        this.byte(M._lua_toboolean(L, idx) ? 0xc3 : 0xc2);
        return;
      case T_NUMBER:
        // lua_isinteger decides: 1.0 is a float and packs as float64 (ref §2.2).
        if (M._lua_isinteger(L, idx)) this.integer(M._lua_tointegerx(L, idx, 0) as bigint);
        else this.float64(M._lua_tonumberx(L, idx, 0) as number);
        return;
      case T_STRING:
        this.string(L, idx);
        return;
      case T_TABLE:
        this.table(L, idx, level);
        return;
      case T_FUNCTION:
        if (this.nullFunction && M._lua_tocfunction(L, idx) === this.nullFunction) this.byte(0xc0);
        else this.funcRef(L, idx);
        return;
      default: {
        if (this.ignoreInvalid) return this.byte(0xc0);
        throw new Error(`type <${TYPE_NAMES[M._lua_type(L, idx) as number]}> cannot be msgpack'd`);
      }
    }
  }

  /** Smallest encoding; non-negative values use the unsigned family (set_integer('unsigned'), ref §2.2). */
  private integer(b: bigint): void {
    this.reserve(9);
    const o = this.out;
    const p = this.pos;
    const n = Number(b);
    if (n >= 0) {
      if (n < 0x80) { o[p] = n; this.pos = p + 1; }
      else if (n < 0x100) { o[p] = 0xcc; o[p + 1] = n; this.pos = p + 2; }
      else if (n < 0x10000) { o[p] = 0xcd; o[p + 1] = n >>> 8; o[p + 2] = n; this.pos = p + 3; }
      else if (n < 0x100000000) { o[p] = 0xce; this.view.setUint32(p + 1, n); this.pos = p + 5; }
      else { o[p] = 0xcf; this.view.setBigUint64(p + 1, b); this.pos = p + 9; }
    } else if (n >= -0x20) { o[p] = n & 0xff; this.pos = p + 1; }
    else if (n >= -0x80) { o[p] = 0xd0; o[p + 1] = n; this.pos = p + 2; }
    else if (n >= -0x8000) { o[p] = 0xd1; o[p + 1] = n >> 8; o[p + 2] = n; this.pos = p + 3; }
    else if (n >= -0x80000000) { o[p] = 0xd2; this.view.setInt32(p + 1, n); this.pos = p + 5; }
    else { o[p] = 0xd3; this.view.setBigInt64(p + 1, b); this.pos = p + 9; }
  }

  private float64(n: number): void {
    this.reserve(9);
    this.out[this.pos] = 0xcb;
    this.view.setFloat64(this.pos + 1, n);
    this.pos += 9;
  }

  /** string_compat: the v4 raw family fixstr/da/db only, never d9 nor bin; bytes as they are (ref §2.2). */
  private string(L: LuaState, idx: number): void {
    const M = this.M;
    const ptr = M._lua_tolstring(L, idx, this.lenPtr) as number;
    const len = M.HEAPU32[this.lenPtr >> 2];
    this.head(len, 0xa0, 32, 0xda);
    this.reserve(len);
    const heap = M.HEAPU8;
    const o = this.out;
    const p = this.pos;
    if (len < 16) for (let i = 0; i < len; i++) o[p + i] = heap[ptr + i];
    else o.set(heap.subarray(ptr, ptr + len), p);
    this.pos = p + len;
  }

  private table(L: LuaState, idx: number, level: number): void {
    const M = this.M;
    const top = M._lua_gettop(L) as number;
    if (!M._lua_checkstack(L, 4)) throw new Error('stack overflow (too many (nested) values in encoded msgpack)');
    // A CfxLua vector is not a table, so the nesting limit does not apply to it (ref §2.5).
    if (M._lua_getmetatable(L, idx)) {
      M._lua_pushstring(L, this.keyExt);
      if (M._lua_rawget(L, -2) === T_NUMBER && M._lua_isinteger(L, -1)) {
        const ext = Number(M._lua_tointegerx(L, -1, 0));
        if (ext >= 20 && ext <= 23) {
          M._lua_settop(L, top);
          return this.vector(L, idx, ext);
        }
      }
      M._lua_settop(L, top);
    }
    if (level >= MP_MAX_NESTING) return this.byte(0xc0); // silently nil, no error (ref §2.2)
    M._lua_pushstring(L, this.keyFuncRef);
    const isRef = M._lua_rawget(L, idx) !== T_NIL;
    M._lua_settop(L, top);
    if (isRef) return this.funcRef(L, idx);

    // without_hole: an array only when the keys are exactly 1..N (ref §2.2); `n = ...` makes it a map.
    let count = 0;
    let max = 0;
    let indicesOnly = true;
    M._lua_pushnil(L);
    while (M._lua_next(L, idx)) {
      const k = M._lua_isinteger(L, -2) ? (M._lua_tonumberx(L, -2, 0) as number) : 0;
      if (k < 1) {
        indicesOnly = false;
        M._lua_settop(L, top);
        break;
      }
      count++;
      if (k > max) max = k;
      M._lua_settop(L, -2);
    }
    if (indicesOnly && max === count) {
      // empty_table_as_array: {} gives 90 (ref §2.2).
      this.head(max, 0x90, 16, 0xdc);
      for (let j = 1; j <= max; j++) {
        M._lua_rawgeti(L, idx, j <= 1024 ? SMALL_BIGINTS[j] : BigInt(j));
        this.packAny(L, top + 1, level + 1);
        M._lua_settop(L, top);
      }
      return;
    }
    if (!indicesOnly) {
      count = 0;
      M._lua_pushnil(L);
      while (M._lua_next(L, idx)) {
        count++;
        M._lua_settop(L, -2);
      }
    }
    this.head(count, 0x80, 16, 0xde);
    M._lua_pushnil(L);
    while (M._lua_next(L, idx)) {
      this.packAny(L, top + 1, level + 1); // keys of any type, same rules, one level down like values
      this.packAny(L, top + 2, level + 1);
      M._lua_settop(L, top + 1);
    }
  }

  /** ext 20..23 with little-endian float32 x, y[, z[, w]]; a quat is x,y,z,w on the wire (ref §2.5). */
  private vector(L: LuaState, idx: number, ext: number): void {
    const M = this.M;
    const dims = ext === 20 ? 2 : ext === 21 ? 3 : 4;
    const values: number[] = [];
    for (let i = 0; i < dims; i++) {
      M._lua_pushstring(L, this.keyFields[i]);
      M._lua_rawget(L, idx);
      values.push(M._lua_tonumberx(L, -1, 0) as number);
      M._lua_settop(L, -2);
    }
    this.extHead(ext, dims * 4);
    this.reserve(dims * 4);
    for (let i = 0; i < dims; i++) this.view.setFloat32(this.pos + i * 4, values[i], true);
    this.pos += dims * 4;
  }

  private funcRef(L: LuaState, idx: number): void {
    const M = this.M;
    const top = M._lua_gettop(L) as number;
    const ref = utf8.encode(this.hooks.refForFunction(L, idx));
    M._lua_settop(L, top);
    this.extHead(10, ref.length);
    this.reserve(ref.length);
    this.out.set(ref, this.pos);
    this.pos += ref.length;
  }

  /** msgpack-c's ext header: fixext for 1/2/4/8/16 bytes, else ext 8/16/32. */
  private extHead(type: number, len: number): void {
    this.reserve(6);
    const fix = len === 1 ? 0xd4 : len === 2 ? 0xd5 : len === 4 ? 0xd6 : len === 8 ? 0xd7 : len === 16 ? 0xd8 : 0;
    if (fix) this.byte(fix);
    else this.head(len, 0, 0, 0xc7, true);
    this.byte(type & 0xff);
  }

  /**
   * A length header: the fix form (`fixBase | len`) below `fixMax`, then `c8` + 16-bit, `c8 + 1` + 32-bit.
   * With `with8`, `c8` is the 8-bit form and the 16/32-bit forms follow it (ext headers).
   */
  private head(len: number, fixBase: number, fixMax: number, c8: number, with8 = false): void {
    this.reserve(5);
    const o = this.out;
    const p = this.pos;
    if (len < fixMax) { o[p] = fixBase | len; this.pos = p + 1; return; }
    if (with8 && len < 0x100) { o[p] = c8; o[p + 1] = len; this.pos = p + 2; return; }
    const c16 = with8 ? c8 + 1 : c8;
    if (len < 0x10000) { o[p] = c16; o[p + 1] = len >>> 8; o[p + 2] = len; this.pos = p + 3; }
    else { o[p] = c16 + 1; this.view.setUint32(p + 1, len); this.pos = p + 5; }
  }

  private byte(b: number): void {
    this.reserve(1);
    this.out[this.pos++] = b;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.out.length) return;
    let size = this.out.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.out.subarray(0, this.pos));
    this.out = next;
    this.view = new DataView(next.buffer);
  }
}
