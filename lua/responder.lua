-- callback_bridge Lua twin: the handler's side. Twin of src/engine/responder.ts: takes request frames, runs the
-- checks, runs the handler protected in its own thread (it may yield), and queues exactly one reply per request.
-- A handler that never answers holds its slot only until the callback's deadline.
local use = ...
local errors = use('errors')
local protocol = use('protocol')
local Pending = use('pending')
local Checks = use('checks')

local pack, unpack, traceback, pcall, xpcall = table.pack, table.unpack, debug.traceback, pcall, xpcall
local MAX_ARGS = protocol.MAX_ARGS

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
    isServer = engine.transport.side == 'server',
    resource = engine.transport.resource,
    threadNow = engine.transport.threadNow,
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
  self.checks:finish()
  if entry.id then self.checks:release(entry.player) end
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

---Adds the traceback to a handler's error (xpcall's message handler).
local function onError(err)
  return traceback(tostring(err), 2)
end

---A handler's failure: the caller gets the code only; the error and its traceback stay in this console. Printed even
---when the handler already answered (it raised after its cb call): failure is never silent.
---@param entry PendingRequest the serving entry `run` made
local function fail(entry, err)
  local self = entry.responder
  self.transport.log('error', ("callback '%s' (resource %s) failed: %s"):format(entry.name, self.resource, tostring(err)))
  if entry.settled then return end
  local message = errors.message('HANDLER_ERROR', entry.name)
  if entry.id then self.serving:settle(entry.id, false, 'HANDLER_ERROR', message)
  else served(entry, false, 'HANDLER_ERROR', message) end
end

---Answers with `n` values `values[from ...]`; the first answer wins.
local function answer(entry, values, from, n)
  if entry.settled then return end
  if n > MAX_ARGS then return fail(entry, ('answered %d values; at most %d travel'):format(n, MAX_ARGS)) end
  if entry.id then entry.responder.serving:settle(entry.id, true, values, from, n)
  else served(entry, true, values, from, n) end
end

---What `serve` runs on, set right before CreateThreadNow starts it (at once, before anything else can set them
---again): the thread's body is one function, not a closure made per request.
local nextEntry, nextCallback, nextArgs, nextFirst, nextLast

---The body of a handler's thread: runs it protected. A cb-style handler gets a cb of its own (the one closure a
---request makes); a return-style one's results are its answer.
local function serve()
  local entry, callback, a, first, last = nextEntry, nextCallback, nextArgs, nextFirst, nextLast
  nextEntry, nextCallback, nextArgs = nil, nil, nil
  local handler, player, isServer = callback.handler, entry.player, entry.responder.isServer
  if callback.style == 'cb' then
    local function cb(...)
      local values = pack(...)
      answer(entry, values, 1, values.n)
    end
    local ok, err
    if isServer then
      ok, err = xpcall(handler, onError, player, cb, unpack(a, first, last))
    else
      ok, err = xpcall(handler, onError, cb, unpack(a, first, last))
    end
    if not ok then fail(entry, err) end
  else
    local r
    if isServer then
      r = pack(xpcall(handler, onError, player, unpack(a, first, last)))
    else
      r = pack(xpcall(handler, onError, unpack(a, first, last)))
    end
    if r[1] then answer(entry, r, 2, r.n - 1) else fail(entry, r[2]) end
  end
end

---Runs the handler once, protected, in its own thread (it may yield); its first answer wins and is the only reply.
---A handler that answers before its thread first yields or ends (the usual case) is answered at once and never enters
---`serving`: no deadline is kept for it. Twin of `Responder.run` and `ServedCall` in src/engine/responder.ts.
---@param origin Origin
function Responder:run(origin, requestId, callback, a, first, count, now)
  local player, name = origin.player, callback.name
  self.checks:begin()
  self.metrics:started('handler', name)
  -- The entry is `served`'s argument whichever way the call ends; it joins `serving` (and gets the fields of a
  -- PendingRequest it lacks: id, deadline, done) only if the handler waits. Eight fields: the smallest table size.
  local entry = {
    name = name, player = player, startedAt = now, responder = self, origin = origin, requestId = requestId,
    latent = callback.options.latent ~= false, settled = false,
  }
  nextEntry, nextCallback, nextArgs, nextFirst, nextLast = entry, callback, a, first, first + count - 1
  self.threadNow(serve)
  if not entry.settled then
    -- It waits (its thread yielded): from now on it holds a slot until its deadline.
    local id = self.nextId
    self.nextId = id + 1
    entry.id, entry.done = id, served
    entry.deadline = now + (callback.options.timeout or self.config.timeout)
    self.checks:hold(player)
    self.serving:add(entry)
  end
end

return Responder
