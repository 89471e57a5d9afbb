-- callback_bridge Lua twin: token buckets keyed by anything. Twin of src/core/token-bucket.ts.
-- A bucket starts full, refills at `rate` tokens per second up to `burst`, and a refused take costs nothing.

---@class BucketLimits
---@field rate number tokens per second
---@field burst number largest number of tokens a bucket holds

---@class RateLimiter
---@field limits BucketLimits
---@field buckets table<any, { tokens: number, at: number }>
local Limiter = {}
Limiter.__index = Limiter

local min = math.min

---@param limits BucketLimits
---@return RateLimiter
function Limiter.new(limits)
  return setmetatable({ limits = limits, buckets = {} }, Limiter)
end

---`key`'s bucket refilled up to time `now` (created full).
local function refill(self, key, now)
  local limits = self.limits
  local b = self.buckets[key]
  if not b then
    b = { tokens = limits.burst, at = now }
    self.buckets[key] = b
  elseif now > b.at then
    b.tokens = min(limits.burst, b.tokens + (now - b.at) / 1000 * limits.rate)
    b.at = now
  end
  return b
end

---Takes `cost` (default 1) tokens from `key`'s bucket at time `now` (ms); false when there are not enough.
---@param key any
---@param now number
---@param cost? number
---@return boolean
function Limiter:take(key, now, cost)
  cost = cost or 1
  local b = refill(self, key, now)
  if b.tokens < cost then return false end
  b.tokens = b.tokens - cost
  return true
end

---Tokens in `key`'s bucket at time `now`, taking none (to check two buckets before charging either).
---@param key any
---@param now number
---@return number
function Limiter:available(key, now)
  return refill(self, key, now).tokens
end

---Takes `cost` tokens from `key`'s bucket as `available` just left it at the same time (no second refill): the
---caller checked there are enough. Twin of RateLimiter.spend.
---@param key any
---@param cost number
function Limiter:spend(key, cost)
  local b = self.buckets[key]
  b.tokens = b.tokens - cost
end

---Forgets buckets that have refilled completely, so idle keys do not accumulate.
---@param now number
function Limiter:sweep(now)
  local limits = self.limits
  for key, b in pairs(self.buckets) do
    if b.tokens + (now - b.at) / 1000 * limits.rate >= limits.burst then self.buckets[key] = nil end
  end
end

---Forgets one key (a player who dropped).
function Limiter:forget(key)
  self.buckets[key] = nil
end

return Limiter
