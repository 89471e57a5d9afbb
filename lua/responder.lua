-- callback_bridge Lua twin: the handler's side. Twin of src/engine/responder.ts: takes request frames, runs the
-- checks, runs the handler protected in its own thread (it may yield), and queues exactly one reply per request.
-- A handler that never answers holds its slot only until the callback's deadline.
local use = ...
local errors = use('errors')
local protocol = use('protocol')
local Pending = use('pending')
local Checks = use('checks')

local pack, unpack, select, traceback, pcall = table.pack, table.unpack, select, debug.traceback, pcall

---Where a request came from. Twin of `Origin` in src/engine/responder.ts. A network origin is made once per received
---batch (every frame of a batch comes from the same player and resource): the hot path makes no table per request.
---@class Origin
---@field player integer the calling player on the server, 0 on a client (or for a local call without a player)
---@field resource string the resource that waits for the reply
---@field replyTo? string its reply event, cbb:r:<resource> (network origins)
---@field localReply? function|table set for a call from this machine (lua/localcalls.lua): the reply goes to it,
---`localReply(true, count, ...values)` or `localReply(false, code, message)`, instead of over the network

---@class Responder
---@field serving PendingRequests requests whose handler runs now; settled by the first answer or the deadline
---@field checks RequestChecks
local Responder = {}
Responder.__index = Responder

---@param engine CallbackEngine
---@return Responder
function Responder.new(engine)
  return setmetatable({
    engine = engine,
    transport = engine.transport,
    config = engine.config,
    outbox = engine.outbox,
    metrics = engine.metrics,
    serving = Pending.new(),
    checks = Checks.new(engine.config, engine.transport),
    nextId = 1,
  }, Responder)
end

---A network origin: `player` (0 on a client) in `resource`, answered on the resource's reply event.
---@param player integer
---@param resource string
---@return Origin
function Responder.origin(player, resource)
  return { player = player, resource = resource, replyTo = protocol.replyEvent(resource) }
end

---Serves one request frame: `count` arguments `a[first ...]`, from `origin`.
---@param origin Origin
function Responder:handle(origin, id, name, a, first, count)
  local callback = self.engine.handlers[name]
  if not callback then return self:refuse(origin, id, name, 'NOT_FOUND') end
  local now = self.transport.now()
  local code, detail = self.checks:run(origin.player, callback, a, first, count, now)
  if code then return self:refuse(origin, id, name, code, detail) end
  self:run(origin, id, callback, a, first, count, now)
end

---Hands `localReply(...)` its outcome; a caller that cannot take it (its resource stopped meanwhile) is logged.
local function replyLocally(self, origin, ...)
  local ok, err = pcall(origin.localReply, ...)
  if not ok then self.transport.log('error', 'a local caller of a callback could not take its reply: ' .. tostring(err)) end
end

---The one way a reply leaves: over the network in the next batch, or to a local caller's function.
---@param origin Origin
function Responder:sendReply(origin, id, values, first, count, latent)
  -- The count travels first: a trailing nil would not survive a function-reference call (ref §2.4).
  if origin.localReply then return replyLocally(self, origin, true, count, unpack(values, first, first + count - 1)) end
  self.outbox:reply(origin.replyTo, origin.player, id, values, first, count, latent)
end

---@param origin Origin
function Responder:sendError(origin, id, code, message)
  if origin.localReply then return replyLocally(self, origin, false, code, message) end
  self.outbox:error(origin.replyTo, origin.player, id, code, message)
end

function Responder:refuse(origin, id, name, code, detail)
  -- Unknown names are counted together: a table keyed by names a client makes up would grow without bound.
  if code == 'NOT_FOUND' then
    local counters = self.metrics.counters
    counters.notFound = counters.notFound + 1
  else
    self.metrics:refused('handler', name, code, origin.player)
  end
  local message = errors.message(code, name)
  if detail then message = message .. ': ' .. detail end
  self:sendError(origin, id, code, message)
end

---Ends a serving entry: the reply (or HANDLER_ERROR) goes out unless the caller cannot use it.
---@param entry PendingRequest
local function served(entry, ok, a, b, c)
  entry.settled = true
  local self = entry.responder
  self.checks:finish(entry.player)
  local code = not ok and a or nil
  self.metrics:finished('handler', entry.name, self.transport.now() - entry.startedAt, code)
  -- A dropped player or a stopping resource gets nothing: the caller's engine sees the drop or the stop and ends the
  -- call itself. A local caller addressed the bridge and cannot tell who serves it, so it hears of the stop here.
  if code == 'PLAYER_DROPPED' or (code == 'RESOURCE_STOPPED' and not entry.origin.localReply) then return end
  if ok then
    self:sendReply(entry.origin, entry.requestId, a, b, c, entry.latent)
  else
    -- Past the callback's own timeout the caller hears TIMEOUT now: its own deadline may be longer, and no answer
    -- can come any more.
    local sent = (code == 'TIMEOUT' or code == 'RESOURCE_STOPPED') and code or 'HANDLER_ERROR'
    self:sendError(entry.origin, entry.requestId, sent, errors.message(sent, entry.name))
  end
end

---Runs the handler once, protected, in its own thread; its first answer wins and is the only reply.
---@param origin Origin
---Adds the traceback to a handler's error (xpcall's message handler).
local function onError(err)
  return traceback(tostring(err), 2)
end

---Runs the handler once, protected, in its own thread (it may yield); its first answer wins and is the only reply.
---A handler that answers before its thread first yields or ends (the usual case) is answered at once and never enters
---`serving`: no deadline is kept for it. Twin of `Responder.run` and `ServedCall` in src/engine/responder.ts.
function Responder:run(origin, requestId, callback, a, first, count, now)
  local player = origin.player
  local name, serving = callback.name, self.serving
  self.checks:begin(player)
  self.metrics:started('handler', name)
  -- The entry is `served`'s argument whichever way the call ends; it joins `serving` only if the handler waits.
  local entry = {
    id = 0, name = name, player = player, resource = self.transport.resource, startedAt = now, deadline = math.huge,
    done = served, responder = self, origin = origin, requestId = requestId, latent = callback.options.latent ~= false,
    settled = false,
  }

  local function fail(err)
    -- The caller gets the code only; the error and its traceback stay in this console. Printed even when the
    -- handler already answered (it raised after its cb call): failure is never silent.
    self.transport.log('error', ("callback '%s' (resource %s) failed: %s"):format(name, self.transport.resource, tostring(err)))
    if entry.settled then return end
    if entry.id ~= 0 then
      serving:settle(entry.id, false, 'HANDLER_ERROR', errors.message('HANDLER_ERROR', name))
    else
      served(entry, false, 'HANDLER_ERROR', errors.message('HANDLER_ERROR', name))
    end
  end
  ---Answers with `count` values `values[from ...]` (the first answer wins).
  local function answer(values, from, n)
    if entry.settled then return end
    if n > protocol.MAX_ARGS then return fail(('answered %d values; at most %d travel'):format(n, protocol.MAX_ARGS)) end
    if entry.id ~= 0 then serving:settle(entry.id, true, values, from, n) else served(entry, true, values, from, n) end
  end

  local handler, last, isServer = callback.handler, first + count - 1, self.transport.side == 'server'
  self.transport.threadNow(function()
    if callback.style == 'cb' then
      local function cb(...) answer(pack(...), 1, select('#', ...)) end
      local ok, err
      if isServer then
        ok, err = xpcall(handler, onError, player, cb, unpack(a, first, last))
      else
        ok, err = xpcall(handler, onError, cb, unpack(a, first, last))
      end
      if not ok then fail(err) end
    else
      local r
      if isServer then
        r = pack(xpcall(handler, onError, player, unpack(a, first, last)))
      else
        r = pack(xpcall(handler, onError, unpack(a, first, last)))
      end
      if r[1] then answer(r, 2, r.n - 1) else fail(r[2]) end
    end
  end)
  if not entry.settled then
    -- It waits (its thread yielded): from now on it holds a slot until its deadline.
    entry.id = self.nextId
    self.nextId = entry.id + 1
    entry.deadline = now + (callback.options.timeout or self.config.timeout)
    serving:add(entry)
  end
end

return Responder
