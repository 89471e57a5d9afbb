-- callback_bridge Lua twin: the requests one side waits on. Twin of src/core/pending-requests.ts.
-- Every way a request ends (reply, error reply, timeout, drop, resource stop) goes through `settle`, the one place
-- that removes an entry, so no path can forget the deadline or the indexes.
local use = ...
local errors = use('errors')

local ceil, next, huge = math.ceil, next, math.huge

---Deadlines are rounded up to slots this wide (ms) before they are compared with now (both twins, the same frame).
local SLOT_MS = 10

---@class PendingRequest
---@field id integer
---@field name string
---@field player integer the player on the other end (server side), or 0 on a client
---@field resource string the resource that answers: its stop ends the request
---@field startedAt number
---@field deadline number
---@field done fun(entry: PendingRequest, ok: boolean, a: any, b: any, c: any) called once, after the entry is gone
---@field qprev PendingRequest|nil the table's link: the request before it in its group
---@field qnext PendingRequest|nil the table's link: the request after it in its group
---@field qgroup DeadlineGroup|nil the table's link: its group

---The requests with one time to live (`deadline - startedAt`): since time only moves forward, each one joins the end
---and they come due from the front. A settled request leaves its list at once, so nothing stays behind it.
---@class DeadlineGroup
---@field ttl number
---@field head PendingRequest|nil
---@field tail PendingRequest|nil

---@class PendingRequests
---@field size integer
---@field byId table<integer, PendingRequest>
---@field byPlayer table<integer, table<integer, true>>
---@field groups table<number, DeadlineGroup> lists of requests with a deadline, by time to live; a list goes with its last request
local Pending = {}
Pending.__index = Pending

---@return PendingRequests
function Pending.new()
  return setmetatable({ size = 0, byId = {}, byPlayer = {}, groups = {} }, Pending)
end

local function slotOf(deadline)
  return ceil(deadline / SLOT_MS) * SLOT_MS
end

---@param id integer
---@return PendingRequest|nil
function Pending:get(id)
  return self.byId[id]
end

---@param entry PendingRequest
function Pending:add(entry)
  local id = entry.id
  self.byId[id] = entry
  self.size = self.size + 1
  local player = entry.player
  if player ~= 0 then
    local set = self.byPlayer[player]
    if not set then
      set = {}
      self.byPlayer[player] = set
    end
    set[id] = true
  end
  local deadline = entry.deadline
  if deadline < huge then
    local ttl = deadline - entry.startedAt
    local group = self.groups[ttl]
    if not group then
      group = { ttl = ttl }
      self.groups[ttl] = group
    end
    entry.qgroup = group
    -- Time only moves forward, so this is the end; a clock that went back walks to its place.
    local after = group.tail
    while after and after.deadline > deadline do after = after.qprev end
    entry.qprev = after
    local following
    if after then following = after.qnext else following = group.head end
    entry.qnext = following
    if following then following.qprev = entry else group.tail = entry end
    if after then after.qnext = entry else group.head = entry end
  end
end

---Takes `entry` out of its deadline list (and the list out of the table once empty).
local function unlink(self, entry)
  local group, before, after = entry.qgroup, entry.qprev, entry.qnext
  if before then before.qnext = after else group.head = after end
  if after then after.qprev = before else group.tail = before end
  entry.qprev, entry.qnext, entry.qgroup = nil, nil, nil
  if not group.head then self.groups[group.ttl] = nil end
end

---Ends request `id` and calls its `done(entry, ok, a, b, c)`: `(true, values, first, count)` for a reply,
---`(false, code, message)` for a failure. Returns false when it was already settled (a late or duplicate answer).
---@return boolean
function Pending:settle(id, ok, a, b, c)
  local entry = self.byId[id]
  if not entry then return false end
  self.byId[id] = nil
  self.size = self.size - 1
  local player = entry.player
  if player ~= 0 then
    local set = self.byPlayer[player]
    if set then
      set[id] = nil
      if next(set) == nil then self.byPlayer[player] = nil end
    end
  end
  if entry.qgroup then unlink(self, entry) end
  entry.done(entry, ok, a, b, c)
  return true
end

---Ends request `id` with a coded error (the default message unless one is given).
---@param id integer
---@param code CallbackErrorCode
---@param message? string
---@return boolean
function Pending:fail(id, code, message)
  local entry = self.byId[id]
  if not entry then return false end
  return self:settle(id, false, code, message or errors.message(code, entry.name))
end

---Times out everything whose deadline slot is at or before `now`; returns how many.
---@param now number
---@return integer
function Pending:expire(now)
  local any = false
  for _, group in pairs(self.groups) do
    if slotOf(group.head.deadline) <= now then
      any = true
      break
    end
  end
  if not any then return 0 end
  local n, due = 0, {}
  -- Listed first: a `done` may start a call, which may add a group (no new keys during a traversal).
  for _, group in pairs(self.groups) do due[#due + 1] = group end
  for i = 1, #due do
    local group = due[i]
    -- Failing one may settle others (its `done` can): the front is read again each time.
    while group.head and slotOf(group.head.deadline) <= now do
      if self:fail(group.head.id, 'TIMEOUT') then n = n + 1 end
    end
  end
  return n
end

---The earliest deadline slot of a request still waiting, or math.huge.
---@return number
function Pending:nextDeadline()
  local nextAt = huge
  for _, group in pairs(self.groups) do
    local slot = slotOf(group.head.deadline)
    if slot < nextAt then nextAt = slot end
  end
  return nextAt
end

---Ends each request of the list `ids` with `code` (ids collected first: failing one changes the sets); returns how
---many were still waiting.
---@param pending PendingRequests
---@param ids integer[]
---@param code CallbackErrorCode
---@return integer
local function failEach(pending, ids, code)
  local n = 0
  for i = 1, #ids do
    if pending:fail(ids[i], code) then n = n + 1 end
  end
  return n
end

---Ends every request to or from `player` (a drop ends them at once).
---@param player integer
---@param code CallbackErrorCode
---@return integer
function Pending:failPlayer(player, code)
  local set = self.byPlayer[player]
  if not set then return 0 end
  local ids = {}
  for id in pairs(set) do ids[#ids + 1] = id end
  return failEach(self, ids, code)
end

---Ends every request `match` accepts (a stopped resource, a shutdown).
---@param match fun(entry: PendingRequest): boolean
---@param code CallbackErrorCode
---@return integer
function Pending:failWhere(match, code)
  local ids = {}
  for id, entry in pairs(self.byId) do
    if match(entry) then ids[#ids + 1] = id end
  end
  return failEach(self, ids, code)
end

---How many requests wait on `player`.
---@param player integer
---@return integer
function Pending:countFor(player)
  local set, n = self.byPlayer[player], 0
  if set then for _ in pairs(set) do n = n + 1 end end
  return n
end

return Pending
