-- callback_bridge Lua twin: the msgpack size of values, computed without encoding them and stopping as soon as a
-- limit is passed. Twin of src/core/payload-size.ts; the payload cap, the latent threshold and the client's byte
-- pacing are checked on it. It follows the Lua codec (lua-cmsgpack as FiveM configures it, ref §2.2) byte for byte:
-- integers in the smallest form (unsigned family when >= 0), every float as float64, strings as fixstr/str16/str32
-- (no str8), a table as an array when its keys are exactly 1..N (else a map), CfxLua vectors as ext 20-23, and a
-- table nested 16 deep as nil. The one estimate is a function (a reference whose "res:instance:idx" we cannot see):
-- 40 bytes. lua-size test: checked against `msgpack.pack_args`.

local type, mtype, pairs, rawget, getmetatable, huge = type, math.type, pairs, rawget, getmetatable, math.huge

local M = {}

---Tables nested this deep pack as nil (lua-cmsgpack's LUACMSGPACK_MAX_NESTING).
local MAX_NESTING = 16

---Bytes of a string, array or map header for `n` items: the fix form below `fix`, then 16 and 32 bits.
local function header(n, fix)
  if n < fix then return 1 elseif n < 0x10000 then return 3 end
  return 5
end

local function integerBytes(v)
  if v >= 0 then
    if v < 0x80 then return 1 elseif v < 0x100 then return 2 elseif v < 0x10000 then return 3 elseif v < 0x100000000 then return 5 end
    return 9
  end
  if v >= -0x20 then return 1 elseif v >= -0x80 then return 2 elseif v >= -0x8000 then return 3 elseif v >= -0x80000000 then return 5 end
  return 9
end

---Bytes of ext 20-23 (vector2 8 bytes: fixext 8; vector3 12: ext 8; vector4 and quat 16: fixext 16).
local VECTOR_BYTES = { [20] = 10, [21] = 15, [22] = 18, [23] = 18 }
local VECTOR_EXT = { vector2 = 20, vector3 = 21, vector4 = 22, quat = 23 }

local size

---Adds the size of table `t`'s entries and header: an array when its keys are exactly 1..N, else a map. Keys are
---sized at `keyLevel`, values by `valueSize(v, limit, acc, valueLevel)`; stops once past `limit`.
local function entriesSize(t, limit, acc, keyLevel, valueSize, valueLevel)
  local count, maxKey, keyBytes, valueBytes, array = 0, 0, 0, 0, true
  for k, v in pairs(t) do
    count = count + 1
    if array and mtype(k) == 'integer' and k >= 1 then
      if k > maxKey then maxKey = k end
    else
      array = false
    end
    keyBytes = size(k, limit, keyBytes, keyLevel)
    valueBytes = valueSize(v, limit, valueBytes, valueLevel)
    if acc + keyBytes + valueBytes > limit then return acc + keyBytes + valueBytes end
  end
  if array and maxKey == count then return acc + header(count, 16) + valueBytes end
  return acc + header(count, 16) + keyBytes + valueBytes
end

---Adds the size of a table at nesting `level` (vectors and function references have their own sizes).
local function tableSize(t, limit, acc, level)
  local mt = getmetatable(t)
  local ext = type(mt) == 'table' and rawget(mt, '__cfx_ext')
  if ext and VECTOR_BYTES[ext] then return acc + VECTOR_BYTES[ext] end
  if level >= MAX_NESTING then return acc + 1 end
  if rawget(t, '__cfx_functionReference') ~= nil then return acc + 40 end
  return entriesSize(t, limit, acc, level + 1, size, level + 1)
end

---Adds the encoded size of `value` (at nesting `level`: an event argument is at 1) to `acc` and returns the
---total, or returns as soon as it exceeds `limit`.
---@param value any
---@param limit number
---@param acc number
---@param level integer
---@return number
size = function(value, limit, acc, level)
  if acc > limit then return acc end
  local t = type(value)
  if t == 'number' then
    if mtype(value) == 'integer' then return acc + integerBytes(value) end
    return acc + 9
  elseif t == 'string' then
    local n = #value
    return acc + n + header(n, 32)
  elseif t == 'table' then
    return tableSize(value, limit, acc, level)
  elseif t == 'function' then
    return acc + 40
  elseif t == 'nil' or t == 'boolean' then
    return acc + 1
  end
  -- CfxLua vectors answer type() with their own names; anything else (userdata, threads) packs as nil.
  local ext = VECTOR_EXT[t]
  if not ext then
    local mt = getmetatable(value)
    ext = type(mt) == 'table' and rawget(mt, '__cfx_ext')
  end
  return acc + (ext and VECTOR_BYTES[ext] or 1)
end

---Tables nested deeper than this in one request argument count as over any payload cap (TS: MAX_REQUEST_DEPTH).
local MAX_REQUEST_DEPTH = 32

---`size` for the payload cap: every level counted (no 16-level cut); a table at `depth` >= MAX_REQUEST_DEPTH is huge.
local function requestValueSize(value, limit, acc, depth)
  if acc > limit then return acc end
  if type(value) ~= 'table' then return size(value, limit, acc, 1) end
  local mt = getmetatable(value)
  local ext = type(mt) == 'table' and rawget(mt, '__cfx_ext')
  if (ext and VECTOR_BYTES[ext]) or rawget(value, '__cfx_functionReference') ~= nil then return size(value, limit, acc, 1) end
  if depth >= MAX_REQUEST_DEPTH then return math.huge end
  return entriesSize(value, limit, acc, 1, requestValueSize, depth + 1)
end

---Adds `count` values `list[first ...]` to 0, stopping past `limit`: strings and integers, the usual arguments,
---here (no call per argument), anything else through `other(value, limit, acc, depth)`.
---@param list table
---@param first integer
---@param count integer
---@param limit number
---@param other fun(value: any, limit: number, acc: number, depth: integer): number
---@param depth integer
---@return number
local function sum(list, first, count, limit, other, depth)
  local acc = 0
  for i = first, first + count - 1 do
    if acc > limit then break end
    local v = list[i]
    local mt = mtype(v)
    if mt == 'integer' then
      acc = acc + integerBytes(v)
    elseif mt == nil and type(v) == 'string' then
      local n = #v
      acc = acc + n + (n < 32 and 1 or n < 0x10000 and 3 or 5)
    else
      acc = other(v, limit, acc, depth)
    end
  end
  return acc
end

---The size of `count` received request arguments `list[first ...]`, for the payload cap. Unlike `list` (what
---lua-cmsgpack writes, which stops at 16 levels) it counts every level: a client can send content nested deeper
---(the cap was bypassed at 17 levels). An argument nested deeper than MAX_REQUEST_DEPTH tables is over any cap.
---@param list table
---@param first integer
---@param count integer
---@param limit number
---@return number
function M.request(list, first, count, limit)
  return sum(list, first, count, limit, requestValueSize, 0)
end

---Encoded size of one value sent as an event argument.
---@param value any
---@param limit? number
---@return number
function M.of(value, limit)
  return size(value, limit or huge, 0, 1)
end

---Total encoded size of `count` values `list[first ...]` sent as event arguments (without the list's header).
---@param list table
---@param first integer
---@param count integer
---@param limit? number
---@return number
function M.list(list, first, count, limit)
  return sum(list, first, count, limit or huge, size, 1)
end

---Encoded size of a string (a callback's name, a sender's).
---@param s string
---@return integer
function M.str(s)
  local n = #s
  return n + (n < 32 and 1 or n < 0x10000 and 3 or 5)
end

return M
