-- callback_bridge Lua twin: the msgpack size of values, estimated without encoding them and stopping as soon as a
-- limit is passed. Twin of src/core/payload-size.ts; the payload cap and the latent threshold are checked on it.

local type, mtype, pairs, rawget = type, math.type, pairs, rawget

local M = {}

---Bytes a msgpack header takes for a string, array or map of `n` items.
local function header(n, small)
  if n < small then return 1 elseif n < 0x10000 then return 3 end
  return 5
end

local size

---Adds the size of a table (array when its keys are exactly 1..N, as lua-cmsgpack decides, else a map).
local function tableSize(t, limit, acc, depth)
  local count, maxKey, keyBytes, valueBytes = 0, 0, 0, 0
  local array = true
  for k, v in pairs(t) do
    count = count + 1
    if array and mtype(k) == 'integer' and k >= 1 then
      if k > maxKey then maxKey = k end
    else
      array = false
    end
    keyBytes = size(k, limit, keyBytes, depth + 1)
    valueBytes = size(v, limit, valueBytes, depth + 1)
    if acc + keyBytes + valueBytes > limit then return acc + keyBytes + valueBytes end
  end
  if array and maxKey == count then return acc + header(count, 16) + valueBytes end
  return acc + header(count, 16) + keyBytes + valueBytes
end

---Adds the encoded size of `value` to `acc` and returns the total, or returns as soon as it exceeds `limit`.
---Depth is capped like msgpack's own nesting limit, so a cyclic table cannot loop.
---@param value any
---@param limit number
---@param acc number
---@param depth integer
---@return number
size = function(value, limit, acc, depth)
  if acc > limit then return acc end
  local t = type(value)
  if t == 'number' then
    if mtype(value) == 'integer' and value >= -32 and value <= 127 then return acc + 1 end
    return acc + 9
  elseif t == 'string' then
    local n = #value
    return acc + n + header(n, 32)
  elseif t == 'function' then
    return acc + 40
  elseif t == 'table' then
    if rawget(value, '__cfx_functionReference') ~= nil then return acc + 40 end
    if depth > 32 then return acc + 1 end
    return tableSize(value, limit, acc, depth)
  elseif t == 'vector2' or t == 'vector3' or t == 'vector4' or t == 'quat' then
    -- CfxLua vectors travel as ext 20-23 with 4-byte floats.
    return acc + 3 + 4 * (t == 'vector2' and 2 or t == 'vector3' and 3 or 4)
  end
  return acc + 1
end

---Encoded size of one value.
---@param value any
---@param limit? number
---@return number
function M.of(value, limit)
  return size(value, limit or math.huge, 0, 0)
end

---Total encoded size of `count` values `list[first ...]` (the caller's payload).
---@param list table
---@param first integer
---@param count integer
---@param limit? number
---@return number
function M.list(list, first, count, limit)
  limit = limit or math.huge
  local acc = 0
  for i = first, first + count - 1 do
    if acc > limit then break end
    acc = size(list[i], limit, acc, 0)
  end
  return acc
end

return M
