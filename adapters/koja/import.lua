-- callback_bridge adapter piece: KOJA lib callbacks (shared/seeds/koja-lib-callbacks.md; the real library is koja-lib,
-- reference ox_lib-and-bridges.md §4). Loaded by @callback_bridge/import.lua into the including resource:
--
--   server  KOJA.Server.RegisterServerCallback(key, function(source, payload, cb) cb(result) end, options?)
--           KOJA.Server.TriggerClientCallback(key, playerId, payload, function(...) end)
--           KOJA.Server.TriggerCallback(key, source, payload, function(...) end)   -- server-local, no network
--   client  KOJA.Client.TriggerServerCallback(key, payload, function(result) end)
--           KOJA.Client.RegisterClientCallback(key, function(payload, cb) cb(...) end, options?)  -- or `return ...`
--
-- The functions run on this resource's engine and go into the KOJA object the resource gets: the global `KOJA` if
-- koja-lib's init.lua set it before this piece, and every `exports['koja-lib']:getSharedObject()` (while koja-lib
-- runs: its object with these functions in place; while it is missing: an object with only these functions).
-- Mixed migration, while koja-lib runs: handlers registered here are also put in koja-lib's registry (unmigrated
-- callers reach them through koja-lib's wire, with this engine's checks), and a call for a key this engine finds
-- nowhere (NOT_FOUND) is passed to koja-lib's own function (unmigrated handlers), under the call's timeout.
-- Trigger keys may be { name = key, timeout = ms, retries = n, backoff = ms } (contract §3). Failures reach the cb as
-- (nil, message, timedOut) and are logged.

local pack, unpack, select, type = table.pack, table.unpack, select, type
local RESOURCE = 'koja-lib'

---@param CallbackBridge table
---@param engine CallbackEngine
---@param use fun(name: string): any loads lua/<name>.lua of the twin
return function(CallbackBridge, engine, use)
  local callspec, outcome = use('callspec'), use('outcome')
  local callable = callspec.callable
  local transport = engine.transport
  local isServer = transport.side == 'server'
  local own = { Server = {}, Client = {} }
  ---koja-lib's own functions (function references), from the first real KOJA object seen.
  local real = {}

  local function kojaRuns() return GetResourceState(RESOURCE) ~= 'missing' end

  ---Calls `fn(reply, fail)` and ends with the first of: its reply, its failure, or TIMEOUT after `timeout` ms
  ---(koja-lib has no timeout of its own).
  local function underDeadline(name, timeout, fn, done)
    local over = false
    local function once(...)
      if over then return end
      over = true
      done(...)
    end
    Citizen.SetTimeout(timeout, function() once(false, 'TIMEOUT', ("callback '%s' timed out"):format(name)) end)
    fn(function(...) once(true, pack(...), 1, select('#', ...)) end, function(code, message) once(false, code, message) end)
  end

  ---A `done` for engine calls: NOT_FOUND goes on to koja-lib's `fallback(name, reply)` while koja-lib runs; then
  ---`cb` gets `keep` values (1: the first only) or (nil, message, timedOut), in its own thread.
  local function deliver(name, options, cb, keep, fallback)
    local function finish(ok, a, b, c)
      if not ok then transport.log('warn', ('KOJA: %s'):format(b)) end
      if cb == nil then return end
      outcome.deliver(transport, cb, ok, a, b, ok and keep and math.min(c, keep) or c)
    end
    return function(ok, a, b, c)
      if not ok and a == 'NOT_FOUND' and fallback and kojaRuns() then
        return underDeadline(name, options.timeout or engine.config.timeout, function(reply, fail) fallback(name, reply, fail) end, finish)
      end
      finish(ok, a, b, c)
    end
  end

  local function parse(spec, cb, what)
    local name, options = callspec.nameAndOptions(spec, 'key')
    if not name then error(options, 3) end
    if cb ~= nil and not callable(cb) then error(what .. ': cb must be a function', 3) end
    return name, options
  end

  if isServer then
    function own.Server.RegisterServerCallback(key, handler, options)
      if not callable(handler) then error('KOJA.Server.RegisterServerCallback(key, handler): handler must be a function', 2) end
      local ok = engine:register(key, 'cb', function(source, cb, payload) return handler(source, payload, cb) end, options)
      if ok and real.RegisterServerCallback then
        -- Unmigrated callers reach it through koja-lib's registry and wire, as that player, through our checks.
        real.RegisterServerCallback(key, function(src, payload, cb)
          engine:callLocal(tonumber(src) or 0, key, pack(payload), {}, function(done, a, b, c)
            if done then cb(a[b]) else transport.log('warn', ('KOJA (via koja-lib): %s'):format(b)) end
          end)
        end)
      end
      return ok
    end

    function own.Server.TriggerClientCallback(spec, playerId, payload, cb)
      local name, options = parse(spec, cb, 'KOJA.Server.TriggerClientCallback(key, playerId, payload, cb)')
      local player = tonumber(playerId)
      if not player then error('KOJA.Server.TriggerClientCallback(key, playerId, payload, cb): playerId must be a number', 2) end
      player = math.tointeger(player) or player
      engine:call(player, name, pack(payload), options, deliver(name, options, cb, nil, function(key, reply, fail)
        real.TriggerClientCallback(key, player, payload, function(first, ...)
          -- koja-lib's answer for a client callback nobody registered there either.
          if first == 'cb_invalid' and select('#', ...) == 0 then return fail('NOT_FOUND', ("callback '%s' does not exist"):format(key)) end
          reply(first, ...)
        end)
      end))
    end

    function own.Server.TriggerCallback(spec, source, payload, cb)
      local name, options = parse(spec, cb, 'KOJA.Server.TriggerCallback(key, source, payload, cb)')
      local player = math.tointeger(tonumber(source) or 0) or 0
      engine:callLocal(player > 0 and player or 0, name, pack(payload), options, deliver(name, options, cb, nil, function(key, reply)
        real.TriggerCallback(key, source, payload, reply)
      end))
    end
  else
    function own.Client.TriggerServerCallback(spec, payload, cb)
      local name, options = parse(spec, cb, 'KOJA.Client.TriggerServerCallback(key, payload, cb)')
      -- The original forwards one result (ref §4): the cb gets the first value.
      engine:call(0, name, pack(payload), options, deliver(name, options, cb, 1, function(key, reply)
        real.TriggerServerCallback(key, payload, reply)
      end))
    end

    function own.Client.RegisterClientCallback(key, handler, options)
      if not callable(handler) then error('KOJA.Client.RegisterClientCallback(key, handler): handler must be a function', 2) end
      -- The document's handler answers with cb; koja-lib's own sends the handler's return values: both work.
      local ok = engine:register(key, 'cb', function(cb, payload)
        local r = pack(handler(payload, cb))
        if r.n > 0 then cb(unpack(r, 1, r.n)) end
      end, options)
      if ok and real.RegisterClientCallback then
        -- koja-lib calls it and sends what it returns (waiting if it yields): values, or false, message.
        real.RegisterClientCallback(key, function(payload)
          local p = promise.new()
          engine:callLocal(0, key, pack(payload), {}, function(done, a, b, c)
            if done then p:resolve(pack(unpack(a, b, b + c - 1))) else p:resolve(pack(false, b)) end
          end)
          local r = Citizen.Await(p)
          return unpack(r, 1, r.n)
        end)
      end
      return ok
    end
  end

  ---Puts this side's functions into a KOJA object, keeping koja-lib's own ones for mixed migration.
  local function overlay(object)
    if type(object) ~= 'table' then return object end
    for side, fns in pairs(own) do
      if next(fns) then
        local t = object[side]
        if type(t) ~= 'table' then t = {}; object[side] = t end
        for key, fn in pairs(fns) do
          if t[key] ~= nil and t[key] ~= fn and real[key] == nil then real[key] = t[key] end
          t[key] = fn
        end
      end
    end
    return object
  end

  local standIn = { Server = own.Server, Client = own.Client }
  local previous
  previous = use('exportsalias')(RESOURCE, function(name)
    if name ~= 'getSharedObject' then return nil end
    return function()
      -- Never in front of a koja-lib that exists (contract §2): its object, with these functions in it.
      if kojaRuns() then return overlay(previous[RESOURCE]:getSharedObject()) end
      return standIn
    end
  end)
  if type(KOJA) == 'table' then overlay(KOJA) end
end
