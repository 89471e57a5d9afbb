-- callback_bridge, ox_lib family: the Lua piece @callback_bridge/import.lua loads into every resource that includes it.
--
-- 1. Every resource: its engine tries the ox wire after NOT_FOUND (wire.lua), so callers of any API reach handlers
--    registered with unmodified lib.callback.register (L1).
-- 2. A resource that included @ox_lib/init.lua BEFORE this import gets `lib.callback` aliased onto the engine (L2).
--    ox_lib loads its callback module lazily, on the first read of `lib.callback` (through lib's __index, ref
--    ox_lib-and-bridges.md §1.1); setting the field first means that module is never loaded over ours.
--
-- Semantics kept from ox_lib (§1.2, §1.5-§1.8): signatures and argument order; every value returned (exact count,
-- nils included); the client's per-name `delay` throttle (a throttled call sends nothing and returns nil, its cb is
-- never called; a non-number delay is ignored AND not sent, so `lib.callback.await('x', 'arg')` sends no argument);
-- await raises "callback '<name>' does not exist" and "callback event '<key>' timed out"; the default timeout is the
-- convar ox:callbackTimeout (300000), read once here; a handler error reaches the caller as nil (cb called with no
-- values). Gained: ids, source binding, limits, metrics, a timeout on the cb form too, immediate PLAYER_DROPPED.
-- Differences: a name registered by another resource is refused (the engine's rule: ox runs both handlers); other
-- engine failures (RATE_LIMITED, PLAYER_DROPPED, ...) raise their message in await and are logged for the cb form.
local OX = 'ox_lib'
local BRIDGE = 'callback_bridge'

local pack, unpack, type, tostring = table.pack, table.unpack, type, tostring

---Loads adapters/ox/wire.lua of the bridge into this resource.
local function loadWire()
  local path = 'adapters/ox/wire.lua'
  local source = LoadResourceFile(BRIDGE, path)
  if not source then error(('callback_bridge: cannot read %s (listed in its files?)'):format(path), 0) end
  return assert(load(source, ('@@%s/%s'):format(BRIDGE, path), 't'))()
end

local function callable(fn)
  if type(fn) == 'function' then return true end
  local mt = type(fn) == 'table' and getmetatable(fn)
  return type(mt) == 'table' and mt.__call ~= nil
end

---@param CallbackBridge table
---@param engine CallbackEngine
---@param use fun(name: string): any loads lua/<name>.lua of the twin
return function(CallbackBridge, engine, use)
  local wire = loadWire()(engine, use('errors'))
  wire.fallBack()

  local lib = rawget(_G, 'lib')
  if type(lib) ~= 'table' or GetResourceState(OX) == 'missing' then return end

  local transport = engine.transport
  local isServer = transport.side == 'server'
  local timeout = GetConvarInt('ox:callbackTimeout', 300000)
  local options = { timeout = timeout }

  -- ---- calls ----

  local seq = 0
  ---Starts a call: through the engine when its directory knows the name, else over the ox wire (an unmigrated
  ---handler: contract §2, mixed migration). `done` as engine:call's. Returns the request's key.
  local function start(target, name, args, done)
    if engine.coordinator.ownerOnOtherSide(name, target) == nil and wire.available() then
      return wire.call(target, name, args, timeout, done)
    end
    seq = seq + 1
    local key = isServer and ('%s:%d:%s'):format(name, seq, tostring(target)) or ('%s:%d'):format(name, seq)
    engine:call(target, name, args, options, done)
    return key
  end

  ---Waits for the call: its values; raises as ox does; a handler error returns nothing. Always tail-called by the
  ---public functions, so level 2 is the script's line.
  local function await(target, name, args)
    local p = promise.new()
    local key = start(target, name, args, function(ok, a, b, c)
      if ok then p:resolve(pack(unpack(a, b, b + c - 1))) else p:resolve({ failed = a, message = b }) end
    end)
    local r = Citizen.Await(p)
    if not r.failed then return unpack(r, 1, r.n) end
    if r.failed == 'HANDLER_ERROR' then return end
    if r.failed == 'NOT_FOUND' then error(("callback '%s' does not exist"):format(name), 2) end
    if r.failed == 'TIMEOUT' then error(("callback event '%s' timed out"):format(key), 2) end
    error(r.message, 2)
  end

  ---The cb form: values to cb in a thread of its own; a handler error calls cb with nothing; other failures logged.
  local function withCallback(target, name, cb, args)
    local key
    key = start(target, name, args, function(ok, a, b, c)
      if ok then
        transport.threadNow(function() cb(unpack(a, b, b + c - 1)) end)
      elseif a == 'HANDLER_ERROR' then
        transport.threadNow(function() cb() end)
      elseif a == 'NOT_FOUND' then
        transport.log('error', ("callback '%s' does not exist"):format(name))
      elseif a == 'TIMEOUT' then
        transport.log('warn', ("callback event '%s' timed out"):format(key))
      else
        transport.log('warn', tostring(b))
      end
    end)
  end

  local function noCallbackWarning(name)
    transport.log('warn', ("callback event '%s' does not have a function to callback to and will instead await"):format(name))
  end

  -- The checks below raise at the script's line: they are called straight from the public functions.
  local function checkName(name)
    if type(name) ~= 'string' then error(("expected argument 1 to have type 'string' (received %s)"):format(type(name)), 3) end
  end

  local function checkCallback(cb)
    if not callable(cb) then error(("expected argument 3 to have type 'function' (received %s)"):format(type(cb)), 3) end
  end

  local alias = {}
  if isServer then
    local function target(playerId)
      if not DoesPlayerExist(tostring(playerId)) then error(("target playerId '%s' does not exist"):format(tostring(playerId)), 3) end
      local id = tonumber(playerId)
      return math.tointeger(id) or id
    end
    function alias.await(name, playerId, ...)
      checkName(name)
      return await(target(playerId), name, pack(...))
    end
    setmetatable(alias, { __call = function(_, name, playerId, cb, ...)
      checkName(name)
      if not cb then
        noCallbackWarning(name)
        return await(target(playerId), name, pack(...))
      end
      checkCallback(cb)
      withCallback(target(playerId), name, cb, pack(...))
    end })
  else
    local timers = {}
    ---ox's per-name throttle (§1.5): only a positive number throttles; stamped when the call is sent.
    local function throttled(name, delay)
      if type(delay) ~= 'number' or delay <= 0 then return false end
      local now = GetGameTimer()
      if (timers[name] or 0) > now then return true end
      timers[name] = now + delay
      return false
    end
    function alias.await(name, delay, ...)
      checkName(name)
      if throttled(name, delay) then return end
      return await(0, name, pack(...))
    end
    setmetatable(alias, { __call = function(_, name, delay, cb, ...)
      checkName(name)
      if not cb then
        noCallbackWarning(name)
        if throttled(name, delay) then return end
        return await(0, name, pack(...))
      end
      checkCallback(cb)
      if throttled(name, delay) then return end
      withCallback(0, name, cb, pack(...))
    end })
  end

  -- ---- registration ----

  local mine = {}
  local function setValid(name)
    -- While ox_lib runs, or the bridge stands in for it; otherwise there is nobody to tell (pcall: no such export).
    pcall(function() exports[OX]:setValidCallback(name, true) end)
  end
  local watching = false
  local function watch()
    if watching then return end
    watching = true
    -- The bridge (re)attached: it asks which names we answer ourselves.
    transport.onLocal('cbb:ox:hello', function(invoker)
      if invoker ~= BRIDGE then return end
      for name in pairs(mine) do TriggerEvent('cbb:ox:self', name, true) end
    end)
    -- ox_lib restarted with an empty registry (§1.9): claim our names again.
    AddEventHandler(isServer and 'onServerResourceStart' or 'onClientResourceStart', function(resource)
      if resource ~= OX then return end
      for name in pairs(mine) do setValid(name) end
    end)
  end

  ---`fn(source, ...)` on the server, `fn(...)` on a client; returns the reply values and may yield.
  function alias.register(name, fn)
    if type(name) ~= 'string' or name == '' then error(("expected argument 1 to have type 'string' (received %s)"):format(type(name)), 2) end
    if not callable(fn) then error(("expected argument 2 to have type 'function' (received %s)"):format(type(fn)), 2) end
    watch()
    -- First tell the bridge that we answer the ox wire for it ourselves, so it neither claims nor answers it.
    TriggerEvent('cbb:ox:self', name, true)
    if not engine:register(name, 'return', fn, options) then
      TriggerEvent('cbb:ox:self', name, false)
      return
    end
    mine[name] = true
    setValid(name)
    wire.answer(name, timeout)
  end

  rawset(lib, 'callback', alias)
  CallbackBridge.oxCallback = alias
end
