-- callback_bridge Lua twin: calls between resources on the same machine. Twin of src/engine/local-calls.ts.
-- The legacy-wire adapters need them (an unmodified caller reaches a handler that lives in another resource's engine
-- through its framework's own registry), and so do server-local triggers. Not the hot path: each call is one local
-- event carrying a reply function (one cross-resource hop each way).
--   cbb:local:<resource>   (player, name, argc, ...args, reply)
--   reply(true, count, ...values) | reply(false, code, message)
-- A call for a name this engine does not serve is passed on to the resource the coordinator's ownership record names
-- (only the bridge's coordinator knows one); otherwise it is served here, so the caller hears NOT_FOUND.
-- Server code is trusted: any resource on this machine may raise the event, naming any player; the handler's checks
-- (rate limit, permission, in flight) then apply as that player.
local use = ...
local errors = use('errors')
local protocol = use('protocol')

local BRIDGE = 'callback_bridge'
local MAX_ARGS = protocol.MAX_ARGS
local type, select, pack, unpack, tointeger = type, select, table.pack, table.unpack, math.tointeger

local M = {}

---The local event a resource's engine serves local calls on.
---@param resource string
---@return string
function M.event(resource) return 'cbb:local:' .. resource end

---Whether `fn` can be called: a function of this resource, or another resource's function reference (a table whose
---metatable has __call).
local function callable(fn)
  if type(fn) == 'function' then return true end
  local mt = type(fn) == 'table' and getmetatable(fn)
  return type(mt) == 'table' and mt.__call ~= nil
end

---A player as a local call names it: an integer >= 0 (0: no player), or nil.
local function playerOf(x)
  local p = type(x) == 'number' and tointeger(x)
  return p and p >= 0 and p or nil
end

---Serves the local calls addressed to `engine`'s resource.
---@param engine CallbackEngine
function M.listen(engine)
  local transport, coordinator, counters = engine.transport, engine.coordinator, engine.metrics.counters
  local me = transport.resource
  transport.onLocal(M.event(me), function(_, player, name, argc, ...)
    -- The reply sits right after the arguments: the count says where, since a trailing nil may not survive the event.
    local reply = protocol.isCount(argc) and select(argc + 1, ...) or nil
    local from = playerOf(player)
    if not from or type(name) ~= 'string' or not callable(reply) then
      counters.malformed = counters.malformed + 1
      return
    end
    if not engine.handlers[name] and coordinator.localAddress then
      local address = coordinator.localAddress(name)
      if address and address ~= me then return transport.emitLocal(M.event(address), player, name, argc, ...) end
    end
    engine.responder:handle({ player = from, resource = me, localReply = reply }, 0, name, { ... }, 1, argc)
    engine:wake()
  end)
end

---Ends a local call: caller metrics, then the caller's `done` (no retries: local calls are not retried).
---@param entry PendingRequest
local function ended(entry, ok, a, b, c)
  local engine = entry.engine
  engine.metrics:finished('caller', entry.name, engine.transport.now() - entry.startedAt, not ok and a or nil)
  entry.callDone(ok, a, b, c)
end

---Settles request `id` of `pending` with a local reply `(ok, ...)`, read as src/engine/local-calls.ts reads it.
local function settleReply(pending, id, name, ok, ...)
  if ok == true then
    -- reply(true, count, ...values): the count keeps trailing nils a function-reference call would drop.
    local n = ...
    if math.type(n) ~= 'integer' or n < 0 then return pending:settle(id, true, pack(...), 1, select('#', ...)) end
    return pending:settle(id, true, pack(select(2, ...)), 1, math.min(n, MAX_ARGS))
  end
  local code, message = ...
  -- A replier that is not an engine may answer anything: an unknown code is the handler's failure.
  if not errors.isCode(code) then code = 'HANDLER_ERROR' end
  if type(message) ~= 'string' or message == '' then message = errors.message(code, name) end
  pending:settle(id, false, code, message)
end

---Calls `name` on this machine as `player` (0: no player), in `engine` itself or in the resource that serves it (by
---way of the bridge, which knows the owner). `done` gets `(true, values, first, count)` or `(false, code, message)`.
---@param engine CallbackEngine
---@param player integer
---@param name string
---@param args table with `args.n` values
---@param options? CallOptions only `timeout` applies
---@param done CallDone
function M.call(engine, player, name, args, options, done)
  local from = playerOf(player)
  if not from or type(name) ~= 'string' or type(args) ~= 'table' or type(done) ~= 'function' then
    error('callLocal(player, name, args, options, done): player must be an integer >= 0, name a string, args a table and done a function', 3)
  end
  if engine.stopped then return done(false, 'RESOURCE_STOPPED', errors.message('RESOURCE_STOPPED', name)) end
  local n = args.n or #args
  if n > MAX_ARGS then
    -- Every engine's listener refuses more as malformed: the call could only time out.
    return done(false, 'INVALID_ARGUMENTS', errors.message('INVALID_ARGUMENTS', name) .. ': more than ' .. MAX_ARGS .. ' arguments')
  end
  local transport, coordinator, pending = engine.transport, engine.coordinator, engine.pending
  -- A name this side's ownership record does not know ends here, without a metrics row: a row per name a client made
  -- up would grow without bound (only a coordinator that keeps the record, the bridge's, can tell).
  if not engine.handlers[name] and coordinator.localAddress and coordinator.localAddress(name) == nil then
    local counters = engine.metrics.counters
    counters.notFound = counters.notFound + 1
    return done(false, 'NOT_FOUND', errors.message('NOT_FOUND', name))
  end
  local me = transport.resource
  local address = engine.handlers[name] and me or (coordinator.localAddress and coordinator.localAddress(name)) or BRIDGE
  local id, now = engine:newId(), transport.now()
  engine.metrics:started('caller', name)
  -- The one pending table: the deadline, a player's drop and the serving resource's stop end it as any call.
  pending:add({
    id = id, name = name, player = from, resource = address, startedAt = now,
    deadline = now + (options and options.timeout or engine.config.timeout), done = ended, engine = engine, callDone = done,
  })
  local function reply(ok, ...) settleReply(pending, id, name, ok, ...) end
  if address == me then
    -- Served here without an event: the handler's checks and deadline still apply.
    engine.responder:handle({ player = from, resource = me, localReply = reply }, id, name, args, 1, n)
  else
    local buf = { from, name, n }
    for i = 1, n do buf[3 + i] = args[i] end
    buf[n + 4] = reply
    transport.emitLocal(M.event(address), unpack(buf, 1, n + 4))
  end
  engine:wake()
end

return M
