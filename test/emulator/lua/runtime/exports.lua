-- Our CfxLua runtime, part 7 of 9: `exports` (ref §5.1).
--
--   * `exports('name', fn)` adds a local handler for `__cfx_export_<thisResource>_name` that hands `fn` to the
--     callback it receives (`setCB(fn)`); manifest `server_export`/`export` entries do the same with the global;
--   * `exports.res.name` is resolved on first access through TriggerEvent('__cfx_export_res_name', setter) and
--     cached per (resource, name); a missing export raises `No such export name in resource res` right there;
--   * the value is `function(self, ...)`, so the colon call `exports.res:name(...)` is mandatory;
--   * an error in the callee is re-raised as "^5 An error occurred while calling export ..." (the callee printed
--     the original);
--   * the cache of a resource is emptied when `on(Server|Client)ResourceStop` for it arrives (a queued event).
local R = ...
local rawtype = R.rawtype
local setmetatable, pcall, error, tostring, select = setmetatable, pcall, error, tostring, select

---@param resource any
---@param name any
---@return string
local function exportEvent(resource, name)
  if resource == 'txAdmin' then resource = 'monitor' end
  return ('__cfx_export_%s_%s'):format(resource, name)
end

---@type table<any, table<string, any>> resource -> export name -> funcref
local cache = {}

local watchStops
watchStops = function()
  watchStops = function() end
  AddEventHandler(R.isServer and 'onServerResourceStop' or 'onClientResourceStop', function(resource)
    cache[resource] = {}
  end)
end

---Manifest exports: the global of that name, if any, when someone asks.
do
  local resource = GetCurrentResourceName()
  local key = R.isServer and 'server_export' or 'export'
  local count = GetNumResourceMetadata and GetNumResourceMetadata(resource, key) or 0
  for i = 0, count - 1 do
    local name = GetResourceMetadata(resource, key, i)
    AddEventHandler(exportEvent(resource, name), function(setCB)
      if _G[name] then setCB(_G[name]) end
    end)
  end
end

---Indents every line of an error message by two spaces.
---@param text any
---@return string
local function indent(text)
  text = tostring(text)
  if #text == 0 then return text end
  return '  ' .. (text:gsub('\n(.)', '\n  %1'))
end

---Returns the results of a successful export call, or raises the wrapped error.
local function finish(resource, name, ok, ...)
  if not ok then
    local text = tostring((select(1, ...)))
    if #text > 2048 then
      text = text:sub(1, 1024) .. '\n... [large output partially truncated] ...\n' .. text:sub(-1024)
    end
    error(('\n^5 An error occurred while calling export `%s` in resource `%s`:\n%s\n^5 ---'):format(name, resource, indent(text)), 2)
  end
  return ...
end

---The proxy for one resource: indexing it resolves an export.
---@param resource any
---@return table
local function resourceProxy(resource)
  return setmetatable({}, {
    __index = function(_, name)
      watchStops()
      if not name or rawtype(name) ~= 'string' then error('Invalid export name: ' .. tostring(name), 2) end
      if not cache[resource] then cache[resource] = {} end
      if not cache[resource][name] then
        TriggerEvent(exportEvent(resource, name), function(fn)
          cache[resource][name] = fn
        end)
        if not cache[resource][name] then
          error('No such export ' .. name .. ' in resource ' .. tostring(resource), 2)
        end
      end
      return function(self, ...)
        return finish(resource, name, pcall(cache[resource][name], ...))
      end
    end,
    __newindex = function()
      error('cannot set values on an export resource', 2)
    end,
  })
end

exports = setmetatable({}, {
  __index = function(_, resource)
    return resourceProxy(resource)
  end,
  __newindex = function()
    error('cannot set values on exports', 2)
  end,
  ---`exports('name', fn)`: this resource now exports `fn` as `name`.
  __call = function(_, name, fn)
    AddEventHandler(exportEvent(GetCurrentResourceName(), name), function(setCB)
      setCB(fn)
    end)
  end,
})
