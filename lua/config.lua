-- callback_bridge Lua twin: defaults and the `callback_bridge:*` convars over them. Twin of src/engine/config.ts.
-- Read when the engine starts; a client sees only replicated (`setr`) convars.

local M = {}

---@class EngineConfig
---@field timeout number default deadline of a call, ms
---@field rateLimit BucketLimits per player, per callback, where the handler runs
---@field maxPayload number largest request a handler accepts, bytes of msgpack (estimated)
---@field maxInFlightPerPlayer integer requests one player may have running in this resource's handlers
---@field maxInFlightTotal integer requests this resource's handlers may run at once, all players together
---@field latentThreshold number batches bigger than this go as latent events
---@field sendRate BucketLimits net events per second this resource sends, and the burst (client pacing)
---@field sendBytes BucketLimits reliable bytes per second a client resource sends, and the burst: under FiveM's
---netEventSize limiter (128 KiB/s, kick past a 384 KiB burst) with room left for the player's other events
---@field debug boolean

M.DEFAULTS = {
  timeout = 30000,
  rate = 10,
  burst = 20,
  maxPayload = 64 * 1024,
  maxInFlight = 32,
  maxInFlightTotal = 4096,
  latentThreshold = 32 * 1024,
  sendRate = 20,
  sendBurst = 40,
  sendBytesRate = 96 * 1024,
  sendBytesBurst = 256 * 1024,
}

---Reads the convars over the defaults; a value that is not a positive number keeps the default.
---@param getConvar fun(name: string, fallback: string): string
---@return EngineConfig
function M.read(getConvar)
  local d = M.DEFAULTS
  local function num(key)
    local v = tonumber(getConvar('callback_bridge:' .. key, ''))
    if v and v > 0 and v < math.huge then return v end
    return d[key]
  end
  return {
    timeout = num('timeout'),
    rateLimit = { rate = num('rate'), burst = num('burst') },
    maxPayload = num('maxPayload'),
    maxInFlightPerPlayer = num('maxInFlight'),
    maxInFlightTotal = num('maxInFlightTotal'),
    latentThreshold = num('latentThreshold'),
    sendRate = { rate = num('sendRate'), burst = num('sendBurst') },
    sendBytes = { rate = num('sendBytesRate'), burst = num('sendBytesBurst') },
    debug = getConvar('callback_bridge:debug', 'false') == 'true',
  }
end

return M
