/**
 * The Lua codec: lua-cmsgpack's rules as FiveM configures them (ref §2.2), vectors (ref §2.5), funcrefs (ref §2.4),
 * and what crosses to and from the JS codec (ref §2.3).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getLuaVm, type LuaState, type LuaVm } from '../emulator/lua/lua-vm.js';
import { LuaCodec } from '../emulator/lua/lua-codec.js';
import { createJsCodec, ExtBuffer } from '../emulator/msgpack/js-codec.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/ /g, ''), 'hex'));

let vm: LuaVm;
let L: LuaState;
let codec: LuaCodec;
let refs = 0;
const pushedRefs: string[] = [];
const js = createJsCodec({ packFunction: () => 'js:1:0', unpackFuncRef: (ref) => ({ funcref: ref }) });

/** Runs Lua source; a failing `assert` fails the test with its message. */
const run = (src: string): void => vm.run(L, src);
/** Packs the Lua expression `expr` with packValue and returns the hex. */
function packHex(expr: string): string {
  run(`__v = ${expr}`);
  vm.M._lua_getglobal(L, vm.cstr('__v'));
  const out = hex(codec.packValue(L, -1));
  vm.setTop(L, 0);
  return out;
}
/** Decodes one object onto the stack (pushAll) and stores it in the global `v`. */
function setV(bytes: Uint8Array): void {
  expect(codec.pushAll(L, bytes)).toBe(1);
  vm.M._lua_setglobal(L, vm.cstr('v'));
}

beforeAll(async () => {
  vm = await getLuaVm();
  L = vm.newState();
  codec = new LuaCodec(vm, {
    refForFunction: (Ls, idx) => {
      // A funcref table is re-wrapped as a new local ref in FiveM; here it keeps a recognisable name.
      let inner: string | null = null;
      if (vm.type(Ls, idx) === 5) {
        vm.M._lua_getfield(Ls, idx, vm.cstr('__cfx_functionReference'));
        inner = vm.toString(Ls, -1);
        vm.M._lua_settop(Ls, -2);
      }
      return inner ? `wrap(${inner})` : `res:42:${refs++}`;
    },
    pushFuncRef: (Ls, ref) => {
      pushedRefs.push(ref);
      vm.M._lua_createtable(Ls, 0, 1);
      vm.pushString(Ls, ref);
      vm.M._lua_setfield(Ls, -2, vm.cstr('__cfx_functionReference'));
    },
  });
  codec.installGlobal(L);
  vm.setGlobalFunction(L, 'hex', (Ls) => (vm.pushString(Ls, hex(vm.toBytes(Ls, 1))), 1));
  vm.setGlobalFunction(L, 'fromhex', (Ls) => (vm.pushBytes(Ls, fromHex(vm.toString(Ls, 1)!)), 1));
  run(`
    local mts = {}
    for ext, name in pairs({ [20] = 'vector2', [21] = 'vector3', [22] = 'vector4', [23] = 'quat' }) do
      mts[ext] = { __cfx_ext = ext, __name = name }
    end
    __cfx_vectorMetatables = mts
    function vector2(x, y) return setmetatable({ x = x, y = y }, mts[20]) end
    function vector3(x, y, z) return setmetatable({ x = x, y = y, z = z }, mts[21]) end
    function vector4(x, y, z, w) return setmetatable({ x = x, y = y, z = z, w = w }, mts[22]) end
    function quat(x, y, z, w) return setmetatable({ x = x, y = y, z = z, w = w }, mts[23]) end
    function nest(depth, leaf) local t = leaf for _ = 1, depth do t = { t } end return t end
    function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
  `);
});

beforeEach(() => {
  vm.setTop(L, 0);
  pushedRefs.length = 0;
  codec.ignoreInvalid = true;
});

describe('Lua codec: packing (lua-cmsgpack rules)', () => {
  it('ref §2.2: {} packs as an empty array 90', () => {
    expect(packHex('{}')).toBe('90');
    expect(packHex('{ {}, {} }')).toBe('929090');
  });

  it('ref §2.2: keys exactly 1..N make an array; a hole or any other key makes a map', () => {
    expect(packHex('{ 1, 2, 3 }')).toBe('93010203');
    expect(packHex('{ [1] = 1, [3] = 3 }')).toMatch(/^82(0101|0303)(0101|0303)$/);
    expect(packHex('{ [0] = "z" }')).toBe('8100a17a');
    expect(packHex('{ [1.5] = true }')).toBe('81cb3ff8000000000000c3');
    expect(packHex('{ [true] = 1 }')).toBe('81c301');
    run(`local t = msgpack.unpack(msgpack.pack({ [{ 1 }] = "k" })); local k = next(t); assert(type(k) == 'table' and k[1] == 1)`);
  });

  it('ref §2.2: a table with n = ... is a map (the table.pack idiom is compiled out)', () => {
    const h = packHex('table.pack(10, 20)');
    expect(h.slice(0, 2)).toBe('83');
    expect(js.unpack(fromHex(h))).toEqual({ '1': 10, '2': 20, n: 2 });
  });

  it('ref §2.2: integers use the smallest encoding, unsigned family for positives, signed for negatives', () => {
    const cases: Array<[string, string]> = [
      ['0', '00'], ['127', '7f'], ['128', 'cc80'], ['255', 'ccff'], ['256', 'cd0100'], ['65536', 'ce00010000'],
      ['1 << 31', 'ce80000000'], ['(1 << 32) - 1', 'ceffffffff'], ['1 << 32', 'cf0000000100000000'],
      ['math.maxinteger', 'cf7fffffffffffffff'], ['-1', 'ff'], ['-32', 'e0'], ['-33', 'd0df'], ['-128', 'd080'],
      ['-129', 'd1ff7f'], ['-32769', 'd2ffff7fff'], ['-(1 << 31)', 'd280000000'], ['-(1 << 31) - 1', 'd3ffffffff7fffffff'],
      ['math.mininteger', 'd38000000000000000'],
    ];
    for (const [expr, bytes] of cases) expect(packHex(expr), expr).toBe(bytes);
  });

  it('ref §2.2: 1.0 packs as float64 cb (lua_isinteger decides), 1 as fixint', () => {
    expect(packHex('1.0')).toBe('cb3ff0000000000000');
    expect(packHex('1')).toBe('01');
    expect(packHex('2^53')).toBe('cb4340000000000000');
    expect(packHex('-0.0')).toBe('cb8000000000000000');
    expect(packHex('1/0')).toBe('cb7ff0000000000000');
  });

  it('ref §2.2: string_compat gives fixstr/da/db, never d9 nor bin; bytes pass through', () => {
    expect(packHex('("a"):rep(31)')).toBe('bf' + '61'.repeat(31));
    expect(packHex('("a"):rep(32)')).toBe('da0020' + '61'.repeat(32));
    expect(packHex('("a"):rep(255)')).toBe('da00ff' + '61'.repeat(255));
    expect(packHex('("a"):rep(65536)').slice(0, 10)).toBe('db00010000');
    expect(packHex('"\\0\\255é"')).toBe('a400ffc3a9');
    expect(packHex('""')).toBe('a0');
  });

  it('ref §2.2: the 17th nested table (level 16 = MP_MAX_NESTING) is silently packed as nil', () => {
    expect(packHex('nest(15, 7)')).toBe('91'.repeat(15) + '07');
    expect(packHex('nest(16, 7)')).toBe('91'.repeat(16) + '07'); // tables at levels 0..15
    expect(packHex('nest(17, 7)')).toBe('91'.repeat(16) + 'c0'); // the table at level 16 → nil
    expect(packHex('nest(40, 7)')).toBe('91'.repeat(16) + 'c0');
    expect(packHex('nest(16, {})')).toBe('91'.repeat(16) + 'c0'); // {} counts as a table too
    // Keys sit one level down like values: a table key at level 16 is nil as well.
    expect(packHex('nest(15, { [{}] = 1 })')).toBe('91'.repeat(15) + '81c001');
  });

  it('ref §2.2: pack_args(1, nil, 3) keeps nils → 93 01 c0 03; its values sit at level 1', () => {
    run(`assert(hex(msgpack.pack_args(1, nil, 3)) == '9301c003')`);
    run(`assert(hex(msgpack.pack_args()) == '90')`);
    run(`assert(hex(msgpack.pack_args(nil)) == '91c0')`);
    run(`assert(hex(msgpack.pack_args(nil, nil)) == '92c0c0')`);
    // Our documented choice (the C source is not public): like the msgpack.pack({...}) it replaced.
    run(`assert(hex(msgpack.pack_args(nest(15, 1))) == '91' .. ('91'):rep(15) .. '01')`);
    run(`assert(hex(msgpack.pack_args(nest(16, 1))) == '91' .. ('91'):rep(15) .. 'c0')`);
    vm.setTop(L, 0);
    vm.M._lua_pushinteger(L, 1n);
    vm.M._lua_pushnil(L);
    vm.M._lua_pushboolean(L, 1);
    expect(hex(codec.packArgs(L, 1, 3))).toBe('9301c0c3');
    expect(hex(codec.packArgs(L, -2, 2))).toBe('92c0c3');
    expect(vm.getTop(L)).toBe(3);
  });

  it('ref §2.2: msgpack.pack(...) concatenates one object per argument; no argument is an error', () => {
    run(`assert(hex(msgpack.pack(1, nil, "a", {})) == '01c0a16190')`);
    run(`local ok, err = pcall(msgpack.pack); assert(not ok and err == "bad argument #0 to 'pack' (MessagePack pack needs input)", err)`);
  });

  it('ref §2.4: functions and funcref tables pack as ext 10 carrying the hook ref string', () => {
    const text = (s: string) => hex(new TextEncoder().encode(s));
    refs = 10;
    expect(packHex('print')).toBe('c7090a' + text('res:42:10'));
    expect(packHex('function() end')).toBe('c7090a' + text('res:42:11'));
    expect(packHex('{ __cfx_functionReference = "ab" }')).toBe('d70a' + text('wrap(ab)')); // 8 bytes: fixext 8
    // A funcref table is a table: at level 16 it is nil like any other (ref §2.2 nesting).
    expect(packHex('nest(16, { __cfx_functionReference = "ab" })')).toBe('91'.repeat(16) + 'c0');
    expect(packHex('msgpack.null')).toBe('c0');
  });

  it('ref §2.5: vectors pack as ext 20..23 with little-endian float32 x,y,z,w (quat in x,y,z,w order)', () => {
    expect(packHex('vector2(1, 2)')).toBe('d714' + '0000803f' + '00000040');
    expect(packHex('vector3(1, 2, 3)')).toBe('c70c15' + '0000803f' + '00000040' + '00004040');
    expect(packHex('vector4(1, 2, 3, 4)')).toBe('d816' + '0000803f00000040' + '0000404000008040');
    expect(packHex('quat(1, 2, 3, 4)')).toBe('d817' + '0000803f00000040' + '0000404000008040');
    // A CfxLua vector is not a table, so the nesting limit does not touch it.
    expect(packHex('nest(16, vector2(1, 2))')).toBe('91'.repeat(16) + 'd714' + '0000803f00000040');
  });

  it('ref §2.2: userdata and threads pack as nil; ignore_invalid=false raises lua-cmsgpack\'s error', () => {
    expect(packHex('coroutine.create(print)')).toBe('c0');
    expect(packHex('io.stdout')).toBe('c0');
    run(`msgpack.setoption('ignore_invalid', false); assert(msgpack.getoption('ignore_invalid') == false)`);
    run(`local ok, err = pcall(msgpack.pack, { coroutine.create(print) }); assert(err == "type <thread> cannot be msgpack'd", err)`);
    run(`local ok, err = pcall(msgpack.pack, io.stdout); assert(err == "type <userdata> cannot be msgpack'd", err)`);
    run(`msgpack.setoption('ignore_invalid', true)`);
  });

  it('ref §2.2: option calls that keep FiveM\'s configuration are no-ops, others raise', () => {
    run(`msgpack.set_string('string_compat'); msgpack.set_integer('unsigned'); msgpack.set_array('without_hole')`);
    run(`msgpack.setoption('empty_table_as_array', true); msgpack.setoption('double', true); msgpack.setoption('small_lua', true)`);
    run(`local mt = msgpack.extend({ __ext = 10 }); assert(mt.__ext == 10); msgpack.extend_clear(10, 11); msgpack.settype('function', 10)`);
    run(`assert(msgpack.getoption('string_compat') and msgpack.getoption('unsigned') and not msgpack.getoption('with_hole'))`);
    for (const call of [`msgpack.set_array('with_hole')`, `msgpack.set_string('string')`, `msgpack.setoption('with_hole', true)`, `msgpack.setoption('string_compat', false)`, `msgpack.set_integer('signed')`]) {
      run(`local ok, err = pcall(function() ${call} end); assert(not ok and err:find('not emulated'), tostring(err))`);
    }
    run(`local ok, err = pcall(msgpack.setoption, 'bogus', true); assert(err == "bad argument #1 to 'setoption' (invalid option 'bogus')", err)`);
    expect(packHex('{}')).toBe('90');
  });
});

describe('Lua codec: unpacking (lua-cmsgpack rules)', () => {
  it('ref §2.2: in a map, pairs whose key or value is nil are skipped (and a nil key\'s value is never converted)', () => {
    setV(fromHex('84 c0 01 a161 c0 a162 02 c0 c7030a782d79'));
    run(`assert(count(v) == 1 and v.b == 2 and v.a == nil)`);
    expect(pushedRefs).toEqual([]); // the funcref after the nil key was skipped, not unpacked
  });

  it('ref §2.2: integers stay integers, floats stay floats (math.type), uint64 above maxinteger is a float', () => {
    const types: Array<[string, string, string]> = [
      ['05', 'integer', '5'], ['cb4014000000000000', 'float', '5.0'], ['ca40a00000', 'float', '5.0'],
      ['cf7fffffffffffffff', 'integer', '9223372036854775807'], ['cf8000000000000000', 'float', '9.2233720368548e+18'],
      ['d38000000000000000', 'integer', '-9223372036854775808'], ['ce80000000', 'integer', '2147483648'], ['ff', 'integer', '-1'],
    ];
    for (const [bytes, type, text] of types) {
      setV(fromHex(bytes));
      run(`assert(math.type(v) == '${type}' and tostring(v) == '${text}', '${bytes}: ' .. math.type(v) .. ' ' .. tostring(v))`);
    }
    run(`assert(math.type(msgpack.unpack(msgpack.pack(3))) == 'integer' and math.type(msgpack.unpack(msgpack.pack(3.0))) == 'float')`);
  });

  it('ref §2.2: str and bin become strings, arrays sequences, unknown ext the raw payload, nil/booleans as such', () => {
    setV(fromHex('97 a3616263 c40300ff01 c0 c3 c2 d40563 93010203'));
    run(`assert(#v == 7 and v[1] == 'abc' and v[2] == '\\0\\255\\1' and v[3] == nil and v[4] == true and v[5] == false)`);
    run(`assert(v[6] == 'c' and v[7][3] == 3)`);
  });

  it('ref §2.5: vectors come back as tables with the runtime metatable; without it, as the raw payload', () => {
    run(`local v = msgpack.unpack(msgpack.pack(vector3(1.5, -2, 3))); assert(getmetatable(v) == __cfx_vectorMetatables[21])`);
    run(`local v = msgpack.unpack(msgpack.pack(vector3(1.5, -2, 3))); assert(v.x == 1.5 and v.y == -2 and v.z == 3 and math.type(v.x) == 'float')`);
    run(`local q = msgpack.unpack(msgpack.pack(quat(1, 2, 3, 4))); assert(getmetatable(q).__name == 'quat' and q.w == 4 and q.x == 1)`);
    run(`local v2 = msgpack.unpack(msgpack.pack(vector2(0.1, 0))); assert(v2.x == string.unpack('<f', string.pack('<f', 0.1)))`);
    run(`local saved = __cfx_vectorMetatables; __cfx_vectorMetatables = nil
         local raw = msgpack.unpack(msgpack.pack(vector3(1, 2, 3))); __cfx_vectorMetatables = saved
         assert(raw == string.pack('<fff', 1, 2, 3), hex(raw))`);
    run(`local ok, err = pcall(msgpack.unpack, fromhex('d61500000000')); assert(err == 'msgpack vector: expected <4> actual <12>', err)`);
  });

  it('ref §2.4: ext 10 and 11 go through pushFuncRef', () => {
    setV(fromHex('92 c7050a612d313a30 d50b7a7a'));
    run(`assert(v[1].__cfx_functionReference == 'a-1:0' and v[2].__cfx_functionReference == 'zz')`);
    expect(pushedRefs).toEqual(['a-1:0', 'zz']);
  });

  it('ref §2.2: bad data raises lua-cmsgpack\'s messages before any value is converted', () => {
    const bad: Array<[string, string]> = [
      ['92 c7020a6161 c1', 'msgpack format data is invalid'],
      ['93 c7020a6161 01', 'msgpack format data is incomplete'],
      ['91'.repeat(32) + '90', 'msgpack memory allocation failed'], // msgpack-c holds at most 32 open containers
    ];
    for (const [h, message] of bad) {
      expect(() => codec.pushAll(L, fromHex(h)), h).toThrow(message);
      expect(vm.getTop(L)).toBe(0);
    }
    expect(pushedRefs).toEqual([]);
    setV(fromHex('91'.repeat(31) + '90')); // 32 nested containers are still fine
    run(`local ok, err = pcall(msgpack.unpack, '\\193'); assert(err == 'msgpack format data is invalid', err)`);
    run(`assert(select('#', msgpack.unpack('')) == 0)`);
  });

  it('ref §2.2: pushArgs spreads an array payload like table.unpack(msgpack.unpack(p)) does', () => {
    const args = (h: string): string => {
      vm.setTop(L, 0);
      const n = codec.pushArgs(L, fromHex(h));
      expect(vm.getTop(L)).toBe(n);
      const out = Array.from({ length: n }, (_, i) => (vm.type(L, i + 1) === 0 ? 'nil' : vm.toString(L, i + 1) ?? vm.typeName(L, i + 1)));
      vm.setTop(L, 0);
      return out.join(',');
    };
    expect(args('93 01 a162 03')).toBe('1,b,3');
    expect(args('93 01 c0 03')).toBe('1,nil,3');
    expect(args('92 01 c0')).toBe('1'); // #t stops at the trailing nil
    expect(args('94 01 c0 03 c0')).toBe('1,nil,3'); // what Lua 5.4's #t gives for {1, nil, 3, nil}
    expect(args('95 01 c0 c0 c0 c0')).toBe('1');
    expect(args('90')).toBe('');
    expect(args('c0')).toBe('');
    expect(args('05')).toBe('');
    expect(args('82 01 a161 02 a162')).toBe('a,b'); // a map unpacks as its border sequence
    expect(args('')).toBe('');
  });

  it('ref §2.2: calls leave the stack balanced, and a hook may pack/unpack again while we work', () => {
    const inner: LuaCodec = new LuaCodec(vm, {
      refForFunction: (Ls) => hex(inner.packValue(Ls, 1)), // nested pack of stack slot 1
      pushFuncRef: (Ls, ref) => void inner.pushAll(Ls, fromHex(ref)), // nested unpack of the ref text
    });
    vm.setTop(L, 0);
    vm.pushString(L, 'nested');
    run(`__v = { print, 'x' }`);
    vm.M._lua_getglobal(L, vm.cstr('__v'));
    const refText = hex(new TextEncoder().encode('a66e6573746564'));
    expect(hex(inner.packValue(L, 2))).toBe('92c70e0a' + refText + 'a178');
    expect(vm.getTop(L)).toBe(2);
    vm.setTop(L, 0);
    expect(inner.pushAll(L, fromHex('92 c7020a3037 a178'))).toBe(1);
    vm.M._lua_setglobal(L, vm.cstr('v'));
    run(`assert(v[1] == 7 and v[2] == 'x')`);
    expect(vm.getTop(L)).toBe(0);
  });
});

describe('Lua ↔ JS across the two codecs (ref §2.3)', () => {
  const fromLua = (expr: string): unknown => js.unpack(fromHex(packHex(expr)));

  it('ref §2.3: Lua values as the JS runtime sees them', () => {
    expect(fromLua('{}')).toEqual([]);
    expect(fromLua('{ 1, 2, 3 }')).toEqual([1, 2, 3]);
    expect(fromLua('{ [1] = "a", [3] = "c" }')).toEqual({ '1': 'a', '3': 'c' });
    expect(fromLua('{ x = 1 }')).toEqual({ x: 1 });
    expect(fromLua('{ n = 2, 1, 2 }')).toEqual({ '1': 1, '2': 2, n: 2 });
    expect(fromLua('1.0')).toBe(1);
    expect(fromLua('(1 << 53) + 1')).toBe(2 ** 53);
    expect(fromLua('"\\255"')).toBe('\u00ff'); // a stray byte becomes U+00FF (msgpack-lite's reader)
    const v = fromLua('vector3(1, 2, 3)') as ExtBuffer;
    expect(v).toBeInstanceOf(ExtBuffer);
    expect(v.type).toBe(21);
    expect(hex(v.buffer)).toBe('0000803f0000004000004040');
    expect(fromLua('{ cb = { __cfx_functionReference = "r" } }')).toEqual({ cb: { funcref: 'wrap(r)' } });
  });

  it('ref §2.3: JS values as the Lua runtime sees them', () => {
    setV(js.pack(2147483648));
    run(`assert(math.type(v) == 'float' and v == 2147483648)`);
    setV(js.pack(5));
    run(`assert(math.type(v) == 'integer')`);
    setV(js.pack({ '1': 'x' }));
    run(`assert(v['1'] == 'x' and v[1] == nil)`);
    setV(js.pack(['a', 'b']));
    run(`assert(#v == 2 and v[1] == 'a' and v[2] == 'b')`);
    setV(js.pack([1, null, 3]));
    run(`assert(v[1] == 1 and v[2] == nil and v[3] == 3)`);
    setV(js.pack({ a: undefined, b: 1 }));
    run(`assert(count(v) == 1 and v.b == 1)`);
    setV(js.pack([{}, []]));
    run(`assert(next(v[1]) == nil and next(v[2]) == nil)`);
    setV(js.pack(new Uint8Array([0, 255]).buffer));
    run(`assert(v == '\\0\\255')`);
    setV(js.pack(() => 1));
    run(`assert(v.__cfx_functionReference == 'js:1:0')`);
    expect(codec.pushArgs(L, js.pack([1, undefined]))).toBe(1); // JS undefined arrives as a nil hole
  });
});
