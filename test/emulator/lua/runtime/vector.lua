-- CfxLua vectors and quaternions, emulated with tables (ref §2.5, §5.3).
--
-- In FiveM these are first-class immutable values of 32-bit floats. Here a vector is a table holding raw float
-- fields x, y[, z[, w]] and one of four shared metatables. The msgpack codec relies on that shape: raw fields plus
-- `__cfx_ext` (20 vec2, 21 vec3, 22 vec4, 23 quat) in the metatable, found through `__cfx_vectorMetatables`.
--
-- Known gaps: writing to an existing component (`v.x = 1`) cannot be trapped on a table, only new keys are; vectors
-- compare equal with `==` but are distinct table keys; `quat(from, to)`, matrices, ivec/bvec are not emulated.

if rawget(_G, '__cfx_vectorMetatables') then return end -- loaded already: keep the metatables existing vectors use

local rawtype, getmetatable, setmetatable, select, error, tostring = type, getmetatable, setmetatable, select, error, tostring
local sqrt, sin, cos, rad, floor, min, tointeger = math.sqrt, math.sin, math.cos, math.rad, math.floor, math.min, math.tointeger
local spack, sunpack, byte = string.pack, string.unpack, string.byte

local mt2 = { __cfx_ext = 20, __name = 'vector2' }
local mt3 = { __cfx_ext = 21, __name = 'vector3' }
local mt4 = { __cfx_ext = 22, __name = 'vector4' }
local mtq = { __cfx_ext = 23, __name = 'quat' }
local DIMS = { [mt2] = 2, [mt3] = 3, [mt4] = 4, [mtq] = 4 }
local BY_DIM = { [2] = mt2, [3] = mt3, [4] = mt4 }
local KEYS = { 'x', 'y', 'z', 'w' }
-- Swizzle letters → component index (xyzw and rgba, as in LuaGLM).
local SWIZZLE = { [120] = 1, [121] = 2, [122] = 3, [119] = 4, [114] = 1, [103] = 2, [98] = 3, [97] = 4 }

---Builds a vector of metatable `mt`, rounding components to 32-bit floats as the native type stores them.
local function make(mt, x, y, z, w)
  if mt == mt3 then
    x, y, z = sunpack('<fff', spack('<fff', x, y, z))
    return setmetatable({ x = x, y = y, z = z }, mt3)
  elseif mt == mt2 then
    x, y = sunpack('<ff', spack('<ff', x, y))
    return setmetatable({ x = x, y = y }, mt2)
  end
  x, y, z, w = sunpack('<ffff', spack('<ffff', x, y, z, w))
  return setmetatable({ x = x, y = y, z = z, w = w }, mt)
end

local function argError(fname, i, msg, level)
  error(("bad argument #%d to '%s' (%s)"):format(i, fname, msg), level + 1)
end

---Flattens constructor arguments: numbers and booleans are one component, vectors and arrays several (LuaGLM rules).
local function gather(fname, max, ...)
  local out, len = {}, 0
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    local t = rawtype(v)
    if len >= max then argError(fname, i, 'invalid vector dimension', 3) end
    if t == 'number' then len = len + 1; out[len] = v
    elseif t == 'boolean' then len = len + 1; out[len] = v and 1 or 0
    elseif t == 'table' then
      local mt = getmetatable(v)
      local d = DIMS[mt]
      if mt == mtq and len + 4 > max then argError(fname, i, 'invalid vector dimension', 3) end
      local n = mt == mtq and 4 or min(d or #v, max - len) -- a longer vector is truncated, a quat never is
      for j = 1, n do
        local c = d and v[KEYS[j]] or v[j]
        if rawtype(c) == 'boolean' then c = c and 1 or 0 end
        if rawtype(c) ~= 'number' then argError(fname, i, 'invalid vector structure', 3) end
        len = len + 1; out[len] = c
      end
    else
      argError(fname, i, 'number or vector expected, got ' .. t, 3)
    end
  end
  return out, len
end

---Fixed-size constructor: one scalar fills every component, otherwise exactly `dim` numbers are needed.
local function fixed(fname, dim, ...)
  local n, a = select('#', ...), ...
  local ta = rawtype(a)
  if n == 1 and (ta == 'number' or ta == 'boolean') then
    if ta == 'boolean' then a = a and 1 or 0 end
    return make(BY_DIM[dim], a, a, a, a)
  end
  local c, len = gather(fname, dim, ...)
  if len ~= dim then error(('%s requires exactly %d number(s)'):format(fname, dim), 2) end -- constructors tail-call us
  return make(BY_DIM[dim], c[1], c[2], c[3], c[4])
end

---@class vector2
---@field x number
---@field y number
---@class vector3: vector2
---@field z number
---@class vector4: vector3
---@field w number
---@class quat: vector4

---Creates a vector2; `vector2(s)` repeats a scalar, vector and array arguments are flattened.
---@param ... number|boolean|table
---@return vector2
function vector2(...)
  local x, y = ...
  if select('#', ...) == 2 and rawtype(x) == 'number' and rawtype(y) == 'number' then return make(mt2, x, y) end
  return fixed('vector2', 2, ...)
end

---Creates a vector3: `vector3(x, y, z)`, `vector3(s)` (repeated scalar), `vector3(v2, z)`, `vector3({x, y, z})`...
---@param ... number|boolean|table
---@return vector3
function vector3(...)
  local x, y, z = ...
  if select('#', ...) == 3 and rawtype(x) == 'number' and rawtype(y) == 'number' and rawtype(z) == 'number' then
    return make(mt3, x, y, z)
  end
  return fixed('vector3', 3, ...)
end

---Creates a vector4 (same argument rules as vector3).
---@param ... number|boolean|table
---@return vector4
function vector4(...) return fixed('vector4', 4, ...) end

---Creates a vector sized by its arguments: 1 number gives the number itself, 2 to 4 give vector2..vector4.
---@param ... number|table
---@return number|vector2|vector3|vector4
function vec(...)
  local c, len = gather('vec', 4, ...)
  if len == 0 then error('vector requires 1 to 4 numbers', 2) end
  if len == 1 then return (sunpack('<f', spack('<f', c[1]))) end
  return make(BY_DIM[len], c[1], c[2], c[3], c[4])
end

---Creates a quaternion. Argument order follows LuaGLM: `quat(w, x, y, z)`. Also `quat()` (identity),
---`quat(angleDegrees, axis: vector3)`, `quat(xyz: vector3, w)`, `quat(euler: vector3)` (radians) and `quat(q)`.
---@param w? number|vector3|quat
---@param x? number|vector3
---@param y? number
---@param z? number
---@return quat
function quat(w, x, y, z)
  local tw, tx = rawtype(w), rawtype(x)
  if w == nil then return make(mtq, 0, 0, 0, 1) end
  if tw == 'number' then
    if tx == 'number' then
      if rawtype(y) ~= 'number' or rawtype(z) ~= 'number' then error('{w, x, y, z} or {angle, axis} expected', 2) end
      return make(mtq, x, y, z, w)
    elseif getmetatable(x) == mt3 then
      local half = rad(w) * 0.5
      local s = sin(half)
      return make(mtq, x.x * s, x.y * s, x.z * s, cos(half))
    end
    error('{w, x, y, z} or {angle, axis} expected', 2)
  end
  local mw = getmetatable(w)
  if mw == mtq then return w end
  if mw == mt3 then
    if x == nil then -- Euler angles (pitch, yaw, roll) in radians, as glm::quat(vec3)
      local cx, cy, cz = cos(w.x * 0.5), cos(w.y * 0.5), cos(w.z * 0.5)
      local sx, sy, sz = sin(w.x * 0.5), sin(w.y * 0.5), sin(w.z * 0.5)
      return make(mtq, sx * cy * cz - cx * sy * sz, cx * sy * cz + sx * cy * sz, cx * cy * sz - sx * sy * cz,
        cx * cy * cz + sx * sy * sz)
    elseif tx == 'number' then
      return make(mtq, w.x, w.y, w.z, x)
    end
    error('{euler} or {xyz, w} expected (quat(from, to) is not emulated)', 2)
  end
  error(("bad argument #1 to 'quat' (number, vector3 expected, got %s)"):format(type(w)), 2)
end

vec2, vec3, vec4, vector = vector2, vector3, vector4, vec

---Hamilton product of two quaternions.
local function qmul(a, b)
  return make(mtq,
    a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
    a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
    a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
    a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z)
end

---Rotates vector3 `v` by quaternion `q` (v' = v + 2w(u×v) + 2u×(u×v)).
local function qrotate(q, v)
  local ux, uy, uz, w = q.x, q.y, q.z, q.w
  local cx, cy, cz = uy * v.z - uz * v.y, uz * v.x - ux * v.z, ux * v.y - uy * v.x
  local dx, dy, dz = uy * cz - uz * cy, uz * cx - ux * cz, ux * cy - uy * cx
  return make(mt3, v.x + 2 * (w * cx + dx), v.y + 2 * (w * cy + dy), v.z + 2 * (w * cz + dz))
end

---Component-wise operator factory: vector∘vector (same type), vector∘number and number∘vector.
local function componentwise(symbol, f)
  return function(a, b)
    local ma, mb = rawtype(a) == 'table' and getmetatable(a), rawtype(b) == 'table' and getmetatable(b)
    local da, db = DIMS[ma or 0], DIMS[mb or 0]
    if symbol == '*' and ma == mtq then
      if mb == mtq then return qmul(a, b) elseif mb == mt3 then return qrotate(a, b) end
    end
    if symbol == '*' and ma == mt3 and mb == mtq then -- v * q rotates by the inverse of q
      local d = b.x * b.x + b.y * b.y + b.z * b.z + b.w * b.w
      return qrotate({ x = -b.x / d, y = -b.y / d, z = -b.z / d, w = b.w / d }, a)
    end
    if da and db then
      if ma ~= mb then error(('attempt to perform arithmetic (%s) on %s and %s'):format(symbol, ma.__name, mb.__name), 2) end
      return make(ma, f(a.x, b.x), f(a.y, b.y), da > 2 and f(a.z, b.z) or 0, da > 3 and f(a.w, b.w) or 0)
    elseif da and rawtype(b) == 'number' then
      return make(ma, f(a.x, b), f(a.y, b), da > 2 and f(a.z, b) or 0, da > 3 and f(a.w, b) or 0)
    elseif db and rawtype(a) == 'number' then
      return make(mb, f(a, b.x), f(a, b.y), db > 2 and f(a, b.z) or 0, db > 3 and f(a, b.w) or 0)
    end
    error(('attempt to perform arithmetic on a %s value'):format(type(da and b or a)), 2)
  end
end

---Magnitude, rounded to float like the native `#v`.
local function length(v)
  local m = v.x * v.x + v.y * v.y + (v.z or 0) * (v.z or 0) + (v.w or 0) * (v.w or 0)
  return (sunpack('<f', spack('<f', sqrt(m))))
end

---`v.xy`, `v.zyx`, `v.rgb`, `v[1]`, `v.n`: swizzles and numeric indices (raw x/y/z/w never reach here).
local function index(v, k)
  local mt = getmetatable(v)
  local dim = DIMS[mt]
  local kt = rawtype(k)
  if kt == 'string' then
    local n = #k
    if n >= 1 and n <= 4 then
      local c1, c2, c3, c4 = byte(k, 1, 4)
      local i1, i2, i3, i4 = SWIZZLE[c1], SWIZZLE[c2 or 0], SWIZZLE[c3 or 0], SWIZZLE[c4 or 0]
      if i1 and i1 <= dim and (n < 2 or (i2 and i2 <= dim)) and (n < 3 or (i3 and i3 <= dim)) and (n < 4 or (i4 and i4 <= dim)) then
        local x = v[KEYS[i1]]
        if n == 1 then return x end
        local y, z, w = v[KEYS[i2]], i3 and v[KEYS[i3]], i4 and v[KEYS[i4]]
        return make(n == 4 and mt == mtq and mtq or BY_DIM[n], x, y, z or 0, w or 0)
      end
    end
    if k == 'n' or k == 'dim' then return dim end
  elseif kt == 'number' then
    local i = tointeger(k)
    if i and i >= 1 and i <= dim then return v[KEYS[i]] end
  end
  return nil
end

local function newindex(v)
  error(('attempt to modify a %s value (vectors are immutable)'):format(getmetatable(v).__name), 2)
end

local function equals(a, b)
  local ma = getmetatable(a)
  if ma ~= getmetatable(b) or not DIMS[ma] then return false end
  return a.x == b.x and a.y == b.y and a.z == b.z and a.w == b.w
end

local function fmt(v)
  local mt = getmetatable(v)
  if mt == mtq then return ('quat(%s, {%s, %s, %s})'):format(tostring(v.w), tostring(v.x), tostring(v.y), tostring(v.z)) end
  local parts = { tostring(v.x), tostring(v.y) }
  if v.z then parts[3] = tostring(v.z) end
  if v.w then parts[4] = tostring(v.w) end
  return mt.__name .. '(' .. table.concat(parts, ', ') .. ')'
end

for mt in pairs(DIMS) do
  mt.__index, mt.__newindex, mt.__eq, mt.__len, mt.__tostring = index, newindex, equals, length, fmt
  mt.__add = componentwise('+', function(p, q) return p + q end)
  mt.__sub = componentwise('-', function(p, q) return p - q end)
  mt.__mul = componentwise('*', function(p, q) return p * q end)
  mt.__div = componentwise('/', function(p, q) return p / q end)
  mt.__idiv = componentwise('//', function(p, q) return floor(p / q) end)
  mt.__mod = componentwise('%', function(p, q) return p - floor(p / q) * q end)
  mt.__unm = function(v) return make(getmetatable(v), -v.x, -v.y, -(v.z or 0), -(v.w or 0)) end
end

---Dot product of two vectors of the same type (or two numbers).
---@return number
function dot(a, b)
  if rawtype(a) == 'number' then return a * b end
  return a.x * b.x + a.y * b.y + (a.z or 0) * (b.z or 0) + (a.w or 0) * (b.w or 0)
end

---Cross product of two vector3.
---@param a vector3
---@param b vector3
---@return vector3
function cross(a, b)
  return make(mt3, a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
end

---Unit vector in the direction of `v` (a number gives its sign).
---@return number|vector2|vector3|vector4|quat
function norm(v)
  if rawtype(v) == 'number' then return v > 0 and 1.0 or v < 0 and -1.0 or 0.0 end
  local m = sqrt(dot(v, v))
  return v / m
end

local TYPE_NAMES = { [mt2] = 'vector2', [mt3] = 'vector3', [mt4] = 'vector4', [mtq] = 'quat' }
---`type(v)` answers 'vector2'/'vector3'/'vector4'/'quat' like the native types; non-tables take the fast path.
---@param v any
---@return string
function type(v)
  local t = rawtype(v)
  if t == 'table' then return TYPE_NAMES[getmetatable(v) or 0] or t end
  return t
end

__cfx_vectorMetatables = { [20] = mt2, [21] = mt3, [22] = mt4, [23] = mtq }
