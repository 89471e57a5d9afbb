-- callback_bridge Lua twin: per-callback metrics of one engine (calls, errors by code, in flight, latency).
-- Twin of src/engine/metrics.ts. Kept where the call is seen and pulled by the bridge when asked, never pushed.
local use = ...
local Histogram = use('histogram')

---@alias Role 'caller'|'handler'

---@class MetricsTable
---@field resource string
---@field entries table<string, { role: Role, name: string, calls: integer, inFlight: integer, errors: table<string, integer>, latency: Histogram }>
---@field counters { malformed: integer, lateReplies: integer, forgedReplies: integer, spoofed: integer, notFound: integer }
---Events that belong to no callback: malformed batches, late (or duplicate) replies, replies from the wrong player,
---locally spoofed net events, requests for names this engine does not serve.
local Metrics = {}
Metrics.__index = Metrics

---Players refused RATE_LIMITED the most, kept per engine: at most this many. Twin of LIMITED_PLAYERS_KEPT.
local LIMITED_KEPT = 16

local max = math.max

---@param resource string
---@return MetricsTable
function Metrics.new(resource)
  return setmetatable({
    resource = resource,
    entries = {},
    -- The same entries by role and name: the per-call path looks up without making a key string.
    byRole = { caller = {}, handler = {} },
    counters = { malformed = 0, lateReplies = 0, forgedReplies = 0, spoofed = 0, notFound = 0 },
    -- RATE_LIMITED refusals per player, at most LIMITED_KEPT players (space-saving top-k: a newcomer takes the
    -- place of the smallest count, plus one).
    limited = {},
    limitedCount = 0,
  }, Metrics)
end

function Metrics:entry(role, name)
  local named = self.byRole[role]
  local e = named[name]
  if not e then
    e = { role = role, name = name, calls = 0, inFlight = 0, errors = {}, latency = Histogram.new() }
    named[name] = e
    self.entries[role .. '\0' .. name] = e
  end
  return e
end

---@param role Role
---@param name string
function Metrics:started(role, name)
  local e = self.byRole[role][name] or self:entry(role, name)
  e.calls = e.calls + 1
  e.inFlight = e.inFlight + 1
end

---@param role Role
---@param name string
---@param ms number
---@param code? CallbackErrorCode
function Metrics:finished(role, name, ms, code)
  local e = self.byRole[role][name] or self:entry(role, name)
  e.inFlight = max(0, e.inFlight - 1)
  e.latency:record(ms)
  if code then e.errors[code] = (e.errors[code] or 0) + 1 end
end

---A call refused before it started (rate limit, size, validation...): counted, never in flight.
---@param player? integer the calling player (server side), for the RATE_LIMITED top list
function Metrics:refused(role, name, code, player)
  local e = self:entry(role, name)
  e.calls = e.calls + 1
  e.errors[code] = (e.errors[code] or 0) + 1
  if code == 'RATE_LIMITED' and player and player > 0 then self:countLimited(player) end
end

function Metrics:countLimited(player)
  local limited = self.limited
  local n = limited[player]
  if n then
    limited[player] = n + 1
    return
  end
  local floor = 0
  if self.limitedCount >= LIMITED_KEPT then
    local smallest
    floor = math.huge
    for p, c in pairs(limited) do
      if c < floor then smallest, floor = p, c end
    end
    limited[smallest] = nil
  else
    self.limitedCount = self.limitedCount + 1
  end
  limited[player] = floor + 1
end

---`{ { player, refusals }, ... }`, the most refused first.
---@return table[]
function Metrics:limitedPlayers()
  local out = {}
  for p, c in pairs(self.limited) do out[#out + 1] = { p, c } end
  table.sort(out, function(a, b) return a[2] > b[2] end)
  return out
end

---Starts counting again (the bridge's cbmetrics_reset); calls still in flight stay counted as such.
function Metrics:reset()
  for key, e in pairs(self.entries) do
    if e.inFlight == 0 then
      self.entries[key] = nil
      self.byRole[e.role][e.name] = nil
    else
      e.calls = 0
      e.errors = {}
      e.latency:reset()
    end
  end
  self.limited, self.limitedCount = {}, 0
  for k in pairs(self.counters) do self.counters[k] = 0 end
end

---The rows the bridge collects. An empty `errors` table reaches JS as `[]` (msgpack cannot tell); the bridge's pull
---(src/bridge/metrics-pull.ts) turns it back into `{}`.
---@return table[]
function Metrics:snapshot()
  local out = {}
  for _, e in pairs(self.entries) do
    local errors = {}
    for code, n in pairs(e.errors) do errors[code] = n end
    out[#out + 1] = {
      name = e.name, role = e.role, resource = self.resource, calls = e.calls, errors = errors, inFlight = e.inFlight,
      p50 = e.latency:quantile(0.5), p95 = e.latency:quantile(0.95), p99 = e.latency:quantile(0.99), max = e.latency.max,
      sum = e.latency.sum, buckets = e.latency:buckets(),
    }
  end
  return out
end

return Metrics
