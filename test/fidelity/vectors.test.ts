/**
 * CfxLua vectors and quaternions (ref §2.5, §5.3), emulated by `lua/runtime/vector.lua` and run in real Lua 5.4.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getLuaVm, type LuaVm } from '../emulator/lua/lua-vm';
import { cfxLuaError, runCfxLua, type CfxLuaProbeOptions } from '../support/lua-probe.ts';

const VECTOR_LUA = readFileSync(new URL('../emulator/lua/runtime/vector.lua', import.meta.url), 'utf8');

let vm: LuaVm;
beforeAll(async () => {
  vm = await getLuaVm();
});

const WITH_VECTORS: CfxLuaProbeOptions = { prelude: [[VECTOR_LUA, '@vector.lua']] };

/** Loads vector.lua, runs CfxLua `src`, returns `tostring(e)` for each plain-Lua expression. */
const run = (src: string, ...exprs: string[]) => runCfxLua(vm, src, WITH_VECTORS, ...exprs);

const errorOf = (src: string) => cfxLuaError(vm, src, WITH_VECTORS);

describe('vector values (ref §2.5)', () => {
  it('ref §2.5: constructors, aliases and tostring', () => {
    expect(run('', 'vector2(1, 2)', 'vector3(1, 2, 3)', 'vector4(1, 2, 3, 4)', 'vec2(1, 2)', 'vec3(-1.5, 0, 2)', 'vec4(1, 2, 3, 4)'))
      .toEqual(['vector2(1.0, 2.0)', 'vector3(1.0, 2.0, 3.0)', 'vector4(1.0, 2.0, 3.0, 4.0)', 'vector2(1.0, 2.0)',
        'vector3(-1.5, 0.0, 2.0)', 'vector4(1.0, 2.0, 3.0, 4.0)']);
  });

  it('ref §2.5: type(v) names the vector type; other values keep their type', () => {
    expect(run('', 'type(vector2(1, 2))', 'type(vec3(1, 2, 3))', 'type(vector4(1, 2, 3, 4))', 'type(quat())',
      'type({})', 'type(nil)', 'type(1)', 'type("s")', 'type(print)', 'type(setmetatable({}, {__metatable = "x"}))'))
      .toEqual(['vector2', 'vector3', 'vector4', 'quat', 'table', 'nil', 'number', 'string', 'function', 'table']);
  });

  it('ref §2.5: components are floats, rounded to 32 bits like the native type', () => {
    expect(run('v = vector3(1, 2, 3) w = vec3(0.1, 0, 0)', 'math.type(v.x)', 'w.x == string.unpack("f", string.pack("f", 0.1))', 'w.x == 0.1'))
      .toEqual(['float', 'true', 'false']);
  });

  it('ref §2.5: #v is the magnitude', () => {
    expect(run('', '#vector3(3, 4, 0)', '#vector2(6, 8)', '#vector4(1, 1, 1, 1)')).toEqual(['5.0', '10.0', '2.0']);
  });

  it('ref §2.5: component-wise + - * / with vectors of the same size, scalars on either side, unary minus', () => {
    const src = 'a = vector3(1, 2, 3) b = vector3(4, 5, 6)';
    expect(run(src, 'a + b', 'b - a', 'a * b', 'b / a', 'a * 2', '2 * a', 'a / 2', '-a', 'a + 0.5'))
      .toEqual(['vector3(5.0, 7.0, 9.0)', 'vector3(3.0, 3.0, 3.0)', 'vector3(4.0, 10.0, 18.0)', 'vector3(4.0, 2.5, 2.0)',
        'vector3(2.0, 4.0, 6.0)', 'vector3(2.0, 4.0, 6.0)', 'vector3(0.5, 1.0, 1.5)', 'vector3(-1.0, -2.0, -3.0)',
        'vector3(1.5, 2.5, 3.5)']);
    expect(errorOf('x = vector3(1, 2, 3) + vector2(1, 2)')).toMatch(/^\(src\):1: attempt to perform arithmetic/);
  });

  it('ref §2.5: == compares type and components', () => {
    expect(run('a = vector3(1, 2, 3)', 'a == vector3(1, 2, 3)', 'a == vec3(1, 2, 4)', 'a == vector4(1, 2, 3, 0)', 'vector2(1, 2) ~= vector2(1, 2)'))
      .toEqual(['true', 'false', 'false', 'false']);
  });

  it('ref §5.3: swizzles (xyzw and rgba), numeric indices and the dimension', () => {
    const src = 'v = vector4(1, 2, 3, 4)';
    expect(run(src, 'v.xy', 'v.zyx', 'v.wzyx', 'v.xxxx', 'v.rgb', 'v.a', 'v[2]', 'v.n', 'vector2(1, 2).z', 'v.xq'))
      .toEqual(['vector2(1.0, 2.0)', 'vector3(3.0, 2.0, 1.0)', 'vector4(4.0, 3.0, 2.0, 1.0)', 'vector4(1.0, 1.0, 1.0, 1.0)',
        'vector3(1.0, 2.0, 3.0)', '4.0', '2.0', '4', 'nil', 'nil']);
  });

  it('ref §2.5: vectors are immutable: adding a field errors', () => {
    expect(errorOf('local v = vector3(1, 2, 3)\nv.foo = 1')).toMatch(/^\(src\):2: attempt to modify a vector3 value/);
    expect(errorOf('local v = vector2(1, 2)\nv.z = 1')).toMatch(/^\(src\):2: attempt to modify a vector2 value/);
  });

  it('ref §2.5: constructors flatten vectors and arrays, splat one scalar, and check the count', () => {
    expect(run('', 'vector3(7)', 'vector3(vector2(1, 2), 3)', 'vector2(vector3(5, 6, 7))', 'vector4({1, 2}, 3, true)', 'vector3({1, 2, 3})'))
      .toEqual(['vector3(7.0, 7.0, 7.0)', 'vector3(1.0, 2.0, 3.0)', 'vector2(5.0, 6.0)', 'vector4(1.0, 2.0, 3.0, 1.0)', 'vector3(1.0, 2.0, 3.0)']);
    expect(errorOf('local v\nv = vector3(1, 2)')).toMatch(/^\(src\):2: vector3 requires exactly 3 number\(s\)/);
    expect(errorOf('local v\nv = vector2(1, 2, 3)')).toMatch(/^\(src\):2: bad argument #3 to 'vector2'/);
  });

  it('ref §5.3: vec(...) picks the type from the number of components', () => {
    expect(run('', 'vec(1, 2)', 'vec(1, 2, 3)', 'vec(1, 2, 3, 4)', 'vec(vector2(1, 2), 3)', 'math.type(vec(5))', 'vec(5)'))
      .toEqual(['vector2(1.0, 2.0)', 'vector3(1.0, 2.0, 3.0)', 'vector4(1.0, 2.0, 3.0, 4.0)', 'vector3(1.0, 2.0, 3.0)', 'float', '5.0']);
  });

  it('ref §2.5: quat(w, x, y, z) (LuaGLM order), identity, angle-axis and rotation of a vector3', () => {
    const src = 'q = quat(1, 2, 3, 4) r = quat(90, vector3(0, 0, 1)) p = r * vector3(1, 0, 0)';
    const [q, qx, qw, id, px, py, rr] = run(src, 'q', 'q.x', 'q.w', 'quat()', 'math.abs(p.x) < 1e-6', 'math.abs(p.y - 1) < 1e-6', '#(r * r * vector3(1, 0, 0) - vector3(-1, 0, 0)) < 1e-5');
    expect([q, qx, qw, id, px, py]).toEqual(['quat(1.0, {2.0, 3.0, 4.0})', '2.0', '1.0', 'quat(1.0, {0.0, 0.0, 0.0})', 'true', 'true']);
    expect(rr).toBe('true'); // quat * quat composes: two quarter turns about z send x to -x
  });

  it('ref §2.5: norm, dot and cross helpers', () => {
    expect(run('', 'norm(vector3(3, 0, 4))', 'dot(vector3(1, 2, 3), vector3(4, 5, 6))', 'cross(vector3(1, 0, 0), vector3(0, 1, 0))'))
      .toEqual(['vector3(0.60000002384186, 0.0, 0.80000001192093)', '32.0', 'vector3(0.0, 0.0, 1.0)']);
  });
});

describe('the table shape the msgpack codec reads (ref §2.5, ext 20-23)', () => {
  it('ref §2.5: raw x/y/z/w fields and a metatable with __cfx_ext and __name', () => {
    const src = 'v = vector3(1, 2, 3) m = getmetatable(v) n = 0 for k in pairs(v) do n = n + 1 end';
    expect(run(src, 'rawget(v, "x")', 'rawget(v, "z")', 'rawget(v, "w")', 'n', 'm.__cfx_ext', 'm.__name'))
      .toEqual(['1.0', '3.0', 'nil', '3', '21', 'vector3']);
    const ext = run('', ...['vector2(1, 2)', 'vector3(1, 2, 3)', 'vector4(1, 2, 3, 4)', 'quat()'].map((c) => `rawget(getmetatable(${c}), "__cfx_ext")`));
    expect(ext).toEqual(['20', '21', '22', '23']);
  });

  it('ref §2.5: __cfx_vectorMetatables maps ext ids to the metatables; reloading keeps them', () => {
    const L = vm.newState();
    try {
      vm.run(L, VECTOR_LUA);
      vm.run(L, 'v = vector3(1, 2, 3) first = __cfx_vectorMetatables[21]');
      vm.run(L, VECTOR_LUA);
      vm.run(L, '__probe = tostring(getmetatable(v) == __cfx_vectorMetatables[21] and first == __cfx_vectorMetatables[21]' +
        ' and getmetatable(vector2(1, 2)) == __cfx_vectorMetatables[20] and getmetatable(vec4(1, 2, 3, 4)) == __cfx_vectorMetatables[22]' +
        ' and getmetatable(quat()) == __cfx_vectorMetatables[23] and type(v) == "vector3")');
      vm.M._lua_getglobal(L, vm.cstr('__probe'));
      expect(vm.toString(L, -1)).toBe('true');
    } finally {
      vm.close(L);
    }
  });
});

describe('vectors with CfxLua syntax (ref §5.3)', () => {
  it('ref §5.3: compound assignment rebinds a vector variable; ?. reads components', () => {
    const src = 'local p = vector3(1, 1, 1) p += vector3(1, 2, 3) p *= 2 out = p x = p?.x n = nothing?.x';
    expect(run(src, 'out', 'x', 'n')).toEqual(['vector3(4.0, 6.0, 8.0)', '4.0', 'nil']);
  });
});
