-- callback_bridge adapter piece: the Community Bridge callback module (shared/seeds/community-bridge-callback.md, and
-- the real library, reference ox_lib-and-bridges.md §3). Loaded by @callback_bridge/import.lua into the including
-- resource, where it points `exports.community_bridge` (and `exports['community_bridge']`) at this resource's engine:
--
--   the doc API, always (it exists in no release of community_bridge, ref §3):
--     server  RegisterServerCallback(name, function(src, cb, ...) cb(value) / cb(nil, 'message') end, options?)
--             TriggerClientCallback(playerId, name, function(...) end, ...)
--     client  TriggerServerCallback(name, function(result, error, timedOut) end, ...)
--             TriggerServerCallbackPromise(name, ...)          --> the values, or nil, message (call from a thread)
--             RegisterClientCallback(name, function(cb, ...) end, options?)
--     both    UnregisterCallback, DoesCallbackExist, ValidateCallbackData, GetCallbackMetrics, CreateQueue(options)
--   the library API, while no community_bridge resource exists (otherwise the real exports answer):
--     RegisterCallback(name, function([src,] ...) return ... end), TriggerCallback(name, [target,] [cb,] ...),
--     Callback() and Bridge().Callback (the module: Register, Trigger, client RegisterRebound), client RegisterRebound
--   every other name goes to the real exports.
--
-- Per-call options, one rule: pass { name = name, timeout = ms, retries = n, backoff = ms } instead of the name. A
-- trailing number is an argument like any other (the doc's own client-callback example passes a trailing 5000 that is
-- a handler argument), never a timeout.

local pack, unpack, select, type = table.pack, table.unpack, select, type
local RESOURCE = 'community_bridge'

---@param CallbackBridge table
---@param engine CallbackEngine
---@param use fun(name: string): any loads lua/<name>.lua of the twin
return function(CallbackBridge, engine, use)
  local callspec, outcome = use('callspec'), use('outcome')
  local nameAndOptions, callable = callspec.nameAndOptions, callspec.callable
  local transport = engine.transport
  local isServer = transport.side == 'server'
  local bridgeExports -- the `exports` this piece found (it still reaches callback_bridge)

  -- ---- the doc API ----
  local doc = {
    UnregisterCallback = CallbackBridge.UnregisterCallback,
    ValidateCallbackData = CallbackBridge.ValidateCallbackData,
    CreateQueue = CallbackBridge.CreateQueue,
    -- Any resource on this side, as the stand-in export answers (this engine first: no hop when it is ours).
    DoesCallbackExist = function(name)
      return CallbackBridge.DoesCallbackExist(name) or bridgeExports.callback_bridge:DoesCallbackExist(name)
    end,
    -- The doc's "performance tracking": every engine's rows on this machine, pulled by the bridge.
    GetCallbackMetrics = function() return bridgeExports.callback_bridge:GetCallbackMetrics() end,
  }
  if isServer then
    doc.RegisterServerCallback = CallbackBridge.RegisterServerCallback
    doc.TriggerClientCallback = CallbackBridge.TriggerClientCallback
  else
    doc.TriggerServerCallback = CallbackBridge.TriggerServerCallback
    doc.TriggerServerCallbackPromise = CallbackBridge.TriggerServerCallbackPromise
    doc.RegisterClientCallback = CallbackBridge.RegisterClientCallback
  end

  -- ---- the library API (ref §3) ----
  local module, rebounds = {}, {}

  ---The cb-or-await rule: with `cb`, the values (or nil, message, timedOut) go to it; without, this thread waits
  ---and gets the values, or nil, message.
  local function finish(name, cb, start)
    local function settled(ok, a, b, c)
      local rebound = ok and rebounds[name]
      if rebound then transport.threadNow(function() rebound(unpack(a, b, b + c - 1)) end) end
    end
    if cb then
      start(function(ok, a, b, c)
        settled(ok, a, b, c)
        outcome.deliver(transport, cb, ok, a, b, c)
      end)
      return
    end
    return outcome.await(function(done)
      start(function(ok, a, b, c)
        settled(ok, a, b, c)
        done(ok, a, b, c)
      end)
    end)
  end

  ---Splits `...` into an optional leading cb and the arguments.
  local function cbAndArgs(...)
    local first = ...
    if callable(first) then return first, pack(select(2, ...)) end
    return nil, pack(...)
  end

  function module.Register(name, handler, options)
    local ok = engine:register(name, 'return', handler, options)
    return ok
  end

  if isServer then
    ---One player id, a list of ids, or nil / -1 for every player (ref §3).
    local function targetsOf(target)
      local list = {}
      if target == nil or target == -1 then
        for _, id in ipairs(GetPlayers()) do list[#list + 1] = tonumber(id) end
      elseif type(target) == 'table' then
        for _, id in pairs(target) do list[#list + 1] = tonumber(id) end
      else
        list[1] = tonumber(target)
      end
      return list
    end

    ---Asks every target at once: the first success wins; if all fail, the caller hears the last failure.
    local function race(targets, name, args, options, done)
      if #targets == 0 then return done(false, 'PLAYER_DROPPED', ("callback '%s': no player to call"):format(name)) end
      local left, finished = #targets, false
      for _, target in ipairs(targets) do
        engine:call(target, name, args, options, function(ok, a, b, c)
          left = left - 1
          if finished or (not ok and left > 0) then return end
          finished = true
          done(ok, a, b, c)
        end)
      end
    end

    function module.Trigger(spec, target, ...)
      local name, options = nameAndOptions(spec)
      if not name then error(options, 2) end
      local cb, args = cbAndArgs(...)
      local targets = targetsOf(target)
      return finish(name, cb, function(done) race(targets, name, args, options, done) end)
    end
  else
    function module.Trigger(spec, ...)
      local name, options = nameAndOptions(spec)
      if not name then error(options, 2) end
      local cb, args = cbAndArgs(...)
      return finish(name, cb, function(done) engine:call(0, name, args, options, done) end)
    end

    ---`fn(...)` sees every successful reply for `name` to a Trigger made through this module.
    function module.RegisterRebound(name, fn) rebounds[name] = fn end
  end

  local library = {
    RegisterCallback = module.Register,
    TriggerCallback = module.Trigger,
    RegisterRebound = module.RegisterRebound,
    -- The library exports its module table as `Callback`, which no caller can call (ref §3): here it is a function.
    Callback = function() return module end,
    Bridge = function() return { Callback = module } end,
  }

  bridgeExports = use('exportsalias')(RESOURCE, function(name)
    local fn = doc[name]
    if fn then return fn end
    fn = library[name]
    -- Never in front of a community_bridge that exists (contract §2).
    if fn and GetResourceState(RESOURCE) == 'missing' then return fn end
    return nil
  end)
end
