-- callback_bridge Lua twin: the wire protocol of src/protocol/frames.ts, read and written in place.
--
-- One net event carries every frame one resource sends one other resource in one tick:
--   cbb:q:<resource>  requests addressed to <resource> on the other side
--   cbb:r:<resource>  replies addressed to <resource> on the other side
-- Its arguments are flat, with explicit counts, so nils keep their place:
--   VERSION, FROM, frames..., END
--   REQUEST  1, id, name, argc, arg1 ... argN
--   REPLY    2, id, argc, value1 ... valueN
--   ERROR    3, id, code, message
-- END is a non-nil 0, so the receiver's `select('#', ...)` (and `#` on the unpacked table) sees every argument.
local use = ...
local errors = use('errors')

local type, tointeger, mtype = type, math.tointeger, math.type

local M = {}

M.VERSION = 1
M.REQUEST, M.REPLY, M.ERROR = 1, 2, 3
M.END = 0
---Most values one frame carries; the reader refuses more (an argc is one msgpack byte, and a bound for cheaters).
M.MAX_ARGS = 255

---@param resource string
---@return string
function M.requestEvent(resource) return 'cbb:q:' .. resource end

---Reply event names by resource: a server answers the same few resources all the time. Forgotten past 256 names.
local replyEvents, replyCount = {}, 0

---@param resource string
---@return string
function M.replyEvent(resource)
  local event = replyEvents[resource]
  if event then return event end
  event = 'cbb:r:' .. resource
  if replyCount >= 256 then replyEvents, replyCount = {}, 0 end
  replyEvents[resource], replyCount = event, replyCount + 1
  return event
end

---Names already found valid (a batch's sender is checked once, not per batch); forgotten past 256 names, so names a
---cheater makes up cannot grow it.
local validNames, validCount = {}, 0

---Whether `from` is a resource name as FiveM allows them (TS: /^[\w.\-:@\[\]]{1,64}$/).
---@param from any
---@return boolean
local function isResourceName(from)
  if validNames[from] then return true end
  local ok = type(from) == 'string' and #from >= 1 and #from <= 64 and from:find('^[%w_%.%-:@%[%]]+$') ~= nil
  if ok then
    if validCount >= 256 then validNames, validCount = {}, 0 end
    validNames[from], validCount = true, validCount + 1
  end
  return ok
end
M.isResourceName = isResourceName

-- Numbers are told by math.type (nil for anything else): CfxLua's `type` also names vectors, so it may be a Lua
-- function, and these run for every frame.

---A count as the reader accepts it: an integer in 0..MAX_ARGS.
local function isCount(x)
  return mtype(x) ~= nil and x % 1 == 0 and x >= 0 and x <= M.MAX_ARGS
end
M.isCount = isCount

---An id as the TS reader accepts it: a safe integer (JS numbers have no integer type, so 7.0 counts).
local function isId(x)
  return mtype(x) ~= nil and x % 1 == 0 and x >= -9007199254740991 and x <= 9007199254740991
end
M.isId = isId

---Walks a batch received as event arguments `a[1..n]`. Strict: anything off rejects the whole batch (it came from a
---cheater or a bug). Returns the sender and the frame count, or nil and the reason; with `frames`, the positions of
---the frames' kinds in `a` are written to it.
local function walk(a, n, frames)
  if a[1] ~= M.VERSION then return nil, 'unknown protocol version' end
  local from = a[2]
  if not isResourceName(from) then return nil, 'bad sender' end
  local count = 0
  local p = 3
  while p <= n do
    local kind = a[p]
    if kind == M.END then return from, count end
    if not isId(a[p + 1]) then return nil, 'bad id' end
    local size
    if kind == M.REQUEST then
      local argc = a[p + 3]
      if type(a[p + 2]) ~= 'string' or not isCount(argc) or p + 3 + argc > n then return nil, 'bad request' end
      size = 4 + argc
    elseif kind == M.REPLY then
      local argc = a[p + 2]
      if not isCount(argc) or p + 2 + argc > n then return nil, 'bad reply' end
      size = 3 + argc
    elseif kind == M.ERROR then
      if not errors.isCode(a[p + 2]) or type(a[p + 3]) ~= 'string' then return nil, 'bad error' end
      size = 4
    else
      return nil, 'bad frame kind'
    end
    count = count + 1
    if frames then frames[count] = p end
    p = p + size
  end
  return nil, 'missing end marker'
end

---Reads a batch received as event arguments `a[1..n]` (see `walk`). Returns the sender and the positions of the
---frames' kinds in `a`, or nil and the reason.
---@param a table
---@param n integer
---@return string|nil from
---@return integer[]|string frames or the reason
function M.read(a, n)
  local frames = {}
  local from, why = walk(a, n, frames)
  if not from then return nil, why end
  return from, frames
end

---Checks a batch as `read` does, without listing its frames (the engine's hot path): the sender and the frame
---count, or nil and the reason. The frames follow each other from position 3; `frameEnd` steps over one.
---@param a table
---@param n integer
---@return string|nil from
---@return integer|string count or the reason
function M.check(a, n)
  return walk(a, n, nil)
end

---The position after the frame at `p` of a batch `check` accepted.
---@param a table
---@param p integer
---@return integer
function M.frameEnd(a, p)
  local kind = a[p]
  if kind == M.REQUEST then return p + 4 + a[p + 3] end
  if kind == M.REPLY then return p + 3 + a[p + 2] end
  return p + 4
end

---One frame at position `p` of a batch `read` accepted, as a table (tools and tests; the engine reads in place).
---Lists carry their count in `n`, so nils keep their place.
---@param a table
---@param p integer
---@return table
function M.decode(a, p)
  local kind, id = a[p], tointeger(a[p + 1]) or a[p + 1]
  if kind == M.REQUEST then
    local argc = a[p + 3]
    return { kind = kind, id = id, name = a[p + 2], args = table.pack(table.unpack(a, p + 4, p + 3 + argc)) }
  elseif kind == M.REPLY then
    local argc = a[p + 2]
    return { kind = kind, id = id, values = table.pack(table.unpack(a, p + 3, p + 2 + argc)) }
  end
  return { kind = kind, id = id, code = a[p + 2], message = a[p + 3] }
end

---Starts a batch from resource `from` in `buf`; returns the count so far.
---@param buf table
---@param from string
---@return integer
function M.begin(buf, from)
  buf[1], buf[2] = M.VERSION, from
  return 2
end

---Appends a REQUEST frame; `args` holds its count in `args.n`. Returns the new count.
---@param buf table
---@param n integer
---@param id integer
---@param name string
---@param args table
---@return integer
function M.putRequest(buf, n, id, name, args)
  local argc = args.n
  buf[n + 1], buf[n + 2], buf[n + 3], buf[n + 4] = M.REQUEST, id, name, argc
  n = n + 4
  for i = 1, argc do buf[n + i] = args[i] end
  return n + argc
end

---Appends a REPLY frame with `count` values taken from `values[first ...]`. Returns the new count.
---@param buf table
---@param n integer
---@param id integer
---@param values table
---@param first integer
---@param count integer
---@return integer
function M.putReply(buf, n, id, values, first, count)
  buf[n + 1], buf[n + 2], buf[n + 3] = M.REPLY, id, count
  n = n + 3
  for i = 0, count - 1 do buf[n + 1 + i] = values[first + i] end
  return n + count
end

---Appends an ERROR frame. Returns the new count.
---@param buf table
---@param n integer
---@param id integer
---@param code CallbackErrorCode
---@param message string
---@return integer
function M.putError(buf, n, id, code, message)
  buf[n + 1], buf[n + 2], buf[n + 3], buf[n + 4] = M.ERROR, id, code, message
  return n + 4
end

---Ends a batch. Returns the final count.
---@param buf table
---@param n integer
---@return integer
function M.finish(buf, n)
  buf[n + 1] = M.END
  return n + 1
end

return M
