-- callback_bridge Lua twin: the requests one side waits on. Twin of src/core/pending-requests.ts.
-- Every way a request ends (reply, error reply, timeout, drop, resource stop) goes through `settle`, the one place
-- that removes an entry, so no path can forget the deadline or the indexes.
local use = ...
local Heap = use('heap')
local errors = use('errors')

local ceil, next = math.ceil, next

---Deadlines are grouped into slots this wide (ms): expiry runs per frame anyway, and a slot costs nothing per request.
local SLOT_MS = 10

---@class PendingRequest
---@field id integer
---@field name string
---@field player integer the player on the other end (server side), or 0 on a client
---@field resource string the resource that answers: its stop ends the request
---@field startedAt number
---@field deadline number
---@field done fun(entry: PendingRequest, ok: boolean, a: any, b: any, c: any) called once, after the entry is gone

---@class PendingRequests
---@field size integer
---@field byId table<integer, PendingRequest>
---@field byPlayer table<integer, table<integer, true>>
---@field slots table<number, table<integer, true>>
---@field heap MinHeap
local Pending = {}
Pending.__index = Pending

---@return PendingRequests
function Pending.new()
  return setmetatable({ size = 0, byId = {}, byPlayer = {}, slots = {}, heap = Heap.new() }, Pending)
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
  if entry.deadline < math.huge then
    local slot = slotOf(entry.deadline)
    local set = self.slots[slot]
    if not set then
      set = {}
      self.slots[slot] = set
      self.heap:push(slot)
    end
    set[id] = true
  end
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
  if entry.deadline < math.huge then
    -- The slot's set stays until its time comes, so the heap stays exact.
    local set = self.slots[slotOf(entry.deadline)]
    if set then set[id] = nil end
  end
  -- The last one gone: the slots of deadlines still to come are all empty. Dropped now, since an engine with nothing
  -- pending stops ticking and would keep them until its next call.
  if self.size == 0 and self.heap.size > 0 then
    self.slots = {}
    self.heap:clear()
  end
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

---Times out everything whose deadline is at or before `now`; returns how many.
---@param now number
---@return integer
function Pending:expire(now)
  local n, heap = 0, self.heap
  while heap.size > 0 and heap[1] <= now do
    local slot = heap:pop()
    local ids = self.slots[slot]
    self.slots[slot] = nil
    if ids then
      -- Every deadline in a slot is at or before the slot's time, so the whole slot is due.
      for id in pairs(ids) do
        if self:fail(id, 'TIMEOUT') then n = n + 1 end
      end
    end
  end
  return n
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
