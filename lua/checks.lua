-- callback_bridge Lua twin: the checks a request passes before its handler runs, in the TS order (src/engine/
-- checks.ts): rate limit, payload size, schema, ACE permission, requests in flight. The first that fails answers
-- the caller with its code, and the handler never runs.
local use = ...
local Limiter = use('limiter')
local size = use('size')
local validation = use('validation')

---@class RegisteredCallback
---@field name string
---@field style 'cb'|'return'
---@field handler function
---@field options CallbackOptions

---@class CallbackOptions
---@field timeout? number deadline for the handler, ms
---@field rateLimit? BucketLimits|false per player; false turns it off
---@field maxPayload? number largest accepted request, bytes
---@field validate? { required?: string[], types?: table<string, string> } checked against the first argument
---@field permission? string ACE object the calling player needs (server handlers)
---@field latent? boolean replies above the latent threshold may go as latent events (default true)
---@field allowOverride? boolean take the name over from another resource

---@class RequestChecks
---@field limiters table<string, RateLimiter> per callback name: one bucket per player
---@field running table<integer, integer> requests running in this engine's handlers, per player
---@field total integer
local Checks = {}
Checks.__index = Checks

---@param config EngineConfig
---@param transport Transport
---@return RequestChecks
function Checks.new(config, transport)
  return setmetatable({ config = config, transport = transport, limiters = {}, running = {}, total = 0 }, Checks)
end

---Runs the checks for `count` arguments `a[first ...]` from player `from` (0 on a client).
---@return CallbackErrorCode|nil code
---@return string|nil message safe to show the caller
function Checks:run(from, callback, a, first, count, now)
  local options = callback.options
  -- 1. rate limit, per player and callback
  local limits = options.rateLimit
  if limits ~= false and from ~= 0 then
    local limiter = self.limiters[callback.name]
    if not limiter then
      limiter = Limiter.new(limits or self.config.rateLimit)
      self.limiters[callback.name] = limiter
    end
    if not limiter:take(from, now) then return 'RATE_LIMITED' end
  end
  -- 2. payload size, on the estimated msgpack size
  local max = options.maxPayload or self.config.maxPayload
  if size.request(a, first, count, max) > max then return 'PAYLOAD_TOO_LARGE' end
  -- 3. schema, on the first argument
  local schema = options.validate
  if schema then
    -- A schema that raises refuses its call; it must not break the rest of the batch it came in.
    local ok, result = pcall(validation.validate, count > 0 and a[first] or nil, schema)
    if not ok then return 'INVALID_ARGUMENTS', 'the schema failed' end
    if not result.valid then return 'INVALID_ARGUMENTS', table.concat(result.errors, '; ') end
  end
  -- 4. ACE permission (server handlers only)
  local ace = options.permission
  if ace and from ~= 0 and not self.transport.allowed(from, ace) then return 'FORBIDDEN' end
  -- 5. requests in flight, in all and per player
  if self.total >= self.config.maxInFlightTotal then return 'BUSY' end
  if from ~= 0 and (self.running[from] or 0) >= self.config.maxInFlightPerPlayer then return 'BUSY' end
  return nil
end

---A handler started; pair every call with `finish`.
function Checks:begin()
  self.total = self.total + 1
end

function Checks:finish()
  local total = self.total - 1
  self.total = total > 0 and total or 0
end

---A handler of `from`'s returned without answering and keeps running: it counts against their in-flight limit until
---`release`. One that answered before it returned (the usual case) never held a slot another request could have
---seen, so the per-player table is touched only by handlers that wait. Twin of RequestChecks.hold.
function Checks:hold(from)
  if from ~= 0 then self.running[from] = (self.running[from] or 0) + 1 end
end

function Checks:release(from)
  if from == 0 then return end
  local n = (self.running[from] or 1) - 1
  self.running[from] = n > 0 and n or nil
end

---Forgets a player who dropped (their buckets).
function Checks:forgetPlayer(player)
  for _, limiter in pairs(self.limiters) do limiter:forget(player) end
end

---Forgets the buckets of a callback that is gone.
function Checks:forgetCallback(name)
  self.limiters[name] = nil
end

---Whether any player's rate bucket is kept: the engine ticks on until the sweep has freed them all.
---@return boolean
function Checks:holding()
  for _, limiter in pairs(self.limiters) do
    if next(limiter.buckets) ~= nil then return true end
  end
  return false
end

---Frees idle buckets.
function Checks:sweep(now)
  for _, limiter in pairs(self.limiters) do limiter:sweep(now) end
end

return Checks
