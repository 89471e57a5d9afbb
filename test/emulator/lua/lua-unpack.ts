/**
 * The decoding half of the Lua codec: msgpack bytes straight onto a Lua stack, with lua-cmsgpack's rules
 * (ref §2.2 "Decoding", §2.5 vectors). Used through `LuaCodec`; see lua-codec.ts.
 *
 * Like msgpack-c, an object is first checked whole (complete, valid, at most 32 open containers) and only then
 * turned into Lua values, so a bad payload raises before any funcref hook runs.
 */
import type { LuaModule, LuaState, LuaVm } from './lua-vm.js';
import type { LuaCodecHooks } from './lua-codec.js';

/** msgpack-c's unpacker has a fixed stack of 32 open containers (MSGPACK_EMBED_STACK_SIZE). */
const MAX_OPEN_CONTAINERS = 32;
const INCOMPLETE = -1;
const INVALID = -2;
const NOMEM = -3;
/** lua-cmsgpack's messages for msgpack-c's failure codes. */
const FAILURE: Record<number, string> = {
  [INCOMPLETE]: 'msgpack format data is incomplete',
  [INVALID]: 'msgpack format data is invalid',
  [NOMEM]: 'msgpack memory allocation failed',
};
/** Whole size of the fixed-size types (header included): floats, ints, fixext. */
const FIXED_SIZE: Record<number, number> = {
  0xca: 5, 0xcb: 9, 0xcc: 2, 0xcd: 3, 0xce: 5, 0xcf: 9, 0xd0: 2, 0xd1: 3, 0xd2: 5, 0xd3: 9,
  0xd4: 3, 0xd5: 4, 0xd6: 6, 0xd7: 10, 0xd8: 18,
};
/** Width of the length field of bin, ext and str headers. */
const LENGTH_WIDTH: Record<number, number> = {
  0xc4: 1, 0xc5: 2, 0xc6: 4, 0xc7: 1, 0xc8: 2, 0xc9: 4, 0xd9: 1, 0xda: 2, 0xdb: 4,
};
const MAX_INTEGER_HI = 0x7fffffff;
const LUA_TTABLE = 5;
const VECTOR_FIELDS = ['x', 'y', 'z', 'w'];

/** Pre-made BigInts for the indices and small integers we push most. */
export const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 1025 }, (_, i) => BigInt(i));
const big = (n: number): bigint => (n >= 0 && n <= 1024 ? SMALL_BIGINTS[n] : BigInt(n));

const refDecoder = new TextDecoder();

/** Decodes msgpack onto Lua stacks. One per LuaCodec. */
export class LuaUnpacker {
  private readonly M: LuaModule;
  private heap = 0;
  private heapSize = 0;
  private heapBusy = false;
  // Per-call state; saved and restored around every call because hooks may decode again.
  private src: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.src.buffer);
  private base = 0;

  constructor(
    private readonly vm: LuaVm,
    private readonly hooks: LuaCodecHooks,
  ) {
    this.M = vm.M;
  }

  /** See LuaCodec.pushArgs. */
  pushArgs(L: LuaState, bytes: Uint8Array): number {
    if (bytes.length === 0) return 0;
    return this.withInput(L, bytes, (top) => {
      const M = this.M;
      this.check(0);
      const b = bytes[0];
      const isArray = (b >= 0x90 && b <= 0x9f) || b === 0xdc || b === 0xdd;
      if (!isArray) {
        // The scheduler unpacks every payload (funcref side effects), then `table.unpack`s it only if it
        // is a table; a map gives its border sequence 1..#t (ref §2.2, scheduler).
        this.push(L, 0);
        if ((M._lua_type(L, -1) as number) !== LUA_TTABLE) {
          M._lua_settop(L, top);
          return 0;
        }
        return this.spreadTable(L, top);
      }
      const [n, first] = this.containerHead(0);
      this.ensureStack(L, n + 2);
      let p = first;
      let lastNil = false;
      for (let i = 0; i < n; i++) {
        lastNil = bytes[p] === 0xc0;
        p = this.push(L, p);
      }
      if (!lastNil) return n;
      // A trailing nil: the count is whatever `#t` gives for the table lua-cmsgpack builds.
      M._lua_createtable(L, n, 0);
      for (let i = 1; i <= n; i++) {
        M._lua_pushvalue(L, top + i);
        M._lua_rawseti(L, -2, big(i));
      }
      const len = Number(M._lua_rawlen(L, -1));
      M._lua_settop(L, top + len);
      return len;
    });
  }

  /** See LuaCodec.pushAll. */
  pushAll(L: LuaState, bytes: Uint8Array): number {
    if (bytes.length === 0) return 0;
    return this.withInput(L, bytes, () => {
      let p = 0;
      let count = 0;
      while (p < bytes.length) {
        this.check(p);
        this.ensureStack(L, 2);
        p = this.push(L, p);
        count++;
      }
      return count;
    });
  }

  private withInput<T>(L: LuaState, bytes: Uint8Array, run: (top: number) => T): T {
    const M = this.M;
    const top = M._lua_gettop(L) as number;
    const saved = { src: this.src, view: this.view, base: this.base };
    // A copy of the input on the wasm heap, so strings are pushed straight from it. Nested calls (from a
    // hook) get their own copy.
    const borrowed = !this.heapBusy;
    let ptr: number;
    if (borrowed) {
      if (bytes.length > this.heapSize) {
        if (this.heap) M._free(this.heap);
        this.heapSize = Math.max(bytes.length, this.heapSize * 2, 1024);
        this.heap = M._malloc(this.heapSize) as number;
      }
      ptr = this.heap;
      this.heapBusy = true;
    } else {
      ptr = M._malloc(bytes.length) as number;
    }
    M.HEAPU8.set(bytes, ptr);
    this.src = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.base = ptr;
    try {
      return run(top);
    } catch (e) {
      // Infinity is emscripten's longjmp (a Lua error unwinding): Lua restores the stack itself then.
      if (e !== Infinity) M._lua_settop(L, top);
      throw e;
    } finally {
      if (borrowed) this.heapBusy = false;
      else M._free(ptr);
      this.src = saved.src;
      this.view = saved.view;
      this.base = saved.base;
    }
  }

  /** Throws lua-cmsgpack's message unless the object at `p` is complete and valid. */
  private check(p: number): void {
    const end = this.skip(p, 0);
    if (end < 0) throw new Error(FAILURE[end]);
  }

  private ensureStack(L: LuaState, n: number): void {
    if (!this.M._lua_checkstack(L, n)) throw new Error('stack overflow (too many (nested) values in encoded msgpack)');
  }

  /** Moves t[1..#t] of the table on top onto the stack in place of the table. */
  private spreadTable(L: LuaState, top: number): number {
    const M = this.M;
    const len = Number(M._lua_rawlen(L, -1));
    this.ensureStack(L, len + 1);
    for (let i = 1; i <= len; i++) M._lua_rawgeti(L, top + 1, big(i));
    M._lua_rotate(L, top + 1, -1);
    M._lua_settop(L, -2);
    return len;
  }

  /** [count, offset of the first item] of the array or map header at `p` (already validated). */
  private containerHead(p: number): [number, number] {
    const b = this.src[p];
    if (b <= 0x9f) return [b & 0x0f, p + 1];
    if (b === 0xdc || b === 0xde) return [this.view.getUint16(p + 1), p + 3];
    return [this.view.getUint32(p + 1), p + 5];
  }

  /** Byte length of the payload-length field and the payload offset, for str/bin/ext headers at `p`. */
  private sized(p: number, width: number): [number, number] {
    const v = this.view;
    const len = width === 1 ? this.src[p + 1] : width === 2 ? v.getUint16(p + 1) : v.getUint32(p + 1);
    return [len, p + 1 + width];
  }

  /** End offset of the object at `p`, or a negative failure code; `open` counts enclosing containers. */
  private skip(p: number, open: number): number {
    const src = this.src;
    const n = src.length;
    if (p >= n) return INCOMPLETE;
    const b = src[p];
    if (b < 0x80 || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) return p + 1;
    let count: number;
    let at: number;
    if (b < 0xa0 || (b >= 0xdc && b <= 0xdf)) {
      // Checked before the items and even for empty ones, as msgpack-c does.
      if (open >= MAX_OPEN_CONTAINERS) return NOMEM;
      const width = b < 0xa0 ? 0 : b === 0xdc || b === 0xde ? 2 : 4;
      if (p + 1 + width > n) return INCOMPLETE;
      [count, at] = this.containerHead(p);
      if (b < 0x90 || b >= 0xde) count *= 2;
      for (let i = 0; i < count; i++) {
        at = this.skip(at, open + 1);
        if (at < 0) return at;
      }
      return at;
    }
    if (b < 0xc0) return this.fits(p + 1 + (b & 0x1f));
    if (FIXED_SIZE[b]) return this.fits(p + FIXED_SIZE[b]);
    const width = LENGTH_WIDTH[b];
    if (!width) return INVALID; // 0xc1
    if (p + 1 + width > n) return INCOMPLETE;
    const [len, start] = this.sized(p, width);
    return this.fits(start + len + (b >= 0xc7 && b <= 0xc9 ? 1 : 0)); // ext: + the type byte
  }

  private fits(end: number): number {
    return end <= this.src.length ? end : INCOMPLETE;
  }

  /** Pushes the (validated) object at `p`; returns the offset after it. */
  private push(L: LuaState, p: number): number {
    const M = this.M;
    const src = this.src;
    const v = this.view;
    const b = src[p];
    if (b < 0x80) { M._lua_pushinteger(L, SMALL_BIGINTS[b]); return p + 1; }
    if (b >= 0xe0) { M._lua_pushinteger(L, BigInt(b - 0x100)); return p + 1; }
    if (b < 0xa0 || (b >= 0xdc && b <= 0xdf)) {
      return b < 0x90 || b >= 0xde ? this.pushMap(L, p) : this.pushArray(L, p);
    }
    if (b < 0xc0) return this.pushStr(L, p + 1, b & 0x1f);
    switch (b) {
      case 0xc0: M._lua_pushnil(L); return p + 1;
      case 0xc2: M._lua_pushboolean(L, 0); return p + 1;
      case 0xc3: M._lua_pushboolean(L, 1); return p + 1;
      case 0xca: M._lua_pushnumber(L, v.getFloat32(p + 1)); return p + 5;
      case 0xcb: M._lua_pushnumber(L, v.getFloat64(p + 1)); return p + 9;
      case 0xcc: M._lua_pushinteger(L, big(src[p + 1])); return p + 2;
      case 0xcd: M._lua_pushinteger(L, big(v.getUint16(p + 1))); return p + 3;
      case 0xce: M._lua_pushinteger(L, BigInt(v.getUint32(p + 1))); return p + 5;
      case 0xcf:
        // Above math.maxinteger a uint64 becomes a float (ref §2.2).
        if (v.getUint32(p + 1) > MAX_INTEGER_HI) M._lua_pushnumber(L, Number(v.getBigUint64(p + 1)));
        else M._lua_pushinteger(L, v.getBigInt64(p + 1));
        return p + 9;
      case 0xd0: M._lua_pushinteger(L, BigInt(v.getInt8(p + 1))); return p + 2;
      case 0xd1: M._lua_pushinteger(L, BigInt(v.getInt16(p + 1))); return p + 3;
      case 0xd2: M._lua_pushinteger(L, BigInt(v.getInt32(p + 1))); return p + 5;
      case 0xd3: M._lua_pushinteger(L, v.getBigInt64(p + 1)); return p + 9;
      case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
        return this.pushExt(L, p + 1, 1 << (b - 0xd4));
      case 0xc7: case 0xc8: case 0xc9: {
        const [len, start] = this.sized(p, LENGTH_WIDTH[b]);
        return this.pushExt(L, start, len);
      }
      default: { // str and bin both become Lua strings (ref §2.2)
        const [len, start] = this.sized(p, LENGTH_WIDTH[b]);
        return this.pushStr(L, start, len);
      }
    }
  }

  private pushStr(L: LuaState, start: number, len: number): number {
    this.M._lua_pushlstring(L, this.base + start, len);
    return start + len;
  }

  private pushArray(L: LuaState, p: number): number {
    const M = this.M;
    const [n, first] = this.containerHead(p);
    this.ensureStack(L, 3);
    M._lua_createtable(L, n, 0);
    let at = first;
    for (let i = 1; i <= n; i++) {
      at = this.push(L, at);
      M._lua_rawseti(L, -2, big(i));
    }
    return at;
  }

  private pushMap(L: LuaState, p: number): number {
    const M = this.M;
    const [n, first] = this.containerHead(p);
    this.ensureStack(L, 4);
    M._lua_createtable(L, 0, 0);
    let at = first;
    for (let i = 0; i < n; i++) {
      if (this.src[at] === 0xc0) {
        // A nil key: the pair is dropped and its value never converted (ref §2.2).
        at = this.skip(this.skip(at, 0), 0);
        continue;
      }
      const keyByte = this.src[at];
      at = this.push(L, at);
      if ((keyByte === 0xca || keyByte === 0xcb) && Number.isNaN(M._lua_tonumberx(L, -1, 0))) {
        throw new Error('index is NaN'); // what lua_rawset raises for a NaN key
      }
      at = this.push(L, at);
      M._lua_rawset(L, -3); // a nil value simply leaves the key out (ref §2.2)
    }
    return at;
  }

  private pushExt(L: LuaState, typeAt: number, len: number): number {
    const M = this.M;
    const type = this.view.getInt8(typeAt);
    const start = typeAt + 1;
    if (type === 10 || type === 11) {
      const top = M._lua_gettop(L) as number;
      this.hooks.pushFuncRef(L, refDecoder.decode(this.src.subarray(start, start + len)));
      M._lua_settop(L, top + 1);
    } else if (type >= 20 && type <= 23) {
      this.pushVector(L, type, start, len);
    } else {
      this.pushStr(L, start, len); // unknown ext: the raw payload (ref §2.2)
    }
    return start + len;
  }

  /** ext 20..23: a table {x,y[,z[,w]]} with the runtime's vector metatable (ref §2.5; wire order x,y,z,w). */
  private pushVector(L: LuaState, type: number, start: number, len: number): void {
    const M = this.M;
    const dims = type === 20 ? 2 : type === 21 ? 3 : 4;
    if (len !== dims * 4) throw new Error(`msgpack vector: expected <${len}> actual <${dims * 4}>`);
    this.ensureStack(L, 4);
    const hasTable = M._lua_getglobal(L, this.vm.cstr('__cfx_vectorMetatables')) === LUA_TTABLE;
    if (!hasTable || M._lua_rawgeti(L, -1, big(type)) !== LUA_TTABLE) {
      M._lua_settop(L, hasTable ? -3 : -2);
      this.pushStr(L, start, len);
      return;
    }
    M._lua_createtable(L, 0, dims);
    for (let i = 0; i < dims; i++) {
      M._lua_pushnumber(L, this.view.getFloat32(start + i * 4, true));
      M._lua_setfield(L, -2, this.vm.cstr(VECTOR_FIELDS[i]));
    }
    M._lua_pushvalue(L, -2);
    M._lua_setmetatable(L, -2);
    M._lua_copy(L, -1, -3);
    M._lua_settop(L, -3);
  }
}
