-- callback_bridge Lua twin: everything one engine sends in one tick, coalesced into one net event per (event,
-- target), so a script that fires 500 calls in one frame costs one event, not 500. Twin of src/engine/outbox.ts.
-- On a client the events are paced under FiveM's `netEvent` and `netEventSize` limiters; a frame too big for the
-- reliable channel goes alone as a latent event.
local use = ...
local protocol = use('protocol')
local size = use('size')
local Limiter = use('limiter')

---Upper bound of a frame's fixed part: kind (1), id (<= 5: ids stay in int32), count (1) or error code header (1).
local FRAME_OVERHEAD = 8

---@class OpenBatch
---@field event string
---@field target integer
---@field [integer] any the wire values, 1..n
---@field n integer
---@field size number estimated msgpack size once sealed, bytes
---@field latent boolean

---@class Outbox
---@field open table<string, table<integer, OpenBatch>> batches still being filled, by event then target
---@field queue OpenBatch[] sealed batches (full, or a big frame alone) waiting to be sent, in order
---@field head integer index of the first queued batch
---@field events RateLimiter|nil client only: events per second
---@field bytes RateLimiter|nil client only: reliable bytes per second
---@field sent { reliable: integer, latent: integer }
local Outbox = {}
Outbox.__index = Outbox

---`wake` runs whenever a frame is queued, so a frame queued outside the engine's tick and outside a net event (an
---answer after the handler waited) still gets flushed.
---@param transport Transport
---@param config EngineConfig
---@param wake fun()
---@return Outbox
function Outbox.new(transport, config, wake)
  local client = transport.side == 'client'
  return setmetatable({
    transport = transport,
    config = config,
    wake = wake,
    open = {},
    queue = {},
    head = 1,
    events = client and Limiter.new(config.sendRate) or nil,
    bytes = client and Limiter.new(config.sendBytes) or nil,
    sent = { reliable = 0, latent = 0 },
    -- A batch's fixed part: the array header (<= 5), version (1), sender name, end marker (1).
    baseSize = 7 + size.str(transport.resource),
  }, Outbox)
end

---@return boolean
function Outbox:idle()
  return next(self.open) == nil and self.head > #self.queue
end

---A new batch, of its fixed size so far (`baseSize`). The batch is its own buffer: the wire values at 1..n (only
---those are sent), its fields by name; the array part is made room for one small frame at once (no regrowth).
function Outbox:newBatch(event, target, latent)
  local b = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, event = event, target = target, n = 0, size = self.baseSize, latent = latent }
  b.n = protocol.begin(b, self.transport.resource)
  return b
end

---The batch a frame of `bytes` joins: the open one for (event, target) while it stays under the latent threshold,
---otherwise a new one; a frame bigger than the threshold travels alone, latent when allowed.
---@return OpenBatch
function Outbox:batchFor(event, target, bytes, allowLatent)
  self.wake()
  local limit = self.config.latentThreshold
  if bytes > limit then
    local alone = self:newBatch(event, target, allowLatent)
    alone.size = alone.size + bytes
    self.queue[#self.queue + 1] = alone
    return alone
  end
  local byTarget = self.open[event]
  if not byTarget then
    byTarget = {}
    self.open[event] = byTarget
  end
  local b = byTarget[target]
  if b and b.size + bytes > limit then
    self.queue[#self.queue + 1] = b
    b = nil
  end
  if not b then
    b = self:newBatch(event, target, false)
    byTarget[target] = b
  end
  b.size = b.size + bytes
  return b
end

---Queues a request; `args.n` is its count.
function Outbox:request(event, target, id, name, args)
  local b = self:batchFor(event, target, FRAME_OVERHEAD + size.of(name) + size.list(args, 1, args.n), true)
  b.n = protocol.putRequest(b, b.n, id, name, args)
end

---Queues a reply of `count` values `values[first ...]`.
function Outbox:reply(event, target, id, values, first, count, allowLatent)
  local b = self:batchFor(event, target, FRAME_OVERHEAD + size.list(values, first, count), allowLatent)
  b.n = protocol.putReply(b, b.n, id, values, first, count)
end

function Outbox:error(event, target, id, code, message)
  local b = self:batchFor(event, target, FRAME_OVERHEAD + size.of(code) + size.of(message), true)
  b.n = protocol.putError(b, b.n, id, code, message)
end

---Client pacing: charges one event, and the bytes of a reliable one, only when both buckets can pay.
---@param b OpenBatch
---@param now number
---@return boolean
function Outbox:pay(b, now)
  local events, bytes = self.events, self.bytes
  if not events or not bytes then return true end
  -- FiveM counts the event name (with its NUL) and the payload; a batch over the whole burst waits for a full bucket.
  local cost = b.latent and 0 or math.min(b.size + #b.event + 1, bytes.limits.burst)
  if events:available(0, now) < 1 or bytes:available(0, now) < cost then return false end
  events:spend(0, 1)
  bytes:spend(0, cost)
  return true
end

---@param b OpenBatch
function Outbox:send(b)
  self.transport.send(b.event, b.target, b, protocol.finish(b, b.n), b.latent)
  if b.latent then self.sent.latent = self.sent.latent + 1 else self.sent.reliable = self.sent.reliable + 1 end
end

---Sends what the budget allows: sealed batches first, in order, then this tick's open ones. On a client, a batch the
---budget cannot pay yet stays open and keeps filling, so everything a script calls while it waits leaves together in
---one event: waiting never grows a backlog of small events. Returns true while anything waits.
---@param now number
---@return boolean
function Outbox:flush(now)
  local queue, head = self.queue, self.head
  while head <= #queue do
    local b = queue[head]
    if not self:pay(b, now) then
      self.head = head
      return true
    end
    queue[head] = false
    head = head + 1
    self:send(b)
  end
  if head > 1 then self.queue, self.head = {}, 1 end
  for event, byTarget in pairs(self.open) do
    for target, b in pairs(byTarget) do
      if not self:pay(b, now) then return true end
      byTarget[target] = nil
      self:send(b)
    end
    self.open[event] = nil
  end
  return false
end

---Drops whatever waits for `target` (a player who dropped).
---@param target integer
function Outbox:forget(target)
  for event, byTarget in pairs(self.open) do
    byTarget[target] = nil
    if next(byTarget) == nil then self.open[event] = nil end
  end
  local kept = {}
  for i = self.head, #self.queue do
    local b = self.queue[i]
    if b.target ~= target then kept[#kept + 1] = b end
  end
  self.queue, self.head = kept, 1
end

return Outbox
