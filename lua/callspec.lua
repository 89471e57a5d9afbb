-- callback_bridge Lua twin: what every Lua trigger form is given besides its arguments (contract §3): the callback's
-- NAME, either a string or a table carrying per-call options,
--   { name = 'shop:buy', timeout = 5000, retries = 2, backoff = 250 }
-- and an optional cb. The native API (lua/api.lua) and the adapter pieces (adapters/<family>/import.lua) read them
-- by this one rule.

local type = type

local M = {}

local NO_OPTIONS = {}
local OPTION_KEYS = { 'timeout', 'retries', 'backoff' }

---The name and call options of a trigger's first argument, or nil and why not.
---@param spec string|{ name: string, timeout?: number, retries?: integer, backoff?: number }
---@param noun? string what the API calls a callback's name in its message ('name' unless told: KOJA says 'key')
---@return string|nil name
---@return CallOptions|string options (shared and empty for a plain string: never written to), or the reason
function M.nameAndOptions(spec, noun)
  if type(spec) == 'string' and spec ~= '' then return spec, NO_OPTIONS end
  if type(spec) ~= 'table' or type(spec.name) ~= 'string' or spec.name == '' then
    return nil, ('callback %s must be a non-empty string or { name = string, timeout? = ms, retries? = n, backoff? = ms }')
      :format(noun or 'name')
  end
  for _, key in ipairs(OPTION_KEYS) do
    local v = spec[key]
    if v ~= nil and (type(v) ~= 'number' or v < 0) then
      return nil, ("callback option '%s' must be a non-negative number"):format(key)
    end
  end
  return spec.name, spec
end

---Whether `f` can be called as a cb: a function, or a table whose metatable has `__call` (a function reference).
---@param f any
---@return boolean
function M.callable(f)
  if type(f) == 'function' then return true end
  local mt = type(f) == 'table' and getmetatable(f)
  return mt and mt.__call ~= nil or false
end

return M
