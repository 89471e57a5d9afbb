-- callback_bridge Lua twin: everything one engine sends in one tick, coalesced into one net event per (event,
-- target), so a script that fires 500 calls in one frame costs one event, not 500. Twin of src/engine/outbox.ts.
-- On a client the events are paced under FiveM's `netEvent` limiter; a frame too big for the reliable channel goes
-- alone as a latent event.
local use = ...
local protocol = use('protocol')
local size = use('size')
local Limiter = use('limiter')

---Every batch's fixed part: version, sender, end marker.
local BATCH_OVERHEAD = 48

---@class OpenBatch
---@field event string
---@field target integer
---@field buf table
---@field n integer
---@field size number
---@field latent boolean

---@class Outbox
---@field open table<string, OpenBatch> batches still being filled, by event..'|'..target
---@field queue OpenBatch[] sealed batches waiting for the send budget, in order
---@field head integer index of the first queued batch
---@field budget RateLimiter|nil client pacing
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
  return setmetatable({
    transport = transport,
    config = config,
    wake = wake,
    open = {},
    queue = {},
    head = 1,
    budget = transport.side == 'client' and Limiter.new(config.sendRate) or nil,
    sent = { reliable = 0, latent = 0 },
  }, Outbox)
end

---@return boolean
function Outbox:idle()
  return next(self.open) == nil and self.head > #self.queue
end

function Outbox:newBatch(event, target, latent)
  local buf = {}
  return { event = event, target = target, buf = buf, n = protocol.begin(buf, self.transport.resource), size = BATCH_OVERHEAD, latent = latent }
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
  local key = event .. '|' .. target
  local b = self.open[key]
  if b and b.size + bytes > limit then
    self.queue[#self.queue + 1] = b
    b = nil
  end
  if not b then
    b = self:newBatch(event, target, false)
    self.open[key] = b
  end
  b.size = b.size + bytes
  return b
end

---Queues a request; `args.n` is its count.
function Outbox:request(event, target, id, name, args)
  local b = self:batchFor(event, target, size.of(name) + size.list(args, 1, args.n) + 12, true)
  b.n = protocol.putRequest(b.buf, b.n, id, name, args)
end

---Queues a reply of `count` values `values[first ...]`.
function Outbox:reply(event, target, id, values, first, count, allowLatent)
  local b = self:batchFor(event, target, size.list(values, first, count) + 10, allowLatent)
  b.n = protocol.putReply(b.buf, b.n, id, values, first, count)
end

function Outbox:error(event, target, id, code, message)
  local b = self:batchFor(event, target, #message + #code + 12, true)
  b.n = protocol.putError(b.buf, b.n, id, code, message)
end

---Seals this tick's batches and sends what the budget allows; returns true while anything waits.
---@param now number
---@return boolean
function Outbox:flush(now)
  local queue = self.queue
  for key, b in pairs(self.open) do
    queue[#queue + 1] = b
    self.open[key] = nil
  end
  local send, budget = self.transport.send, self.budget
  local head = self.head
  while head <= #queue do
    local b = queue[head]
    if budget and not b.latent and not budget:take(0, now) then break end
    queue[head] = false
    head = head + 1
    send(b.event, b.target, b.buf, protocol.finish(b.buf, b.n), b.latent)
    if b.latent then self.sent.latent = self.sent.latent + 1 else self.sent.reliable = self.sent.reliable + 1 end
  end
  if head > #queue then
    self.queue, self.head = {}, 1
    return false
  end
  self.head = head
  return true
end

---Drops whatever waits for `target` (a player who dropped).
---@param target integer
function Outbox:forget(target)
  for key, b in pairs(self.open) do
    if b.target == target then self.open[key] = nil end
  end
  local kept = {}
  for i = self.head, #self.queue do
    local b = self.queue[i]
    if b.target ~= target then kept[#kept + 1] = b end
  end
  self.queue, self.head = kept, 1
end

return Outbox
