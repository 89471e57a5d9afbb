-- Our CfxLua runtime, part 9 of 9: `json.decode` (see json.lua for the encoder), after lua-rapidjson with FiveM's
-- defaults: JSON null → nil unless a `null` value is given; integers → Lua integers (beyond 64 bits: floats),
-- other numbers → floats; objects and arrays get the shared metatables `{ __jsontype = 'object' | 'array' }`;
-- bad input → nil, offset, "<rapidjson message> (<offset>)"; trailing text after the value is an error.
local R = ...
local rawtype = R.rawtype
local setmetatable, tostring, tonumber, pcall, error = setmetatable, tostring, tonumber, pcall, error
local concat, tointeger, utf8char = table.concat, math.tointeger, utf8.char
local objectMeta, arrayMeta = R.jsonMeta.object, R.jsonMeta.array

local decodeValue

local function fail(msg, at)
  error({ decodeError = msg, at = at }, 0)
end

local function skip(s, i)
  return (s:find('[^ \t\r\n]', i)) or (#s + 1)
end

local function decodeString(s, i) -- i at the opening quote
  local parts, j = {}, i + 1
  while true do
    local a, b = s:find('["\\%z\1-\31]', j)
    if not a then fail('Missing a closing quotation mark in string.', #s) end
    parts[#parts + 1] = s:sub(j, a - 1)
    local c = s:sub(a, a)
    if c == '"' then return concat(parts), a + 1 end
    if c ~= '\\' then fail('Invalid encoding in string.', a - 1) end
    local e = s:sub(a + 1, a + 1)
    local simple = ({ ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' })[e]
    if simple then
      parts[#parts + 1] = simple
      j = a + 2
    elseif e == 'u' then
      local hex = s:match('^%x%x%x%x', a + 2)
      if not hex then fail('Incorrect hex digit after \\u escape in string.', a + 1) end
      local cp = tonumber(hex, 16)
      j = a + 6
      if cp >= 0xD800 and cp <= 0xDBFF then
        local lo = s:match('^\\u(%x%x%x%x)', j)
        local low = lo and tonumber(lo, 16)
        if not low or low < 0xDC00 or low > 0xDFFF then fail('The surrogate pair in string is invalid.', j - 1) end
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)
        j = j + 6
      end
      parts[#parts + 1] = utf8char(cp)
    else
      fail('Invalid escape character in string.', a)
    end
  end
end

local function decodeNumber(s, i)
  local num = s:match('^-?%d+%.?%d*[eE]?[-+]?%d*', i)
  if not num or not num:match('^-?%d') then fail('Invalid value.', i - 1) end
  if num:match('^-?0%d') then num = num:match('^-?0') end
  if num:find('%.$') or num:find('%.[eE]') then fail('Miss fraction part in number.', i - 1 + #num) end
  if num:find('[eE][-+]?$') then fail('Miss exponent in number.', i - 1 + #num) end
  -- integers beyond 64 bits become floats, like rapidjson's Double fallback
  local n = (not num:find('[.eE]')) and tointeger(tonumber(num)) or tonumber(num) + 0.0
  return n, i + #num
end

decodeValue = function(s, i, nullValue)
  i = skip(s, i)
  local c = s:sub(i, i)
  if c == '{' then
    local t = setmetatable({}, objectMeta)
    i = skip(s, i + 1)
    if s:sub(i, i) == '}' then return t, i + 1 end
    while true do
      if s:sub(i, i) ~= '"' then fail('Missing a name for object member.', i - 1) end
      local key
      key, i = decodeString(s, i)
      i = skip(s, i)
      if s:sub(i, i) ~= ':' then fail('Missing a colon after a name of object member.', i - 1) end
      t[key], i = decodeValue(s, i + 1, nullValue)
      i = skip(s, i)
      local d = s:sub(i, i)
      if d == '}' then return t, i + 1 end
      if d ~= ',' then fail("Missing a comma or '}' after an object member.", i - 1) end
      i = skip(s, i + 1)
    end
  elseif c == '[' then
    local t, n = setmetatable({}, arrayMeta), 0
    i = skip(s, i + 1)
    if s:sub(i, i) == ']' then return t, i + 1 end
    while true do
      n = n + 1
      t[n], i = decodeValue(s, i, nullValue)
      i = skip(s, i)
      local d = s:sub(i, i)
      if d == ']' then return t, i + 1 end
      if d ~= ',' then fail("Missing a comma or ']' after an array element.", i - 1) end
      i = i + 1
    end
  elseif c == '"' then return decodeString(s, i)
  elseif s:sub(i, i + 3) == 'true' then return true, i + 4
  elseif s:sub(i, i + 4) == 'false' then return false, i + 5
  elseif s:sub(i, i + 3) == 'null' then return nullValue, i + 4
  elseif c == '' then fail('Invalid value.', i - 1)
  end
  return decodeNumber(s, i)
end

---@param s string
---@param pos? integer
---@param nullValue? any what JSON null becomes (default nil)
---@return any value, integer next, string? error
function json.decode(s, pos, nullValue)
  if s == nil or s == '' then return nil, 0, 'The document is empty. (0)' end
  if rawtype(s) ~= 'string' and rawtype(s) ~= 'number' then
    error(("bad argument #1 to 'decode' (string expected, got %s)"):format(rawtype(s)), 2)
  end
  s = tostring(s)
  pos = pos or 1
  if pos < 1 or pos > #s then error('invalid position', 2) end
  local ok, value, after = pcall(function()
    if skip(s, pos) > #s then fail('The document is empty.', #s) end
    local v, j = decodeValue(s, pos, nullValue)
    j = skip(s, j)
    if j <= #s then fail('The document root must not be followed by other values.', j - 1) end
    return v, j
  end)
  if ok then return value, after end
  if rawtype(value) ~= 'table' or not value.decodeError then error(value, 0) end
  return nil, value.at, ('%s (%d)'):format(value.decodeError, value.at)
end

