-- callback_bridge Lua twin: the call queue (seed "Community Bridge", Queue Management). Twin of
-- src/engine/call-queue.ts; both run test/vectors/queue.json.
--
-- Calls wait their turn: at most `concurrency` are in flight at once, the highest `priority` starts first (first
-- come, first served among equals). A started call is a normal engine call (timeout, retries, error codes) and holds
-- its slot until it ends, retries included. Waiting does not count toward the call's timeout.
--
--   local q = CallbackBridge.CreateQueue({ concurrency = 2, maxQueued = 100 })
--   q:TriggerServerCallback({ name = 'shop:buy', priority = 5, timeout = 5000 }, function(ok, err) end, item)
--   local price, err = q:TriggerServerCallbackPromise({ name = 'shop:price', priority = 1 }, item)
--   q:Size(), q:Running(), q:Clear()
--
-- A call that never starts ends with BUSY (queue full, or cleared) or RESOURCE_STOPPED (this resource stopped).
local use = ...
local errors = use('errors')
local Heap = use('heap')

local pack, type = table.pack, type

local M = {}

-- ---- the scheduler ---------------------------------------------------------------------------------------------

---@class QueuedJob
---@field priority number
---@field start fun(job: QueuedJob) starts the call; it must end with `CallQueue:finished()`, even synchronously

---@class CallQueue
---@field concurrency integer
---@field maxQueued number
---@field size integer jobs waiting
---@field running integer jobs started and not ended
---@field heap MinHeap entries, best first (removed ones stay until they come up)
local Scheduler = {}
Scheduler.__index = Scheduler

local function positiveInteger(value, what, fallback)
  if value == nil then return fallback end
  if type(value) ~= 'number' or not (value >= 1) or (value ~= math.huge and math.type(value) ~= 'integer' and value % 1 ~= 0) then
    error(("queue option '%s' must be a positive integer"):format(what), 4)
  end
  return value
end

---Whether entry `a` starts before entry `b`.
local function before(a, b)
  local pa, pb = a.job.priority, b.job.priority
  return pa > pb or (pa == pb and a.seq < b.seq)
end

---@param options? { concurrency?: integer, maxQueued?: integer }
---@return CallQueue
function M.scheduler(options)
  options = options or {}
  if type(options) ~= 'table' then error('queue options must be a table', 3) end
  return setmetatable({
    concurrency = positiveInteger(options.concurrency, 'concurrency', 1),
    maxQueued = positiveInteger(options.maxQueued, 'maxQueued', math.huge),
    size = 0, running = 0, seq = 0, pumping = false, heap = Heap.new(before),
  }, Scheduler)
end

---Queues `job` (it may start before this returns). Returns its entry (for `remove`), or nil when the queue is full.
---@param job QueuedJob
---@return table|nil
function Scheduler:push(job)
  local p = job.priority
  if type(p) ~= 'number' or p ~= p or p == math.huge or p == -math.huge then error('queue: priority must be a finite number', 3) end
  if self.size >= self.maxQueued then return nil end
  self.seq = self.seq + 1
  local e = { job = job, seq = self.seq, removed = false }
  self.heap:push(e)
  self.size = self.size + 1
  self:pump()
  return e
end

---Removes a waiting entry; false once it started (or was removed).
---@return boolean
function Scheduler:remove(e)
  if e.removed then return false end
  e.removed = true
  self.size = self.size - 1
  return true
end

---A started job ended: its slot goes to the next waiting job at once.
function Scheduler:finished()
  if self.running <= 0 then error('queue: finished() without a running job', 2) end
  self.running = self.running - 1
  self:pump()
end

---Removes every waiting job and returns them, best first (running jobs are not touched).
---@return QueuedJob[]
function Scheduler:drain()
  local jobs = {}
  local heap = self.heap
  for e in heap.pop, heap do
    if not e.removed then
      e.removed = true
      jobs[#jobs + 1] = e.job
    end
  end
  self.size = 0
  return jobs
end

function Scheduler:pump()
  if self.pumping then return end -- the outer loop picks up the slot
  self.pumping = true
  local ok, err = pcall(function()
    while self.running < self.concurrency and self.size > 0 do
      local e = self.heap:pop()
      if not e.removed then
        e.removed = true
        self.size = self.size - 1
        self.running = self.running + 1
        e.job:start()
      end
    end
  end)
  self.pumping = false
  if not ok then error(err, 0) end
end

-- ---- queues over the engine --------------------------------------------------------------------------------------

local CLEARED = " refused: the queue was cleared before it started"
local FULL = " refused: the queue is full"

---@class CallbackQueue
---@field scheduler CallQueue
local Queue = {}
Queue.__index = Queue

---Queues one call; `done` gets the engine's outcome `(true, values, first, count)` or `(false, code, message)`.
function Queue:call(target, name, args, options, priority, done)
  if self.stopped then return done(false, 'RESOURCE_STOPPED', errors.message('RESOURCE_STOPPED', name)) end
  local engine, scheduler = self.engine, self.scheduler
  local job = { priority = priority }
  function job.start()
    engine:call(target, name, args, options, function(ok, a, b, c)
      scheduler:finished()
      done(ok, a, b, c)
    end)
  end
  function job.ended(code)
    done(false, code, code == 'BUSY' and ("callback '" .. name .. "'" .. CLEARED) or errors.message(code, name))
  end
  if not scheduler:push(job) then done(false, 'BUSY', "callback '" .. name .. "'" .. FULL) end
end

---Ends every waiting call with `code`; returns how many.
function Queue:endWaiting(code)
  local jobs = self.scheduler:drain()
  for i = 1, #jobs do jobs[i].ended(code) end
  return #jobs
end

---Calls waiting for a slot.
---@return integer
function Queue:Size() return self.scheduler.size end

---Calls started and not ended yet.
---@return integer
function Queue:Running() return self.scheduler.running end

---Ends every waiting call with BUSY (the closed code list has no "cancelled"; BUSY says what happened: refused for
---load before reaching a handler, nothing ran, safe to try again) and returns how many. Running calls go on.
---@return integer
function Queue:Clear() return self:endWaiting('BUSY') end

---Returns `create(options)`, making queues over `engine`. `nameAndOptions`, `toCallback` and `awaitCall` are
---lua/api.lua's, so a queued call reads its name table and hands its outcome over exactly as a plain one does.
---@param engine CallbackEngine
---@param nameAndOptions fun(spec: any): string|nil, table|string
---@param toCallback fun(cb: function|nil): CallDone
---@param awaitCall fun(start: fun(done: CallDone)): ... starts a call and waits: its values, or nil, message
---@return fun(options?: { concurrency?: integer, maxQueued?: integer }): CallbackQueue
function M.creator(engine, nameAndOptions, toCallback, awaitCall)
  local transport = engine.transport
  local live = setmetatable({}, { __mode = 'k' })
  transport.onResourceStop(function(name)
    if name ~= transport.resource then return end
    for q in pairs(live) do
      q.stopped = true
      q:endWaiting('RESOURCE_STOPPED')
    end
  end)

  ---The name, call options and priority of a trigger's first argument; raises at the script's line (level 4:
  ---parse <- trigger or await <- the queue's method <- the script).
  local function parse(self, method, spec)
    if getmetatable(self) ~= Queue then error(('use queue:%s(...), with a colon'):format(method), 4) end
    local name, options = nameAndOptions(spec)
    if not name then error(options, 4) end
    local priority = type(spec) == 'table' and spec.priority or 0
    if type(priority) ~= 'number' or priority ~= priority or priority == math.huge or priority == -math.huge then
      error("callback option 'priority' must be a finite number", 4)
    end
    return name, options, priority
  end

  local function trigger(self, method, target, spec, cb, ...)
    local name, options, priority = parse(self, method, spec)
    if cb ~= nil and type(cb) ~= 'function' and type(cb) ~= 'table' then error('cb must be a function', 3) end
    self:call(target, name, pack(...), options, priority, toCallback(cb))
  end

  local function await(self, method, target, spec, ...)
    local name, options, priority = parse(self, method, spec)
    local args = pack(...)
    return awaitCall(function(done) self:call(target, name, args, options, priority, done) end)
  end

  if transport.side == 'server' then
    ---Queued `TriggerClientCallback`: `cb(...)` with the client's values, or `cb(nil, message, timedOut)`.
    function Queue:TriggerClientCallback(playerId, spec, cb, ...)
      local player = tonumber(playerId)
      if not player then error('TriggerClientCallback(playerId, name, cb, ...): playerId must be a number', 2) end
      trigger(self, 'TriggerClientCallback', math.tointeger(player) or player, spec, cb, ...)
    end

    ---Queued `AwaitClientCallback`: the client's values, or `nil, message`.
    function Queue:AwaitClientCallback(playerId, spec, ...)
      local player = tonumber(playerId)
      if not player then error('AwaitClientCallback(playerId, name, ...): playerId must be a number', 2) end
      return await(self, 'AwaitClientCallback', math.tointeger(player) or player, spec, ...)
    end
  else
    ---Queued `TriggerServerCallback`: `cb(...)` with the server's values, or `cb(nil, message, timedOut)`.
    function Queue:TriggerServerCallback(spec, cb, ...) trigger(self, 'TriggerServerCallback', 0, spec, cb, ...) end

    ---Queued `TriggerServerCallbackPromise`: the server's values, or `nil, message`.
    function Queue:TriggerServerCallbackPromise(spec, ...) return await(self, 'TriggerServerCallbackPromise', 0, spec, ...) end
  end

  return function(options)
    local q = setmetatable({ engine = engine, scheduler = M.scheduler(options), stopped = false }, Queue)
    live[q] = true
    return q
  end
end

return M
