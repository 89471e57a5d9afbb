-- callback_bridge Lua twin: a bounded latency histogram. Twin of src/core/histogram.ts: fixed log-spaced buckets from
-- 0.25 ms to about 2 minutes, so memory never grows with traffic and p50/p95/p99 cost one pass over ~60 counters.

local BUCKETS = 60
local BASE = 0.25
local FACTOR = 1.25
local LOG_FACTOR = math.log(FACTOR)
---Upper bound of each bucket in ms (index 0 .. BUCKETS-1).
local BOUNDS = {}
for i = 0, BUCKETS - 1 do BOUNDS[i] = BASE * FACTOR ^ i end

---@class Histogram
---@field counts number[] index 0 .. BUCKETS (the last one holds everything past the bounds)
---@field count integer
---@field sum number
---@field max number
local Histogram = {}
Histogram.__index = Histogram

---@return Histogram
function Histogram.new()
  local counts = {}
  for i = 0, BUCKETS do counts[i] = 0 end
  return setmetatable({ counts = counts, count = 0, sum = 0, max = 0 }, Histogram)
end

---The bucket of a latency in ms: the one formula, for any value.
local function bucketOf(v)
  local i = v <= BASE and 0 or math.ceil(math.log(v / BASE) / LOG_FACTOR)
  if i > BUCKETS then i = BUCKETS end
  return i
end
---Whole milliseconds below this (the usual latencies: GetGameTimer counts whole ms) are looked up, not computed.
local TABLE_MS = 4096
local TABLE = {}
for ms = 0, TABLE_MS - 1 do TABLE[ms] = bucketOf(ms) end

---@param ms number
function Histogram:record(ms)
  local v = ms < 0 and 0 or ms
  local i = TABLE[v] or bucketOf(v)
  self.counts[i] = self.counts[i] + 1
  self.count = self.count + 1
  self.sum = self.sum + v
  if v > self.max then self.max = v end
end

---The `q` quantile (0..1) as the upper bound of the bucket it falls in; 0 when empty.
---@param q number
---@return number
function Histogram:quantile(q)
  if self.count == 0 then return 0 end
  local target = math.max(1, math.ceil(q * self.count))
  local seen = 0
  for i = 0, BUCKETS do
    seen = seen + self.counts[i]
    if seen >= target then
      if i == BUCKETS then return self.max end
      return math.min(BOUNDS[i], self.max)
    end
  end
  return self.max
end

---The count of each bucket as a 1-based list (BUCKETS + 1 long, the last past the bounds): what the bridge's metrics
---pull carries (a table keyed from 0 would cross msgpack as a map).
---@return number[]
function Histogram:buckets()
  local out, counts = {}, self.counts
  for i = 0, BUCKETS do out[i + 1] = counts[i] end
  return out
end

function Histogram:reset()
  local counts = self.counts
  for i = 0, BUCKETS do counts[i] = 0 end
  self.count, self.sum, self.max = 0, 0, 0
end

return Histogram
