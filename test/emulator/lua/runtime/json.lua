-- Our CfxLua runtime, part 8 of 9: the `json` global, a small implementation of what FiveM's lua-rapidjson
-- (citizenfx/lua-rapidjson@grit, with FiveM's defaults) does for the common cases:
--   encode: nil → null; integers as integers; floats in rapidjson's shortest form with at most 14 decimals
--           ("1.0", "0.1", "1e21"), NaN/±inf → null; `{}` → [] but a decoded object stays {}; a table whose keys
--           are all positive integers is an array, holes allowed (as null) while the largest key is < 11 or at
--           least half the keys exist (`n` = length counts, as table.pack makes); any other table is an object in
--           `next` order, integer and float keys written as strings; vectors as {"x":..,...}; `__tojson` honoured;
--           more than 32 nested tables → error "maximum table nesting depth exceeded".
--   decode: in json-decode.lua.
-- Not emulated: `__jsonorder`, `keyorder`, the `exception` handler, the extended decoder preset.
local R = ...
local rawtype = R.rawtype
local next, getmetatable, setmetatable, rawget, tostring = next, getmetatable, setmetatable, rawget, tostring
local fmt, concat, tointeger, mtype, huge = string.format, table.concat, math.tointeger, math.type, math.huge
local sort = table.sort

json = { _NAME = 'lua-rapidjson', _VERSION = 'lua-rapidjson 1.2.0' }
json.version = json._VERSION
local objectMeta, arrayMeta = { __jsontype = 'object' }, { __jsontype = 'array' }
local function null() return null end
json.null = null

---@type table<string, boolean|integer>
local options = { empty_table_as_array = true, with_hole = true, null = true, nan = true, sort_keys = false,
  pretty = false, max_depth = 32, decimal_count = 14 }
local ALIASES = { indent = 'pretty', inf = 'nan', level = 'indent_count' }
local KNOWN = { unsigned = true, bit32 = true, lua_format_float = true, lua_round_float = true, single_line = true,
  nesting = true, indent_char = true, indent_count = true, decoder_preset = true }

local function optionName(name, fname)
  local key = ALIASES[name] or name
  if options[key] == nil and not KNOWN[key] then
    error(("bad argument #1 to '%s' (invalid option '%s')"):format(fname, tostring(name)), 3)
  end
  return key
end
function json.setoption(name, value) options[optionName(name, 'setoption')] = value end
function json.getoption(name) return options[optionName(name, 'getoption')] end
function json.object(t) return setmetatable(t or {}, objectMeta) end
function json.array(t) return setmetatable(t or {}, arrayMeta) end
function json.isobject(t) local mt = getmetatable(t); return mt ~= nil and rawget(mt, '__jsontype') == 'object' end
function json.isarray(t) local mt = getmetatable(t); return mt ~= nil and rawget(mt, '__jsontype') == 'array' end

---rapidjson's dtoa: shortest round-trip digits, placed the way its Prettify does.
---@param d number
---@return string
local function formatFloat(d)
  if d ~= d or d == huge or d == -huge then return 'null' end
  if d == 0 then return (1 / d < 0) and '-0.0' or '0.0' end
  local sign = d < 0 and '-' or ''
  if d < 0 then d = -d end
  local s
  for p = 0, 16 do
    s = fmt('%.' .. p .. 'e', d)
    if tonumber(s) == d then break end
  end
  local int, frac, e = s:match('^(%d)%.?(%d*)e([-+]%d+)$')
  local digits = (int .. frac):gsub('0+$', '')
  local len, maxDec = #digits, options.decimal_count
  local kk = tonumber(e) + 1 -- 10^(kk-1) <= d < 10^kk
  local k = kk - len
  local function trimmed(fraction) -- cut to maxDec decimals, drop trailing zeros but keep one digit
    if #fraction <= maxDec then return fraction end
    fraction = fraction:sub(1, maxDec):gsub('0+$', '')
    return fraction == '' and '0' or fraction
  end
  if k >= 0 and kk <= 21 then return sign .. digits .. ('0'):rep(k) .. '.0' end
  if kk > 0 and kk <= 21 then return sign .. digits:sub(1, kk) .. '.' .. trimmed(digits:sub(kk + 1)) end
  if kk > -6 and kk <= 0 then return sign .. '0.' .. trimmed(('0'):rep(-kk) .. digits) end
  if kk < -maxDec then return sign .. '0.0' end
  local mantissa = len == 1 and digits or (digits:sub(1, 1) .. '.' .. digits:sub(2))
  return sign .. mantissa .. 'e' .. tostring(kk - 1)
end

local ESCAPES = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function quote(s)
  return '"' .. s:gsub('[%z\1-\31"\\]', function(c) return ESCAPES[c] or fmt('\\u%04X', c:byte()) end) .. '"'
end

local function typeError(v)
  error(fmt("type '%s' is not supported by JSON\n", rawtype(v)), 0)
end

---Array length if `t` is encoded as a JSON array, else nil (lua-rapidjson's table_is_json_array).
local function arrayLength(t)
  local count, max, n = 0, 0, 0
  for k, v in next, t do
    if mtype(k) == 'integer' and k >= 1 then
      count = count + 1
      if k > max then max = k end
    elseif k == 'n' and mtype(v) == 'integer' and v >= 1 then
      n = v
      if v > max then max = v end
    else
      return nil
    end
  end
  local mt = getmetatable(t)
  local jsontype = rawtype(mt) == 'table' and rawget(mt, '__jsontype') or nil
  if max == 0 and jsontype ~= nil and jsontype ~= 'array' then return nil end
  if max == count then return (max > 0 or options.empty_table_as_array) and max or nil end
  if options.with_hole and (max < 11 or max <= n or count >= (max >> 1)) then return max end
  return nil
end

local encodeValue

local function encodeKey(k)
  local t = rawtype(k)
  if t == 'string' then return quote(k) end
  if mtype(k) == 'integer' then return '"' .. fmt('%d', k) .. '"' end
  if t == 'number' then
    local s = formatFloat(k)
    return '"' .. (s == 'null' and (k ~= k and 'NaN' or (k > 0 and 'Infinity' or '-Infinity')) or s) .. '"'
  end
  error(fmt("type '%s' is not supported as a keyorder by JSON\n", t), 0)
end

local function encodeTable(t, depth, out, pad)
  if depth > options.max_depth then error('maximum table nesting depth exceeded', 0) end
  local mt = getmetatable(t)
  if rawtype(mt) == 'table' then
    local ext = rawget(mt, '__cfx_ext')
    if ext and ext >= 20 and ext <= 23 then -- a vector: {"x":..,"y":..[,"z":..[,"w":..]]}
      local parts = {}
      for i, key in ipairs({ 'x', 'y', 'z', 'w' }) do
        if rawget(t, key) == nil then break end
        parts[i] = '"' .. key .. '":' .. formatFloat(rawget(t, key) + 0.0)
      end
      out[#out + 1] = '{' .. concat(parts, ',') .. '}'
      return
    end
    local tojson = rawget(mt, '__tojson')
    if tojson ~= nil then
      local s = rawtype(tojson) == 'function' and tojson(t) or error('Invalid __tojson function', 0)
      out[#out + 1] = rawtype(s) == 'string' and s or error('Invalid __tojson result', 0)
      return
    end
  end
  local inner = pad and (pad .. '    ')
  local nl = pad and ('\n' .. inner) or ''
  local len = arrayLength(t)
  if len then
    if len == 0 then out[#out + 1] = '[]' return end
    out[#out + 1] = '['
    for i = 1, len do
      out[#out + 1] = (i > 1 and ',' or '') .. nl
      encodeValue(rawget(t, i), depth, out, inner)
    end
    out[#out + 1] = (pad and ('\n' .. pad) or '') .. ']'
    return
  end
  local keys = {}
  for k in next, t do keys[#keys + 1] = k end
  if options.sort_keys then sort(keys, function(a, b) return tostring(a) < tostring(b) end) end
  if #keys == 0 then out[#out + 1] = '{}' return end
  out[#out + 1] = '{'
  for i, k in ipairs(keys) do
    out[#out + 1] = (i > 1 and ',' or '') .. nl .. encodeKey(k) .. (pad and ': ' or ':')
    encodeValue(rawget(t, k), depth, out, inner)
  end
  out[#out + 1] = (pad and ('\n' .. pad) or '') .. '}'
end

encodeValue = function(v, depth, out, pad)
  local t = rawtype(v)
  if v == nil or v == null then out[#out + 1] = 'null'
  elseif t == 'boolean' then out[#out + 1] = v and 'true' or 'false'
  elseif t == 'number' then out[#out + 1] = mtype(v) == 'integer' and fmt('%d', v) or formatFloat(v)
  elseif t == 'string' then out[#out + 1] = quote(v)
  elseif t == 'table' then encodeTable(v, depth + 1, out, pad)
  else typeError(v) end
end

---@param value any
---@param state? { indent?: boolean, pretty?: boolean }
---@return string
function json.encode(value, state)
  if state ~= nil and rawtype(state) ~= 'table' then error('Argument 2: table or nothing expected', 2) end
  local pretty = options.pretty or (state and (state.indent or state.pretty))
  local out = {}
  encodeValue(value, 0, out, pretty and '' or nil)
  return concat(out)
end

R.jsonMeta = { object = objectMeta, array = arrayMeta }
R.loaded.json = json
