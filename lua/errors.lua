-- callback_bridge Lua twin: the closed list of failure codes and their default messages.
-- Twin of src/core/errors.ts: the texts must stay identical (callers compare them across runtimes).

---@alias CallbackErrorCode
---| 'NOT_FOUND' | 'TIMEOUT' | 'RATE_LIMITED' | 'PAYLOAD_TOO_LARGE' | 'INVALID_ARGUMENTS'
---| 'FORBIDDEN' | 'HANDLER_ERROR' | 'PLAYER_DROPPED' | 'RESOURCE_STOPPED' | 'BUSY'

local M = {}

---Every engine failure code, in the order of the TS list.
M.CODES = {
  'NOT_FOUND', 'TIMEOUT', 'RATE_LIMITED', 'PAYLOAD_TOO_LARGE', 'INVALID_ARGUMENTS',
  'FORBIDDEN', 'HANDLER_ERROR', 'PLAYER_DROPPED', 'RESOURCE_STOPPED', 'BUSY',
}

---What follows `callback '<name>'` in each default message.
local TAILS = {
  NOT_FOUND = ' does not exist',
  TIMEOUT = ' timed out',
  RATE_LIMITED = ' is rate limited, try again later',
  PAYLOAD_TOO_LARGE = ' payload is too large',
  INVALID_ARGUMENTS = ' received invalid arguments',
  FORBIDDEN = ' is not allowed for this player',
  HANDLER_ERROR = ' failed on the other side',
  PLAYER_DROPPED = ' ended: the player dropped',
  RESOURCE_STOPPED = ' ended: a resource stopped',
  BUSY = ' refused: too many requests in flight',
}

---Whether `value` is one of the codes (for data that arrives over the wire).
---@param value any
---@return boolean
function M.isCode(value)
  return type(value) == 'string' and TAILS[value] ~= nil
end

---What a caller reads when nothing more specific was said.
---@param code CallbackErrorCode
---@param callback string
---@return string
function M.message(code, callback)
  -- Concatenation, not string.format: a callback name may contain '%'.
  return "callback '" .. tostring(callback) .. "'" .. TAILS[code]
end

return M
