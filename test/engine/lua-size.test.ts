/**
 * The twin's msgpack size (lua/size.lua) against the real Lua codec (`msgpack.pack_args`, lua-cmsgpack's rules as
 * FiveM sets them, ref §2.2): exact for every value whose bytes depend on its shape, at every header and integer
 * boundary, for nesting past the 16-level limit, vectors, and 3,000 random nested values. The payload cap and the
 * client's byte pacing are decided on it. Functions (references) are the one estimate: 40 bytes.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { addBridge, luaResource, outs, startAll } from './lua-support.ts';

const emu = useEmulator();

/** Runs `body` in a server Lua resource where `size` is the twin's module and `real(...)` the codec's bytes. */
async function inLua(body: string): Promise<Record<string, unknown[]>> {
  await addBridge(emu());
  await luaResource(emu(), 'probe', {
    server: `
      local size = load(LoadResourceFile('callback_bridge', 'lua/size.lua'), '@@callback_bridge/lua/size.lua')()
      --- Bytes of the values as event arguments, without the argument list's own header.
      local function real(...)
        local n = select('#', ...)
        local header = n < 16 and 1 or n < 0x10000 and 3 or 5
        return #msgpack.pack_args(...) - header
      end
      local mismatches = {}
      local function check(label, ...)
        local t = table.pack(...)
        local estimate, actual = size.list(t, 1, t.n), real(...)
        if estimate ~= actual then mismatches[#mismatches + 1] = { label, estimate, actual } end
      end
      ${body}
      out('mismatches', mismatches)`,
  });
  startAll(emu(), 'callback_bridge', 'probe');
  return outs(emu().server, 'probe');
}

describe('lua/size.lua matches the Lua codec', () => {
  it('scalars at every integer boundary, floats, booleans, nil, strings at every header boundary', async () => {
    const o = await inLua(`
      for _, v in ipairs({ 0, 1, 127, 128, 255, 256, 65535, 65536, 0xffffffff, 0x100000000, math.maxinteger,
          -1, -32, -33, -128, -129, -32768, -32769, -0x80000000, -0x80000001, math.mininteger }) do
        check('int ' .. v, v)
      end
      for _, v in ipairs({ 0.5, -1.5, 1.0, 1e300, 0/0, math.huge }) do check('float ' .. tostring(v), v) end
      check('bools and nils', true, false, nil, nil)
      for _, n in ipairs({ 0, 1, 31, 32, 255, 256, 65535, 65536 }) do check('string ' .. n, string.rep('a', n)) end
      check('utf-8 bytes', 'é€😀')`);
    expect(o.mismatches).toEqual([[]]);
  });

  it('arrays and maps at every header boundary, {} as an array, holes and n making maps, mixed keys', async () => {
    const o = await inLua(`
      for _, n in ipairs({ 0, 15, 16, 65535, 65536 }) do
        local arr, map = {}, {}
        for i = 1, n do arr[i] = 1 map['k' .. i] = i end
        check('array ' .. n, arr)
        check('map ' .. n, map)
      end
      check('hole', { 1, nil, 3 })
      check('with n', { n = 2, 'a', 'b' })
      check('mixed keys', { [1] = 'a', [2.5] = 'b', [true] = 'c', x = { y = { 1, 2 } }, [-1] = 0 })
      check('zero key', { [0] = 'z', 'a' })`);
    expect(o.mismatches).toEqual([[]]);
  });

  it('tables nested past the 16-level limit count as nil, as the codec packs them; vectors as ext 20-23', async () => {
    const o = await inLua(`
      for depth = 14, 18 do
        local t = {}
        local cur = t
        for _ = 1, depth do cur[1] = {} cur = cur[1] end
        check('depth ' .. depth, t)
      end
      check('vectors', vector2(1, 2), vector3(1, 2, 3), vector4(1, 2, 3, 4), quat(1, 0, 0, 0), { pos = vector3(0, 0, 0) })`);
    expect(o.mismatches).toEqual([[]]);
  });

  it('3,000 random nested values', async () => {
    const o = await inLua(`
      math.randomseed(7)
      local function str() return string.rep(string.char(math.random(32, 126)), math.random(0, 1) == 0 and math.random(0, 40) or math.random(0, 300)) end
      local function value(depth)
        local pick = math.random(1, depth > 4 and 6 or 9)
        if pick == 1 then return nil
        elseif pick == 2 then return math.random() < 0.5
        elseif pick == 3 then return math.random(-2^40, 2^40) >> math.random(0, 40)
        elseif pick == 4 then return (math.random() - 0.5) * 1e6
        elseif pick == 5 then return str()
        elseif pick == 6 then return math.random(-40, 200)
        elseif pick == 7 then
          local t = {}
          for i = 1, math.random(0, 20) do t[i] = value(depth + 1) end
          return t
        elseif pick == 8 then
          local t = {}
          for _ = 1, math.random(0, 12) do t[str()] = value(depth + 1) end
          return t
        end
        return { math.random(1, 9), x = value(depth + 1), [math.random(1, 5)] = str() }
      end
      for i = 1, 3000 do check('random ' .. i, value(0), value(0)) end`);
    expect(o.mismatches).toEqual([[]]);
  });

  it('a function reference is estimated at 40 bytes (within 40 of the real ref for short resource names)', async () => {
    const o = await inLua(`
      local f = function() end
      out('fn', size.list({ f }, 1, 1), real(f))`);
    const [estimate, actual] = o.fn as [number, number];
    expect(estimate).toBe(40);
    expect(Math.abs(estimate - actual)).toBeLessThanOrEqual(40);
  });
});
