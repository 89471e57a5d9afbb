-- callback_bridge Lua twin: one callback engine, the caller's side and the handler's side of every callback of the
-- resource it runs in. Twin of src/engine/engine.ts: one pending table (settled in one place), one outbox flushed
-- once per tick by a pass that runs each frame only while there is work, and the handlers.
local use = ...
local errors = use('errors')
local protocol = use('protocol')
local configs = use('config')
local Pending = use('pending')
local Outbox = use('outbox')
local Metrics = use('metrics')
local Responder = use('responder')
local localcalls = use('localcalls')
local fallbacks = use('fallbacks')

local BRIDGE = 'callback_bridge'
---Ids of requests a server sends to players are random (unguessable); a client's only count.
local ID_MAX = 0x7fffffff
---Idle rate-limit buckets are swept this often (ms).
local SWEEP_MS = 10000

local REQUEST, REPLY = protocol.REQUEST, protocol.REPLY

---@class CallOptions
---@field timeout? number ms
---@field retries? integer retries for idempotent calls, on TIMEOUT or BUSY only (default 0)
---@field backoff? number first retry delay, doubled each time (default 250 ms)

---@alias CallDone fun(ok: boolean, a: any, b: any, c: any) `(true, values, first, count)` or `(false, code, message)`

---@class CallbackEngine
---@field transport Transport
---@field config EngineConfig
---@field coordinator Coordinator
---@field handlers table<string, RegisteredCallback>
---@field pending PendingRequests
---@field metrics MetricsTable
---@field outbox Outbox
---@field responder Responder
---@field retries { at: number, run: function }[]
---@field fallbacks? CallFallback[] lua/fallbacks.lua (Engine:addFallback)
local Engine = {}
Engine.__index = Engine

---@param transport Transport
---@param coordinator Coordinator
---@return CallbackEngine
function Engine.new(transport, coordinator)
  local self = setmetatable({
    transport = transport,
    isServer = transport.side == 'server',
    coordinator = coordinator,
    config = configs.read(transport.convar),
    handlers = {},
    pending = Pending.new(),
    metrics = Metrics.new(transport.resource),
    retries = {},
    -- A client's ids count up from a random start: a restarted resource must not reuse its previous run's ids, or
    -- a reply still travelling to the old run would settle a new call.
    nextId = math.random(1, ID_MAX // 2),
    stopped = false,
    ticking = false,
    ---`cbb:q:<resource>` by resource: made once per address, not per call.
    requestEvents = {},
    sweptAt = 0,
  }, Engine)
  self.outbox = Outbox.new(transport, self.config, function() self:wake() end)
  self.ticker = function() Engine.tickOnce(self) end
  self.responder = Responder.new(self)
  local me = transport.resource
  local counters = self.metrics.counters
  local function spoofed() counters.spoofed = counters.spoofed + 1 end
  transport.onBatch(protocol.requestEvent(me), function(from, n, a) self:receive(from, true, n, a) end, spoofed)
  transport.onBatch(protocol.replyEvent(me), function(from, n, a) self:receive(from, false, n, a) end, spoofed)
  transport.onPlayerDropped(function(player) self:playerDropped(player) end)
  transport.onResourceStop(function(name) self:resourceStopped(name) end)
  use('bridgelink')(self)
  localcalls.listen(self)
  -- Metrics are pulled by the bridge when someone asks, never pushed per call.
  transport.onLocal('cbb:metrics:pull', function(invoker, collect)
    if invoker ~= BRIDGE or (type(collect) ~= 'function' and type(collect) ~= 'table') then return end
    collect(self.metrics:snapshot(), counters, self.metrics:limitedPlayers())
  end)
  transport.onLocal('cbb:metrics:reset', function(invoker)
    if invoker == BRIDGE then self.metrics:reset() end
  end)
  return self
end

-- ---- registration ----

---Registers `name`; returns false (and warns) when another resource owns it.
---@param name string
---@param style 'cb'|'return'
---@param handler function
---@param options? CallbackOptions
---@return boolean
function Engine:register(name, style, handler, options)
  local callable = type(handler) == 'function' or (type(handler) == 'table' and getmetatable(handler) and getmetatable(handler).__call)
  if type(name) ~= 'string' or name == '' or not callable then
    error('register(name, handler): name must be a non-empty string and handler a function', 3)
  end
  if options ~= nil and type(options) ~= 'table' then error('register(name, handler, options): options must be a table', 3) end
  options = options or {}
  local ok, holder = self.coordinator.claim(name, options.allowOverride == true)
  if not ok then
    self.transport.log('warn', ("%s tried to register callback '%s', owned by %s: refused (set allowOverride to take it over)")
      :format(self.transport.resource, name, holder))
    return false
  end
  self.handlers[name] = { name = name, style = style, handler = handler, options = options }
  return true
end

---@param name string
---@return boolean
function Engine:unregister(name)
  if not self.handlers[name] then return false end
  self.handlers[name] = nil
  self.responder.checks:forgetCallback(name)
  self.coordinator.release(name)
  return true
end

-- ---- calls ----

---Ends a call: metrics, then a retry on TIMEOUT or BUSY while the call allows one, else the caller's `done`.
---@param entry PendingRequest
local function callEnded(call, ok, a, b, c)
  local self = call.engine
  self.metrics:finished('caller', call.name, self.transport.now() - call.startedAt, not ok and a or nil)
  local retries = call.options.retries or 0
  if not ok and (a == 'TIMEOUT' or a == 'BUSY') and call.attempt < retries then
    local delay = (call.options.backoff or 250) * 2 ^ call.attempt
    call.attempt = call.attempt + 1
    self.retries[#self.retries + 1] = { at = self.transport.now() + delay, call = call }
    self:wake()
    return
  end
  -- A call without retries goes on to the fallbacks from here (one with retries has them around its cb already).
  if retries == 0 and not ok and a == 'NOT_FOUND' and self.fallbacks and self.fallbacks[1] then
    return fallbacks.after(self, call.target, call.name, call.args, call.options, call.deadline, call.cb, ok, a, b, c)
  end
  call.cb(ok, a, b, c)
end

---Calls `name` on the other side (`target` is the player on the server, ignored on a client) with `args`
---(`args.n` values). `done` runs once, with `(true, values, first, count)` or `(false, code, message)`.
---@param target integer
---@param name string
---@param args table
---@param options CallOptions
---@param done CallDone
function Engine:call(target, name, args, options, done)
  -- Without retries the call's own end hands a NOT_FOUND to the fallbacks (callEnded): nothing made per call.
  if (options.retries or 0) > 0 then
    done = fallbacks.around(self, target, name, args, options, options.timeout or self.config.timeout, done)
  end
  -- One table per call: the call, and (once sent) its pending entry; sized at once for the fields `send` and the
  -- pending table add.
  self:send({
    target = target, name = name, args = args, options = options, cb = done, attempt = 0, engine = self,
    done = callEnded, id = 0, player = 0, resource = false, startedAt = 0, deadline = 0,
  })
end

---Adds a last try for calls that end in NOT_FOUND, `fn(target, name, args, options, done) -> boolean`
---(lua/fallbacks.lua); returns the function that removes it.
---@param fn CallFallback
---@return fun()
function Engine:addFallback(fn) return fallbacks.add(self, fn) end

---Calls `name` on this machine as `player` (0: no player): in this engine, or in the resource that serves it. For the
---adapters and server-local triggers; not the hot path (lua/localcalls.lua). `done` as for `call`; no retries.
---@param player integer
---@param name string
---@param args table with `args.n` values
---@param options? CallOptions
---@param done CallDone
function Engine:callLocal(player, name, args, options, done)
  localcalls.call(self, player, name, args, options, done)
end

---Sends one attempt of `call` (the table `Engine:call` made, its own pending entry while it waits).
function Engine:send(call)
  local name = call.name
  if self.stopped then return call.cb(false, 'RESOURCE_STOPPED', errors.message('RESOURCE_STOPPED', name)) end
  if call.args.n > protocol.MAX_ARGS then
    -- More would make the receiver refuse the whole batch, other calls included.
    return call.cb(false, 'INVALID_ARGUMENTS', errors.message('INVALID_ARGUMENTS', name) .. ': more than ' .. protocol.MAX_ARGS .. ' arguments')
  end
  local isServer = self.isServer
  local target = isServer and call.target or 0
  -- A request to a player who is not there could only time out: nothing waits for that (a client's peer, the
  -- server, always is).
  if isServer and not self.transport.connected(target) then
    return call.cb(false, 'PLAYER_DROPPED', ("callback '%s': player %s is not connected"):format(name, tostring(target)))
  end
  local id = self:newId()
  local owner = self.coordinator.ownerOnOtherSide(name, target) or BRIDGE
  local now = self.transport.now()
  self.metrics:started('caller', name)
  call.id, call.player, call.resource, call.startedAt = id, target, owner, now
  call.deadline = now + (call.options.timeout or self.config.timeout)
  self.pending:add(call)
  local event = self.requestEvents[owner]
  if not event then
    event = protocol.requestEvent(owner)
    self.requestEvents[owner] = event
  end
  self.outbox:request(event, target, id, name, call.args)
end

---@return integer
function Engine:newId()
  if not self.isServer then
    local id = self.nextId
    self.nextId = id < ID_MAX and id + 1 or 1
    return id
  end
  local id
  repeat id = math.random(1, ID_MAX) until not self.pending.byId[id]
  return id
end

-- ---- the wire ----

---One batch: requests are served only from request events, replies only from reply events.
---@param from integer the sending player (server side), 0 on a client
---@param isRequest boolean
---@param n integer the argument count, from select('#', ...): nils keep their place
---@param a table the arguments
function Engine:receive(from, isRequest, n, a)
  local sender, count = protocol.check(a, n)
  if not sender then
    self.metrics.counters.malformed = self.metrics.counters.malformed + 1
    if self.config.debug then self.transport.log('warn', ('malformed batch from player %d: %s'):format(from, count)) end
    return
  end
  local responder, pending, counters = self.responder, self.pending, self.metrics.counters
  local isServer, frameEnd = self.isServer, protocol.frameEnd
  local origin -- made at the batch's first request: every frame of a batch comes from the same player and resource
  local p = 3
  for _ = 1, count do
    local kind, id = a[p], a[p + 1]
    if kind == REQUEST then
      if isRequest then
        origin = origin or Responder.origin(from, sender)
        responder:handle(origin, id, a[p + 2], a, p + 4, a[p + 3])
      end
    elseif not isRequest then
      local entry = pending.byId[id]
      if not entry then
        counters.lateReplies = counters.lateReplies + 1
      elseif isServer and entry.player ~= from then
        -- A reply to a request sent to another player: ignored, counted.
        counters.forgedReplies = counters.forgedReplies + 1
      elseif kind == REPLY then
        pending:settle(id, true, a, p + 3, a[p + 2])
      else
        pending:settle(id, false, a[p + 2], a[p + 3])
      end
    end
    p = frameEnd(a, p)
  end
  -- A handler still running has a deadline to keep; anything queued meanwhile (replies, new calls from a cb, a
  -- retry) woke the engine already, so a batch of replies starts no thread of its own.
  if isRequest and responder.serving.size > 0 then self:wake() end
end

-- ---- time and lifecycle ----

---One frame: due retries, deadlines, then the outbox. Returns true while anything waits.
---@return boolean
function Engine:tick()
  local now = self.transport.now()
  if #self.retries > 0 then
    local due, keep = {}, {}
    for _, r in ipairs(self.retries) do
      if r.at <= now then due[#due + 1] = r else keep[#keep + 1] = r end
    end
    self.retries = keep
    for _, r in ipairs(due) do self:send(r.call) end
  end
  -- Empty tables are skipped: a client passes over every frame while it waits for replies.
  local pending, responder = self.pending, self.responder
  local serving = responder.serving
  if pending.size > 0 then pending:expire(now) end
  if serving.size > 0 then serving:expire(now) end
  if now - self.sweptAt >= SWEEP_MS then
    self.sweptAt = now
    responder.checks:sweep(now)
  end
  local waiting = self.outbox:flush(now)
  -- Buckets keep it ticking too: an engine that went idle would keep them until its next call.
  return waiting or pending.size > 0 or serving.size > 0 or #self.retries > 0 or responder.checks:holding()
end

---Makes sure the engine passes over the next frame, and every frame after while anything waits.
function Engine:wake()
  if self.ticking or self.stopped then return end
  self.ticking = true
  self.transport.thread(self.ticker)
end

---One frame's pass, in a short thread of its own; the next frame's is a new thread. In the emulated VM a thread that
---ends costs ~1-3 us less per frame than one that yields (Wait(0)); both run again on the next frame.
---@param self CallbackEngine
function Engine.tickOnce(self)
  local ok, more = true, false
  if not self.stopped then ok, more = pcall(self.tick, self) end
  if not ok then
    self.transport.log('error', 'engine tick failed: ' .. tostring(more))
    more = false
  end
  if more and not self.stopped then self.transport.thread(self.ticker) else self.ticking = false end
end

function Engine:playerDropped(player)
  self.pending:failPlayer(player, 'PLAYER_DROPPED')
  self.responder.serving:failPlayer(player, 'PLAYER_DROPPED')
  self.responder.checks:forgetPlayer(player)
  self.outbox:forget(player)
end

function Engine:resourceStopped(name)
  if name == self.transport.resource then
    self.stopped = true
    local all = function() return true end
    self.pending:failWhere(all, 'RESOURCE_STOPPED')
    self.responder.serving:failWhere(all, 'RESOURCE_STOPPED')
    -- Calls waiting out a retry backoff end now: a stopped engine answers every send with RESOURCE_STOPPED.
    local waiting = self.retries
    self.retries = {}
    for _, r in ipairs(waiting) do self:send(r.call) end
    return
  end
  -- Handlers here all belong to this resource, so only calls addressed to `name` end; calls the bridge forwarded to
  -- `name` wait on the bridge's address, and the replica says who really serves them.
  local coordinator = self.coordinator
  self.pending:failWhere(function(entry)
    return entry.resource == name or (entry.resource == BRIDGE and coordinator.ownerOnOtherSide(entry.name, entry.player) == name)
  end, 'RESOURCE_STOPPED')
end

return Engine
