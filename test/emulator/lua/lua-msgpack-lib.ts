/**
 * The `msgpack` global of a Lua runtime (ref §2.2), over a LuaCodec. What FiveM's scheduler calls is here:
 * pack, unpack, pack_args, set_string/set_integer/set_array/setoption, extend, extend_clear, settype.
 *
 * Only FiveM's configuration is emulated: option calls that keep it are accepted as no-ops, calls that would
 * change it raise. Funcrefs go through the codec hooks, so `extend`/`extend_clear`/`settype` only keep their
 * return values. `ignore_invalid` (our own option) switches userdata/thread packing between nil and an error.
 * No `unpack_args`: neither lua-cmsgpack nor the scheduler has one.
 */
import type { LuaState } from './lua-vm.js';
import type { LuaCodec } from './lua-codec.js';

const T_NONE = -1;
const T_BOOLEAN = 1;
const T_NUMBER = 3;
const T_STRING = 4;
const T_TABLE = 5;
const TYPE_NAMES = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];

/** lua-cmsgpack's option bits (lua_cmsgpack.h) and option names (setoption). */
const OPTION_BITS: Record<string, number> = {
  unsigned: 0x10, integer: 0x20, float: 0x40, double: 0x80,
  string_compat: 0x100, string_binary: 0x200,
  empty_table_as_array: 0x400, always_as_map: 0x800, with_hole: 0x1000, without_hole: 0x2000,
  small_lua: 0x4000, full64bits: 0x8000, long_double: 0x10000, sentinel: 0x20000,
};
const NUMBER_MASK = 0xe0;
const STRING_MASK = 0x300;
const ARRAY_MASK = 0x3800;
/** Compatibility-only bits: setting them changes nothing. */
const INERT = 0x4000 | 0x8000 | 0x10000;
/** lua-cmsgpack's 64-bit default, and what FiveM's scheduler leaves (ref §2.2): the only state emulated. */
const DEFAULT_FLAGS = 0x400 | 0x10 | 0x2000 | 0x80;
const FIVEM_FLAGS = DEFAULT_FLAGS | 0x100;

/** The C functions of one codec, created once (emscripten function slots are never given back). */
const functionsOf = new WeakMap<LuaCodec, Map<string, number>>();

/** Builds the `msgpack` table on L and sets it as a global. */
export function installMsgpackLib(codec: LuaCodec, L: LuaState): void {
  const vm = codec.vm;
  const M = vm.M;
  let fns = functionsOf.get(codec);
  if (!fns) {
    fns = createFunctions(codec);
    functionsOf.set(codec, fns);
  }
  M._lua_createtable(L, 0, fns.size);
  for (const [name, ptr] of fns) {
    M._lua_pushcclosure(L, ptr, 0);
    M._lua_setfield(L, -2, vm.cstr(name));
  }
  M._lua_setglobal(L, vm.cstr('msgpack'));
}

function createFunctions(codec: LuaCodec): Map<string, number> {
  const vm = codec.vm;
  const M = vm.M;
  const fns = new Map<string, number>();
  /** A C function; a thrown JS error becomes a Lua error, a longjmp (Infinity) passes through. */
  const define = (name: string, fn: (L: LuaState) => number): number => {
    const ptr = M.addFunction((L: LuaState) => {
      let message: string;
      try {
        return fn(L);
      } catch (e) {
        if (e === Infinity) throw e;
        message = e instanceof Error ? e.message : String(e);
      }
      vm.pushString(L, message);
      return M._lua_error(L) as number;
    }, 'ii');
    fns.set(name, ptr);
    return ptr;
  };
  const typeName = (L: LuaState, i: number): string => {
    const t = M._lua_type(L, i) as number;
    return t === T_NONE ? 'no value' : TYPE_NAMES[t];
  };
  const checkString = (L: LuaState, i: number, fname: string): void => {
    const t = M._lua_type(L, i) as number;
    if (t !== T_STRING && t !== T_NUMBER) {
      throw new Error(`bad argument #${i} to '${fname}' (string expected, got ${typeName(L, i)})`);
    }
  };
  const checkBoolean = (L: LuaState, i: number, fname: string): boolean => {
    if (M._lua_type(L, i) !== T_BOOLEAN) {
      throw new Error(`bad argument #${i} to '${fname}' (boolean expected, got ${typeName(L, i)})`);
    }
    return M._lua_toboolean(L, i) !== 0;
  };
  const checkOption = (L: LuaState, fname: string, names: readonly string[]): string => {
    checkString(L, 1, fname);
    const name = vm.toString(L, 1)!;
    if (!names.includes(name)) throw new Error(`bad argument #1 to '${fname}' (invalid option '${name}')`);
    return name;
  };
  const keep = (flags: number, call: string): void => {
    if ((flags & ~INERT) !== (FIVEM_FLAGS & ~INERT)) {
      throw new Error(`msgpack: ${call} is not emulated (only FiveM's configuration is, ref §2.2)`);
    }
  };
  const pushBytes = (L: LuaState, bytes: Uint8Array): number => {
    vm.pushBytes(L, bytes);
    return 1;
  };

  define('pack', (L) => {
    const n = M._lua_gettop(L) as number;
    if (n === 0) throw new Error("bad argument #0 to 'pack' (MessagePack pack needs input)");
    return pushBytes(L, codec.packMany(L, 1, n));
  });
  define('pack_args', (L) => pushBytes(L, codec.packArgs(L, 1, M._lua_gettop(L) as number)));
  define('unpack', (L) => {
    checkString(L, 1, 'unpack');
    const bytes = vm.toBytes(L, 1);
    if (M._lua_isinteger(L, 2) && (M._lua_tointegerx(L, 2, 0) as bigint) <= 0n) {
      // lua-cmsgpack answers a non-positive position with (position, nil) before anything else.
      M._lua_pushvalue(L, 2);
      M._lua_pushnil(L);
      return 2;
    }
    return codec.pushAll(L, bytes);
  });
  define('setoption', (L) => {
    const name = checkOption(L, 'setoption', [...Object.keys(OPTION_BITS), 'ignore_invalid']);
    const on = checkBoolean(L, 2, 'setoption');
    if (name === 'ignore_invalid') {
      codec.ignoreInvalid = on;
      return 0;
    }
    const bit = OPTION_BITS[name];
    let flags = FIVEM_FLAGS;
    // The same flag arithmetic as lua-cmsgpack's setoption, then a check that nothing changed.
    const group = bit & NUMBER_MASK ? NUMBER_MASK : bit & STRING_MASK ? STRING_MASK : bit & ARRAY_MASK ? ARRAY_MASK : 0;
    if (group) {
      flags &= on ? ~group : ~bit;
      flags |= on ? bit : 0;
      if ((flags & group) === 0) flags |= DEFAULT_FLAGS & group;
    } else if (!(bit & INERT)) {
      flags = on ? flags | bit : flags & ~bit;
    }
    keep(flags, `setoption('${name}', ${on})`);
    return 0;
  });
  define('getoption', (L) => {
    const name = checkOption(L, 'getoption', [...Object.keys(OPTION_BITS), 'ignore_invalid']);
    const value =
      name === 'ignore_invalid' ? codec.ignoreInvalid
      : name === 'full64bits' ? true
      : name === 'small_lua' || name === 'long_double' ? false
      : (FIVEM_FLAGS & OPTION_BITS[name]) !== 0;
    M._lua_pushboolean(L, value ? 1 : 0);
    return 1;
  });
  const setter = (fname: string, names: string[], emulated: string) =>
    define(fname, (L) => {
      const name = checkOption(L, fname, names);
      if (name !== emulated) keep(0, `${fname}('${name}')`);
      return 0;
    });
  setter('set_string', ['string', 'string_compat', 'string_binary'], 'string_compat');
  setter('set_array', ['without_hole', 'with_hole', 'always_as_map'], 'without_hole');
  setter('set_integer', ['signed', 'unsigned'], 'unsigned');
  setter('set_number', ['float', 'double'], 'double');
  define('extend', (L) => {
    if (M._lua_type(L, 1) !== T_TABLE) {
      throw new Error(`bad argument #1 to 'extend' (table expected, got ${typeName(L, 1)})`);
    }
    M._lua_settop(L, 1);
    return 1; // FiveM keeps the returned table as funcref_mt
  });
  define('extend_clear', () => 0);
  define('settype', (L) => {
    M._lua_settop(L, 2);
    return 1;
  });
  // msgpack.null / msgpack.sentinel: a C function that returns itself and packs as nil.
  const nullFn = define('null', (L) => {
    M._lua_pushcclosure(L, nullFn, 0);
    return 1;
  });
  fns.set('sentinel', nullFn);
  codec.nullFunction = nullFn;
  return fns;
}
