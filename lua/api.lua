-- callback_bridge Lua twin: the native Lua API (contract §3), over one engine running inside this resource.
-- import.lua puts these functions in the including resource as globals and in the `CallbackBridge` table.
--
-- Every trigger form takes the callback's NAME either as a string or as a table with per-call options:
--   TriggerServerCallback({ name = 'shop:buy', timeout = 5000, retries = 2, backoff = 250 }, cb, ...)
-- (a trailing timeout number is not supported: it cannot be told apart from an argument).
-- Failures: the cb forms get `(nil, message, timedOut)`; the await forms return `nil, message`.
local use = ...
local validation = use('validation')
local outcome = use('outcome')
local nameAndOptions = use('callspec').nameAndOptions

local pack, type = table.pack, type

---@param engine CallbackEngine
---@return table<string, function>
return function(engine)
  local transport = engine.transport
  local isServer = transport.side == 'server'
  local api = {}

  ---A `done` that hands the outcome to `cb` in its own thread (it may Wait; its errors are its own).
  local function toCallback(cb)
    return function(ok, a, b, c)
      if cb == nil then
        if not ok then transport.log('warn', ('%s (no callback was given to hear it)'):format(b)) end
        return
      end
      outcome.deliver(transport, cb, ok, a, b, c)
    end
  end

  ---Starts a call whose outcome goes to `cb`. Raises at the script's line (level 3) on bad arguments.
  local function trigger(target, spec, cb, ...)
    local name, options = nameAndOptions(spec)
    if not name then error(options, 3) end
    if cb ~= nil and type(cb) ~= 'function' and type(cb) ~= 'table' then error('cb must be a function', 3) end
    engine:call(target, name, pack(...), options, toCallback(cb))
  end

  ---Starts a call with `start(done)` and waits in the calling thread: the values, or `nil, message`.
  local awaitCall = outcome.await

  ---Waits in the calling thread: the values, or `nil, message`. The caller checked `name` and `options`.
  local function await(target, name, options, ...)
    local args = pack(...)
    return awaitCall(function(done) engine:call(target, name, args, options, done) end)
  end

  ---A register function for handlers of `style` ('cb': the handler answers through a cb; 'return': it returns the
  ---reply values and may yield). Not a tail call: engine:register raises at the script's line (level 3).
  local function registerAs(style)
    return function(name, handler, options)
      local ok = engine:register(name, style, handler, options)
      return ok
    end
  end

  ---`handler(...)` returns the reply values (on the server `handler(source, ...)`); it may yield.
  api.RegisterCallback = registerAs('return')

  ---Removes a callback this resource registered.
  ---@param name string
  ---@return boolean
  function api.UnregisterCallback(name) return engine:unregister(name) end

  ---Whether this resource serves `name`.
  ---@param name string
  ---@return boolean
  function api.DoesCallbackExist(name) return engine.handlers[name] ~= nil end

  ---The seed's shared validator.
  ---@param data any
  ---@param schema { required?: string[], types?: table<string, string> }
  ---@return { valid: boolean, errors: string[] }
  function api.ValidateCallbackData(data, schema)
    if type(schema) ~= 'table' then error('ValidateCallbackData(data, schema): schema must be a table', 2) end
    return validation.validate(data, schema)
  end

  if isServer then
    ---`handler(source, cb, ...)`; `cb(...)` sends the reply, the first call wins.
    api.RegisterServerCallback = registerAs('cb')

    ---Seed `utils.callbacks` style: `handler(source, data, cb)`.
    function api.register_callback(name, handler)
      if type(handler) ~= 'function' then error('register_callback(name, handler): handler must be a function', 2) end
      local ok = engine:register(name, 'cb', function(source, cb, data) return handler(source, data, cb) end)
      return ok
    end

    ---`cb(...)` with the client's values; on failure `cb(nil, message, timedOut)`.
    function api.TriggerClientCallback(playerId, name, cb, ...)
      local player = tonumber(playerId)
      if not player then error('TriggerClientCallback(playerId, name, cb, ...): playerId must be a number', 2) end
      trigger(math.tointeger(player) or player, name, cb, ...)
    end

    ---Waits for a client callback: its values, or `nil, message`.
    function api.AwaitClientCallback(playerId, spec, ...)
      local player = tonumber(playerId)
      if not player then error('AwaitClientCallback(playerId, name, ...): playerId must be a number', 2) end
      local name, options = nameAndOptions(spec)
      if not name then error(options, 2) end
      return await(math.tointeger(player) or player, name, options, ...)
    end
  else
    ---`cb(...)` with the server's values; on failure `cb(nil, message, timedOut)`.
    function api.TriggerServerCallback(name, cb, ...) trigger(0, name, cb, ...) end

    ---Waits for a server callback: its values, or `nil, message`.
    function api.TriggerServerCallbackPromise(spec, ...)
      local name, options = nameAndOptions(spec)
      if not name then error(options, 2) end
      return await(0, name, options, ...)
    end

    ---`handler(cb, ...)`; `cb(...)` sends the reply, the first call wins.
    api.RegisterClientCallback = registerAs('cb')

    ---Seed `utils.callbacks` style: `cb(response)`.
    function api.trigger_callback(name, data, cb) trigger(0, name, cb, data) end
  end

  ---A call queue (lua/queue.lua): `CreateQueue({ concurrency = 2, maxQueued? = n })`, then
  ---`q:TriggerServerCallback({ name = 'x', priority = 5 }, cb, ...)` and the other trigger forms, with the same
  ---name tables and outcomes as the plain ones; `q:Size()`, `q:Running()`, `q:Clear()`.
  api.CreateQueue = use('queue').creator(engine, nameAndOptions, toCallback, awaitCall)

  return api
end
