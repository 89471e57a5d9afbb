-- Our CfxLua runtime, part 3 of 9: threads (ref §5.2).
--
-- wasmoon cannot yield across a JS frame, so every thread is a Lua coroutine resumed from Lua code here; the JS
-- side only calls R.tick(now). The rules follow FXServer's bookmark scheduler (LuaScriptRuntime.cpp, fivem HEAD):
--   * `Wait(ms)` yields one value; a number or nil puts the thread back after `ms` (nil: 0). A thread that yields
--     anything else is left suspended for good.
--   * `CreateThread`/`SetTimeout` only record the thread; the record is handed to the scheduler when the current
--     entry into the runtime ends (R.flush). `ClearTimeout(id)` can only remove a record not handed over yet,
--     so it returns true within the entry that created the timer and false (and cancels nothing) afterwards.
--   * `CreateThreadNow` runs the thread at once, until its first yield, and returns true if it yielded.
--   * Threads due at a tick run in the order they were scheduled.
--   * `Citizen.Await(p)` on a pending promise yields a sentinel; the scheduler resumes the thread at once with a
--     function that resumes it again, the thread hangs it on `p:next` and parks. Settling `p` resumes the thread
--     synchronously, inside `resolve`/`reject`.
--   * A thread that raises prints `SCRIPT ERROR: <message>` and a `> name (file:line)` trace.
local R = ...
local N = R.N
local rawtype = R.rawtype

local co_create, co_resume, co_yield = coroutine.create, coroutine.resume, coroutine.yield
local co_status, co_running, co_close = coroutine.status, coroutine.running, coroutine.close
local debug_getinfo, getmetatable, pcall, concat = debug.getinfo, getmetatable, pcall, table.concat
local floor, ceil, tointeger, huge = math.floor, math.ceil, math.tointeger, math.huge
local now, wakeAt, scriptError = N.now, N.wakeAt, N.scriptError

---The value `Citizen.Await` yields to ask the scheduler for a way back in.
local AWAIT = setmetatable({}, { __name = 'AwaitSentinel', __tostring = function() return 'AwaitSentinel' end })

---@class SleepingThread
---@field co thread
---@field at number virtual ms at which it is due

---@type SleepingThread[] scheduled threads, in the order they were scheduled
local sleeping = {}
---@type { id: integer, co: thread, delay: number }[] created during the current entry, not scheduled yet
local pending = {}
local lastId = 0

---The frames of `co` (or of the running thread from `level` up), the way FiveM's FORMAT_STACK_TRACE lists them:
---`> name (file:line)`, frames of C functions and of the runtime files left out.
---@param co thread|nil
---@param level integer
---@return string
local function stackText(co, level)
  local lines = {}
  while true do
    local info
    if co then info = debug_getinfo(co, level, 'Sln') else info = debug_getinfo(level, 'Sln') end
    if not info then break end
    local src = info.source or '='
    if src:sub(1, 1) ~= '=' and src:sub(1, 10) ~= '@citizen:/' then
      lines[#lines + 1] = ('> %s (%s:%d)'):format(info.name or '[global chunk]', src:sub(2), info.currentline or -1)
    end
    level = level + 1
  end
  return concat(lines, '\n')
end
R.stackText = stackText

---The message of an error object as the runtime prints it: a string as is, else its `__tostring`, else a notice.
---@param err any
---@return string
local function errorText(err)
  if rawtype(err) == 'string' then return err end
  local mt = getmetatable(err)
  if rawtype(mt) == 'table' and mt.__tostring then
    local ok, s = pcall(mt.__tostring, err)
    if ok and rawtype(s) == 'string' then return s end
  end
  return 'error object is not a string'
end
R.errorText = errorText

---Prints the SCRIPT ERROR of a thread that died, then closes it (its to-be-closed variables run).
---@param co thread
---@param err any
local function threadDied(co, err)
  local msg = errorText(err)
  local trace = stackText(co, 0)
  scriptError(trace ~= '' and (msg .. '\n' .. trace) or msg)
  local closed, cerr = co_close(co)
  if not closed and cerr ~= err then
    scriptError('Error while closing to-be-closed variables: ' .. errorText(cerr))
  end
end

---@param co thread
---@param ms number
local function sleep(co, ms)
  local at = now() + ms
  sleeping[#sleeping + 1] = { co = co, at = at }
  wakeAt(at)
end

local runThread

---Resumes `co` and files it according to what it yielded. Never raises.
---@param co thread
---@return boolean yielded true if the thread is still alive (waiting, awaiting or parked)
runThread = function(co)
  if co_status(co) ~= 'suspended' then return false end
  local ok, what = co_resume(co)
  if not ok then
    threadDied(co, what)
    return false
  end
  if co_status(co) == 'dead' then return false end
  if what == AWAIT then
    local ok2, err2 = co_resume(co, function() runThread(co) end)
    if not ok2 then
      threadDied(co, err2)
      return false
    end
    return co_status(co) ~= 'dead'
  end
  if what == nil then
    sleep(co, 0)
  elseif rawtype(what) == 'number' then
    sleep(co, what >= 0 and floor(what) or ceil(what))
  end
  return true
end
R.runThread = runThread

---A coroutine for `fn`; a callable table (a funcref) runs through a small Lua wrapper.
---@param fn function|table
---@return thread
local function newThread(fn)
  if rawtype(fn) ~= 'function' then
    local callee = fn
    fn = function(...) return callee(...) end
  end
  return co_create(fn)
end

---Hands the threads created during this entry to the scheduler (end of every entry into the runtime).
local function flush()
  if #pending == 0 then return end
  local list = pending
  pending = {}
  for i = 1, #list do sleep(list[i].co, list[i].delay) end
end
R.flush = flush

---@param co thread
---@param delay number
---@return integer id
local function record(co, delay)
  lastId = lastId + 1
  pending[#pending + 1] = { id = lastId, co = co, delay = delay }
  return lastId
end

---Runs `fn` as a new thread on the next tick.
---@param fn function
---@return integer id usable with ClearTimeout until the current entry ends
function Citizen.CreateThread(fn)
  return record(newThread(fn), 0)
end

---Runs `fn` as a new thread now, until its first yield.
---@param fn function
---@param name? string
---@return boolean yielded
function Citizen.CreateThreadNow(fn, name)
  return runThread(newThread(fn))
end

---Suspends the running thread for `ms` milliseconds (at least until the next tick).
---@param ms? number
function Citizen.Wait(ms)
  co_yield(ms)
end

---Runs `fn` as a new thread after `ms` milliseconds.
---@param ms number
---@param fn function
---@return integer id
function Citizen.SetTimeout(ms, fn)
  if rawtype(ms) ~= 'number' then
    local n = rawtype(ms) == 'string' and tonumber(ms)
    if not n then
      error(("bad argument #1 to 'SetTimeout' (number expected, got %s)"):format(ms == nil and 'no value' or rawtype(ms)), 2)
    end
    ms = n
  end
  return record(newThread(fn), ms >= 0 and floor(ms) or ceil(ms))
end

---Forgets a thread made by CreateThread/SetTimeout during the current entry into the runtime.
---@param id integer
---@return boolean removed
function Citizen.ClearTimeout(id)
  local n = tointeger(rawtype(id) == 'string' and tonumber(id) or id)
  if not n then
    local why = rawtype(id) == 'number' and 'number has no integer representation'
      or ('number expected, got ' .. (id == nil and 'no value' or rawtype(id)))
    error(("bad argument #1 to 'ClearTimeout' (%s)"):format(why), 2)
  end
  for i = 1, #pending do
    if pending[i].id == n then
      table.remove(pending, i)
      return true
    end
  end
  return false
end

---Suspends the running thread until `p` settles; returns its value or raises its rejection.
---@param p promise
---@return any
function Citizen.Await(p)
  local co = co_running()
  assert(co, 'Current execution context is not in the scheduler, you should use CreateThread / SetTimeout or Event system (AddEventHandler) to be able to Await')
  if p.state == 0 then
    local comeBack = co_yield(AWAIT)
    p:next(comeBack, comeBack)
    co_yield()
  end
  if p.state == 2 or p.state == 4 then error(p.value, 2) end
  return p.value
end

Wait = Citizen.Wait
CreateThread = Citizen.CreateThread
SetTimeout = Citizen.SetTimeout
ClearTimeout = Citizen.ClearTimeout

---JS entry: runs the threads due at `t`; returns when the next one is due (math.huge if none).
---@param t number
---@return number
function R.tick(t)
  local due, keep = {}, {}
  for i = 1, #sleeping do
    local s = sleeping[i]
    if s.at <= t then due[#due + 1] = s else keep[#keep + 1] = s end
  end
  sleeping = keep
  for i = 1, #due do runThread(due[i].co) end
  flush()
  local nextAt = huge
  for i = 1, #sleeping do
    if sleeping[i].at < nextAt then nextAt = sleeping[i].at end
  end
  return nextAt
end

---JS entry: runs a script's main chunk as a thread (FiveM does so since 2023), so its top level may Wait.
---@param chunk function
function R.runMain(chunk)
  runThread(co_create(chunk))
  flush()
end
