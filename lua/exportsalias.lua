-- callback_bridge Lua twin: standing in for some exports of one resource inside this Lua state. An adapter piece
-- (adapters/<family>/import.lua) points `exports[resource]` at its own functions for the export names it serves;
-- every other name, and every other resource, still reaches the `exports` that was there before (the runtime's, or
-- the wrapper another piece put around it, which keeps working). Only this resource's Lua state is touched.
--
--   local previous = use('exportsalias')('koja-lib', function(name) return name == 'getSharedObject' and fn or nil end)

---Wraps `exports` so that `exports[resource]:name(...)` runs `serve(name)(...)` whenever `serve(name)` gives a
---function (asked at every lookup), else the export `previous[resource][name]`.
---@param resource string
---@param serve fun(name: string): function|nil the function to run for export `name` (without the proxy), or nil
---@return table previous the `exports` this wrapped
return function(resource, serve)
  local previous = exports
  -- One proxy table: scripts may keep `local lib = exports[resource]`.
  local proxy = setmetatable({}, {
    __index = function(_, name)
      local fn = serve(name)
      if fn then return function(_, ...) return fn(...) end end
      return previous[resource][name]
    end,
    __newindex = function() error('cannot set values on an export resource', 2) end,
  })
  exports = setmetatable({}, {
    __index = function(_, res)
      if res == resource then return proxy end
      return previous[res]
    end,
    __newindex = function() error('cannot set values on exports', 2) end,
    __call = function(_, ...) return previous(...) end,
  })
  return previous
end
