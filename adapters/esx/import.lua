-- callback_bridge, ESX family, L2 (contract §2, §4): loaded by '@callback_bridge/import.lua' into a resource that
-- includes it after '@es_extended/imports.lua'. The ESX object this resource obtains, however it obtains it (the
-- `ESX` global, exports['es_extended']:getSharedObject(), TriggerEvent('esx:getSharedObject', cb)), gets its callback
-- functions replaced by ones running on this resource's engine, with ESX's signatures (ref §2.1):
--   server  ESX.RegisterServerCallback(name, fn(source, cb, ...))   ESX.TriggerClientCallback(player, name, cb, ...)
--           ESX.AwaitClientCallback(player, name, ...) --> values   ESX.DoesServerCallbackExist(name)
--   client  ESX.TriggerServerCallback(name, cb, ...)                ESX.AwaitServerCallback(name, ...) --> values
--           ESX.RegisterClientCallback(name, fn(cb, ...))           ESX.DoesClientCallbackExist(name)
-- cb and Await get every value. On failure cb is not called and the reason is printed with the callback's name and
-- this resource; Await raises it. The name may also be { name = 'x', timeout = ms, retries = n, backoff = ms }.
-- Only this Lua state is touched: the object is this resource's own msgpack copy (ref §7.1).

local ESX_RESOURCE, BRIDGE = 'es_extended', 'callback_bridge'
local SERVER_FUNCTIONS = { 'RegisterServerCallback', 'TriggerClientCallback', 'AwaitClientCallback', 'DoesServerCallbackExist' }
local CLIENT_FUNCTIONS = { 'TriggerServerCallback', 'AwaitServerCallback', 'RegisterClientCallback', 'DoesClientCallbackExist' }

---@param CallbackBridge table the native API of this resource
---@param engine CallbackEngine this resource's engine
---@param use fun(name: string): any loads lua/<name>.lua of the twin
return function(CallbackBridge, engine, use)
  local callspec = use('callspec')
  local transport = engine.transport
  local isServer = transport.side == 'server'
  local me = transport.resource
  local pack, unpack, type, rawget, tostring = table.pack, table.unpack, type, rawget, tostring
  local NO_OPTIONS = {}
  local rawExports, rawTriggerEvent = exports, TriggerEvent

  local function callable(fn)
    return type(fn) == 'function' or (type(fn) == 'table' and rawget(fn, '__cfx_functionReference') ~= nil)
  end

  local function esxRuns()
    return GetResourceState(ESX_RESOURCE) == 'started'
  end

  ---The name and call options of a trigger's name argument (a string, or a table as in the native API).
  local function nameAndOptions(api, spec)
    local name, options = callspec.nameAndOptions(spec)
    if not name then error(('ESX.%s: %s'):format(api, options), 3) end
    return name, options
  end

  ---Calls waiting on ESX (below): ended at once when their player drops or es_extended stops (contract §6), since
  ---ESX itself never ends them (ref §2.2). Listeners are added at the first such call.
  local throughEsx, listening = {}, false
  local function endWhere(test, code, message)
    for entry in pairs(throughEsx) do
      if test(entry) then entry.once(false, code, message) end
    end
  end
  local function listen()
    listening = true
    transport.onPlayerDropped(function(player)
      endWhere(function(e) return e.player == player end, 'PLAYER_DROPPED', ('player %d dropped'):format(player))
    end)
    transport.onResourceStop(function(resource)
      if resource ~= ESX_RESOURCE then return end
      endWhere(function() return true end, 'RESOURCE_STOPPED', 'es_extended stopped')
    end)
  end

  ---Through ESX's own function (mixed migration): a handler only ESX's registry knows. ESX has no working timeout
  ---(ref §2.2), so this call gets ours; a late reply after it is ignored. `done` as the engine's.
  local function viaEsx(orig, player, name, options, args, done)
    if isServer and not transport.connected(player) then
      return done(false, 'PLAYER_DROPPED', ("callback '%s': player %s is not connected"):format(name, tostring(player)))
    end
    if not listening then listen() end
    local entry = { player = player }
    function entry.once(ok, a, b, c)
      if not throughEsx[entry] then return end
      throughEsx[entry] = nil
      done(ok, a, b, c)
    end
    throughEsx[entry] = true
    local timeout = options.timeout or engine.config.timeout
    Citizen.SetTimeout(timeout, function()
      entry.once(false, 'TIMEOUT', ("callback '%s': no answer through es_extended within %d ms (is it registered there?)"):format(name, timeout))
    end)
    local function cb(...)
      local values = pack(...)
      entry.once(true, values, 1, values.n)
    end
    local ok, err
    if isServer then ok, err = pcall(orig, player, name, cb, unpack(args, 1, args.n))
    else ok, err = pcall(orig, name, cb, unpack(args, 1, args.n)) end
    if not ok then entry.once(false, 'HANDLER_ERROR', 'es_extended refused the call: ' .. tostring(err)) end
  end

  ---One call: through the engine when the bridge's directory knows who serves `name` (or ESX is not there to ask),
  ---else through ESX's original function; at most one extra round trip, never two answers.
  local function start(orig, player, name, options, args, done)
    if engine.coordinator.ownerOnOtherSide(name, player) == nil and callable(orig) and esxRuns() then
      return viaEsx(orig, player, name, options, args, done)
    end
    engine:call(player, name, args, options, done)
  end

  local function trigger(api, orig, player, spec, cb, ...)
    local name, options = nameAndOptions(api, spec)
    if cb ~= nil and not callable(cb) then error(('ESX.%s: cb must be a function'):format(api), 2) end
    start(orig, player, name, options, pack(...), function(ok, a, b, c)
      if not ok then
        transport.log('warn', ("ESX.%s('%s') in %s failed, cb not called: %s: %s"):format(api, name, me, tostring(a), tostring(b)))
      elseif cb ~= nil then
        transport.threadNow(function() cb(unpack(a, b, b + c - 1)) end)
      end
    end)
  end

  local function await(api, orig, player, spec, ...)
    local name, options = nameAndOptions(api, spec)
    local p = promise.new()
    -- Always resolve (a rejection raises inside Citizen.Await with a bare value); the table says which it was.
    start(orig, player, name, options, pack(...), function(ok, a, b, c)
      if ok then p:resolve(pack(unpack(a, b, b + c - 1))) else p:resolve({ failed = true, code = a, message = b }) end
    end)
    local r = Citizen.Await(p)
    if r.failed then
      error(("ESX.%s('%s') in %s failed: %s: %s"):format(api, name, me, tostring(r.code), tostring(r.message)), 2)
    end
    return unpack(r, 1, r.n)
  end

  ---The entry ESX's own registry gets: ESX's callers reach the handler through this engine (its limits, source
  ---binding and metrics apply to them too), and ESX's cb gets every value.
  local function relay(name)
    local function serve(player, cb, args)
      engine:callLocal(player, name, args, NO_OPTIONS, function(ok, a, b, c)
        if ok then return cb(unpack(a, b, b + c - 1)) end
        -- As ESX does for a failing callback, nothing is sent (ref §2.2); the reason is printed.
        transport.log('warn', ("ESX caller of '%s' (%s) got no reply: %s: %s"):format(name, me, tostring(a), tostring(b)))
      end)
    end
    if isServer then return function(source, cb, ...) serve(source, cb, pack(...)) end end
    return function(cb, ...) serve(0, cb, pack(...)) end
  end

  local function register(api, orig, name, handler)
    if type(name) ~= 'string' or name == '' or not callable(handler) then
      error(('ESX.%s(name, fn): name must be a non-empty string and fn a function'):format(api), 2)
    end
    -- Refused (and printed by the engine) when another resource owns the name: ESX would overwrite silently.
    if not engine:register(name, 'cb', handler) then return end
    -- Unmodified ESX callers reach it through ESX itself while es_extended runs (L1 without the bridge's help).
    if callable(orig) and esxRuns() then
      local ok, err = pcall(orig, name, relay(name))
      if not ok then transport.log('warn', ("ESX.%s('%s') in %s: es_extended refused it: %s"):format(api, name, me, tostring(err))) end
    end
  end

  local function exists(orig, name)
    if type(name) ~= 'string' then return false end
    if engine.handlers[name] then return true end
    if GetResourceState(BRIDGE) == 'started' then
      local ok, known = pcall(function() return rawExports[BRIDGE]:DoesCallbackExist(name) end)
      if ok and known then return true end
    end
    if callable(orig) and esxRuns() then
      local ok, known = pcall(orig, name)
      return ok and known == true
    end
    return false
  end

  local function toPlayer(api, playerId)
    local player = tonumber(playerId)
    if not player then error(('ESX.%s(player, name, ...): player must be a number'):format(api), 3) end
    return math.tointeger(player) or player
  end

  local aliased = setmetatable({}, { __mode = 'k' })

  ---Replaces the callback functions of one ESX object (in place: it is this resource's copy); returns it.
  local function alias(obj)
    if type(obj) ~= 'table' or rawget(obj, '__cfx_functionReference') or aliased[obj] then return obj end
    aliased[obj] = true
    local orig = {}
    for _, key in ipairs(isServer and SERVER_FUNCTIONS or CLIENT_FUNCTIONS) do orig[key] = rawget(obj, key) end
    if isServer then
      obj.RegisterServerCallback = function(name, fn) return register('RegisterServerCallback', orig.RegisterServerCallback, name, fn) end
      obj.TriggerClientCallback = function(player, name, cb, ...)
        return trigger('TriggerClientCallback', orig.TriggerClientCallback, toPlayer('TriggerClientCallback', player), name, cb, ...)
      end
      obj.AwaitClientCallback = function(player, name, ...)
        return await('AwaitClientCallback', orig.TriggerClientCallback, toPlayer('AwaitClientCallback', player), name, ...)
      end
      obj.DoesServerCallbackExist = function(name) return exists(orig.DoesServerCallbackExist, name) end
    else
      obj.TriggerServerCallback = function(name, cb, ...) return trigger('TriggerServerCallback', orig.TriggerServerCallback, 0, name, cb, ...) end
      obj.AwaitServerCallback = function(name, ...) return await('AwaitServerCallback', orig.TriggerServerCallback, 0, name, ...) end
      obj.RegisterClientCallback = function(name, fn) return register('RegisterClientCallback', orig.RegisterClientCallback, name, fn) end
      obj.DoesClientCallbackExist = function(name) return exists(orig.DoesClientCallbackExist, name) end
    end
    return obj
  end

  -- The three ways a resource gets ESX (ref §2.3). The `ESX` global that imports.lua set before us:
  if type(ESX) == 'table' then alias(ESX) end

  -- exports['es_extended']:getSharedObject(): this Lua state's `exports`, wrapped for that one export only.
  use('exportsalias')(ESX_RESOURCE, function(key)
    if key ~= 'getSharedObject' then return nil end
    local esx = rawExports[ESX_RESOURCE]
    local fn = esx[key]
    return function(...) return alias(fn(esx, ...)) end
  end)

  -- TriggerEvent('esx:getSharedObject', cb): cb receives the aliased object.
  TriggerEvent = function(event, ...)
    if event == 'esx:getSharedObject' then
      local cb = ...
      if callable(cb) then
        return rawTriggerEvent(event, function(obj) return cb(alias(obj)) end, select(2, ...))
      end
    end
    return rawTriggerEvent(event, ...)
  end
end
