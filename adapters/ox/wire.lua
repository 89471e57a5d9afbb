-- callback_bridge, ox_lib family: the ox wire inside a resource that includes @callback_bridge/import.lua.
-- Loaded by adapters/ox/import.lua; twin of adapters/ox/caller.ts and answer.ts (strings in adapters/ox/protocol.ts).
--
-- Caller side (ref ox_lib-and-bridges.md §1.3, §6 "Caller side"):
--   TriggerServerEvent / TriggerClientEvent  'ox_lib:validateCallback' (name, me, key), then '__ox_cb_<name>' (me, key, ...)
--   reply on '__ox_cb_<me>' (key, ...values); 'cb_invalid' first means NOT_FOUND.
-- Improving on ox (§1.10): unguessable keys; on the server a reply counts only from the player asked (ox_lib #826);
-- a client drops local spoofs; a dropped player ends the call at once; every call has a timeout.
--
-- Handler side, for names the ox alias registered: '__ox_cb_<name>' (resource, key, ...) is served in this resource
-- through the engine (engine:callLocal: checks, limits, metrics), and answered '__ox_cb_<resource>' (key, ...values).
local OX = 'ox_lib'
local BRIDGE = 'callback_bridge'
local PREFIX = '__ox_cb_'
local VALIDATE = 'ox_lib:validateCallback'
local CB_INVALID = 'cb_invalid'

local pack, unpack, type, tostring, random = table.pack, table.unpack, type, tostring, math.random

---@class OxWire
---@field call fun(target: integer, name: string, args: table, timeout: number, done: CallDone): string
---@field answer fun(name: string, timeout: number)
---@field available fun(): boolean

---@param engine CallbackEngine
---@param errors table lua/errors.lua of the twin (the engine's messages)
---@return OxWire
return function(engine, errors)
  local transport = engine.transport
  local isServer = transport.side == 'server'
  local me = transport.resource
  local counters = engine.metrics.counters
  local function spoofed() counters.spoofed = counters.spoofed + 1 end

  ---Sends a net event to `target` (server) or to the server (client).
  local function send(event, target, ...)
    if isServer then TriggerClientEvent(event, target, ...) else TriggerServerEvent(event, ...) end
  end

  -- A client shares the engine's event budget (config sendRate/sendBurst): the ox wire costs one event per request
  -- and per reply, so a script firing 100 calls at an unmigrated handler would otherwise send 200 events in one frame,
  -- at FiveM's netEvent burst (ref citizenfx-runtime §3: dropped beyond it, kicked beyond netEventFlood).
  local events = not isServer and engine.outbox.events or nil
  local backlog, head, pumping = {}, 1, false

  ---Runs `fn` (which sends `cost` events) now if the budget allows and nothing waits before it, else in order later.
  local function paced(cost, fn)
    if not events then return fn() end
    cost = math.min(cost, events.limits.burst)
    if head > #backlog and events:take(0, transport.now(), cost) then return fn() end
    backlog[#backlog + 1] = { cost, fn }
    if pumping then return end
    pumping = true
    transport.thread(function()
      while head <= #backlog do
        transport.wait(0)
        local now = transport.now()
        while head <= #backlog and events:take(0, now, backlog[head][1]) do
          local job = backlog[head]
          backlog[head] = nil
          head = head + 1
          job[2]()
        end
      end
      backlog, head, pumping = {}, 1, false
    end)
  end

  local wire = {}

  local standin, standinAt = false, -math.huge
  ---Whether the ox wire has someone to validate names: ox_lib runs, or the bridge stands in for it (asked of the
  ---bridge at most once a second: a script calling unknown names in a loop must not pay an export call each time).
  function wire.available()
    local state = GetResourceState(OX)
    if state == 'started' then return true end
    if state ~= 'missing' or GetResourceState(BRIDGE) ~= 'started' then return false end
    local now = transport.now()
    if now - standinAt >= 1000 then
      local ok, modes = pcall(function() return exports[BRIDGE]:GetAdapterModes() end)
      standin, standinAt = ok and type(modes) == 'table' and modes.ox == 'standin', now
    end
    return standin
  end

  -- ---- caller side ----

  ---@type table<string, { name: string, player: integer, startedAt: number, done: CallDone }>
  local pending = {}
  local listening = false

  local function settle(key, ok, a, b, c)
    local entry = pending[key]
    if not entry then return end
    pending[key] = nil
    engine.metrics:finished('caller', entry.name, transport.now() - entry.startedAt, not ok and a or nil)
    entry.done(ok, a, b, c)
  end

  local function failure(code, name, message)
    return false, code, message or errors.message(code, name)
  end

  local function listen()
    if listening then return end
    listening = true
    transport.onNet(PREFIX .. me, function(from, key, ...)
      local entry = type(key) == 'string' and pending[key] or nil
      if not entry then
        counters.lateReplies = counters.lateReplies + 1
      elseif isServer and entry.player ~= from then
        counters.forgedReplies = counters.forgedReplies + 1
      elseif (...) == CB_INVALID then
        settle(key, failure('NOT_FOUND', entry.name))
      else
        local values = pack(...)
        settle(key, true, values, 1, values.n)
      end
    end, spoofed)
    transport.onPlayerDropped(function(player)
      for key, entry in pairs(pending) do
        if entry.player == player then settle(key, failure('PLAYER_DROPPED', entry.name)) end
      end
    end)
  end

  ---An unguessable request key, shaped as ox's (§1.4: `name:rand`, `name:rand:playerId` on the server).
  local function newKey(name, target)
    local key
    repeat
      key = ('%s:%x%07x'):format(name, random(0, 0x7fffffff), random(0, 0xfffffff))
      if isServer then key = key .. ':' .. tostring(target) end
    until not pending[key]
    return key
  end

  ---Calls `name` over the ox wire; `done(true, values, first, count)` or `done(false, code, message)`, once.
  ---Returns the request key (ox names it in its timeout message).
  function wire.call(target, name, args, timeout, done)
    listen()
    local player = isServer and target or 0
    local key = newKey(name, player)
    if not transport.connected(player) then
      done(failure('PLAYER_DROPPED', name, ("callback '%s': player %s is not connected"):format(name, tostring(target))))
      return key
    end
    engine.metrics:started('caller', name)
    pending[key] = { name = name, player = player, startedAt = transport.now(), done = done }
    paced(2, function()
      if not pending[key] then return end -- ended while it waited for the budget
      send(VALIDATE, player, name, me, key)
      send(PREFIX .. name, player, me, key, unpack(args, 1, args.n))
    end)
    Citizen.SetTimeout(math.max(0, math.floor(timeout)), function()
      settle(key, false, 'TIMEOUT', ("callback event '%s' timed out"):format(key))
    end)
    return key
  end

  ---Makes this resource's engine try the ox wire after NOT_FOUND (Engine:addFallback: with what is left of the call's
  ---timeout; still NOT_FOUND there, the engine's own): a caller of any API reaches a handler registered with
  ---unmodified lib.callback.register (contract §2, L1). Returns the function that stops it.
  function wire.fallBack()
    return engine:addFallback(function(target, name, args, options, done)
      if not wire.available() then return false end
      wire.call(target, name, args, options.timeout, done)
      return true
    end)
  end

  -- ---- handler side ----

  local answering = {}

  ---Answers '__ox_cb_<name>' in this resource, through the engine.
  function wire.answer(name, timeout)
    if answering[name] then return end
    answering[name] = true
    local options = { timeout = timeout }
    transport.onNet(PREFIX .. name, function(from, resource, key, ...)
      -- The caller's resource names the reply event: a resource name only, as answer.ts checks (issue: security).
      if type(resource) ~= 'string' or #resource > 64 or not resource:find('^[%w_%.%-:@%[%]]+$') or type(key) ~= 'string' then
        counters.malformed = counters.malformed + 1
        return
      end
      local reply = PREFIX .. resource
      engine:callLocal(from, name, pack(...), options, function(ok, a, b, c)
        if ok then
          local values = pack(unpack(a, b, b + c - 1))
          paced(1, function() send(reply, from, key, unpack(values, 1, values.n)) end)
        elseif a == 'NOT_FOUND' then
          paced(1, function() send(reply, from, key, CB_INVALID) end)
        elseif a ~= 'PLAYER_DROPPED' and a ~= 'RESOURCE_STOPPED' then
          -- ox replies (key) alone after a handler error (§1.7): the caller gets nil; the reason is in our console.
          paced(1, function() send(reply, from, key) end)
        end
      end)
    end, spoofed)
  end

  return wire
end
