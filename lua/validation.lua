-- callback_bridge Lua twin: the seed's table validator `{ required = {...}, types = {...} }`.
-- Twin of validateData in src/core/validation.ts: same rules, same error texts, checked by test/vectors/validation.json.

local type, rawget, pairs, tostring, sort = type, rawget, pairs, tostring, table.sort

local M = {}

---The type name the rules use: Lua's, except that a function reference (a table that crossed the network) is a
---'function', as the TS side sees it. CfxLua vectors keep their own names ('vector3').
---@param value any
---@return string
function M.typeOf(value)
  local t = type(value)
  if t == 'table' and rawget(value, '__cfx_functionReference') ~= nil then return 'function' end
  return t
end
local typeOf = M.typeOf

---Whether the keys of table `t` are exactly 1..N: what msgpack sends as an array (a JS Array on the other side).
---`{}` is an array too, as msgpack sends it.
---@param t table
---@return boolean
function M.isArray(t)
  local count = 0
  for k in pairs(t) do
    if math.type(k) ~= 'integer' or k < 1 then return false end
    count = count + 1
  end
  return count == #t
end

---Whether `value` satisfies the expected type name; `integer`, `array` and `object` refine number and table.
local function typeMatches(expected, value)
  local actual = typeOf(value)
  if expected == 'any' then return actual ~= 'nil' end
  -- JS has no integer type, so an integral float counts (x % 1 is NaN for ±inf and NaN).
  if expected == 'integer' then return actual == 'number' and value % 1 == 0 end
  if expected == 'array' then return actual == 'table' and M.isArray(value) end
  if expected == 'object' then return actual == 'table' and not M.isArray(value) end
  return actual == expected
end

---@class ValidationResult
---@field valid boolean
---@field errors string[]

---The seed's validator: `data` must be a table; every `required` key present; every key of `types` (when present)
---of that type. Returns every problem, not just the first. A Lua table has no key order, so the `types` errors come
---in sorted key order (byte order of UTF-8, i.e. code points; the TS validator sorts the same way).
---@param data any
---@param schema { required?: string[], types?: table<string, string> }
---@return ValidationResult
---@usage ValidateCallbackData({ action = 'buy' }, { required = { 'action', 'amount' }, types = { amount = 'number' } })
---  --> { valid = false, errors = { "missing required field 'amount'" } }
function M.validate(data, schema)
  if type(data) ~= 'table' or typeOf(data) == 'function' then
    return { valid = false, errors = { 'data must be a table (got ' .. typeOf(data) .. ')' } }
  end
  local errors = {}
  local required = schema.required
  if type(required) == 'table' then
    for i = 1, #required do
      local key = required[i]
      if data[key] == nil then errors[#errors + 1] = "missing required field '" .. tostring(key) .. "'" end
    end
  end
  local types = schema.types
  if type(types) == 'table' then
    local keys = {}
    for key in pairs(types) do keys[#keys + 1] = key end
    sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for i = 1, #keys do
      local key = keys[i]
      local expected, value = types[key], data[key]
      if value ~= nil and not typeMatches(expected, value) then
        errors[#errors + 1] = "field '" .. tostring(key) .. "' must be " .. tostring(expected) .. ' (got ' .. typeOf(value) .. ')'
      end
    end
  end
  return { valid = #errors == 0, errors = errors }
end

return M
