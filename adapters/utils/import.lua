-- callback_bridge adapter piece: the seed `utils.callbacks` (shared/seeds/utils-callbacks.md; the real library is
-- boii_utils, reference ox_lib-and-bridges.md §4). Loaded by @callback_bridge/import.lua into the including resource.
--
--   server  utils.callbacks.register(name, function(source, data, cb) cb(response) end, options?)
--   client  utils.callbacks.trigger(name, data, function(response) end)
--           utils.callbacks.trigger({ name = name, timeout = ms, retries = n, backoff = ms }, data, cb)
--
-- A `utils` table that exists is extended (other fields kept); otherwise it is created. Every failure (a missing or
-- unregistered callback, a timeout, a refused or failed handler) is logged here, as the seed promises, and the
-- caller hears back: cb(nil, message, timedOut). The original never answered a missing name (ref §4).

local pack, type = table.pack, type

---@param CallbackBridge table
---@param engine CallbackEngine
---@param use fun(name: string): any loads lua/<name>.lua of the twin
return function(CallbackBridge, engine, use)
  local callspec, outcome = use('callspec'), use('outcome')
  local callable = callspec.callable
  local transport = engine.transport
  local callbacks = {}

  if transport.side == 'server' then
    ---@param name string
    ---@param handler fun(source: integer, data: any, cb: fun(...))
    ---@param options? table registration options (timeout, rateLimit, maxPayload, validate, permission, latent)
    ---@return boolean registered false when another resource owns the name (warned)
    function callbacks.register(name, handler, options)
      if not callable(handler) then error('utils.callbacks.register(name, handler): handler must be a function', 2) end
      local ok = engine:register(name, 'cb', function(source, cb, data) return handler(source, data, cb) end, options)
      return ok
    end
  else
    ---@param spec string|{ name: string, timeout?: number, retries?: integer, backoff?: number }
    ---@param data any
    ---@param cb? fun(...) the handler's values, or (nil, message, timedOut)
    function callbacks.trigger(spec, data, cb)
      local name, options = callspec.nameAndOptions(spec)
      if not name then error(options, 2) end
      if cb ~= nil and not callable(cb) then error('utils.callbacks.trigger(name, data, cb): cb must be a function', 2) end
      engine:call(0, name, pack(data), options, function(ok, a, b, c)
        if not ok then transport.log('warn', ('utils.callbacks: %s'):format(b)) end
        if cb == nil then return end
        -- In its own thread: the response function may Wait, and its errors are its own.
        outcome.deliver(transport, cb, ok, a, b, c)
      end)
    end
  end

  if type(utils) ~= 'table' then utils = {} end
  if type(utils.callbacks) ~= 'table' then utils.callbacks = {} end
  for key, fn in pairs(callbacks) do utils.callbacks[key] = fn end
end
