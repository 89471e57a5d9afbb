-- Our CfxLua runtime, part 4 of 9: the `promise` global (ref §5.2), our own implementation of the API and the
-- observable behaviour of the lua-promises library FiveM ships:
--   * states: 0 pending, 1 resolving, 2 rejecting, 3 resolved, 4 rejected. `p:resolve(v)`/`p:reject(e)` take ONE
--     value and only act on a pending promise;
--   * everything is synchronous: `:next` callbacks run inside `resolve`/`reject` (or inside `:next` when the
--     promise is already settled). While the children queued by `:next` run, the parent still reads 1 or 2; it
--     reads 3 or 4 once they all ran;
--   * a value that is a table with a callable `next` field (a thenable, e.g. another promise) is waited for and
--     the promise takes its outcome; the promise reads 1 meanwhile;
--   * a callback's return value becomes the child's value, a callback that raises rejects the child with the
--     error, a rejection handler that returns normally turns the child back to resolving;
--   * `promise.all` waits for every promise and rejects with the table of values if any rejected.
local R = ...
local rawtype = R.rawtype
local getmetatable, setmetatable, pcall = getmetatable, setmetatable, pcall

local PENDING, RESOLVING, REJECTING, RESOLVED, REJECTED = 0, 1, 2, 3, 4

---@class promise
---@field state integer 0 pending, 1 resolving, 2 rejecting, 3 resolved, 4 rejected
---@field value any
---@field queue promise[]
---@field onResolved function|nil
---@field onRejected function|nil
local Promise = {}
Promise.__index = Promise

---@param f any
---@return boolean
local function callable(f)
  local t = rawtype(f)
  if t == 'function' then return true end
  if t ~= 'table' then return false end
  local mt = getmetatable(f)
  return mt ~= nil and rawtype(mt.__call) == 'function'
end

---@param onResolved? function
---@param onRejected? function
---@return promise
local function create(onResolved, onRejected)
  return setmetatable({ state = PENDING, queue = {}, onResolved = onResolved, onRejected = onRejected }, Promise)
end

---Gives the final outcome to the queued children, then records it.
---@param p promise
---@param final integer RESOLVED or REJECTED
local function finish(p, final)
  local q, i = p.queue, 1
  while q[i] ~= nil do
    if final == RESOLVED then q[i]:resolve(p.value) else q[i]:reject(p.value) end
    i = i + 1
  end
  p.state = final
end

local run

---Waits for a thenable `v`, then runs `p` again with what it delivered (first answer wins).
---@param p promise
---@param v table
---@param nextFn function
local function adopt(p, v, nextFn)
  local answered = false
  local ok, err = pcall(nextFn, v, function(x)
    if answered then return end
    answered = true
    p.value, p.state = x, RESOLVING
    run(p)
  end, function(e)
    if answered then return end
    answered = true
    p.value, p.state = e, REJECTING
    run(p)
  end)
  if not ok and not answered then
    p.value, p.state = err, REJECTING
    run(p)
  end
end

---Moves a resolving/rejecting promise on: adopt a thenable, else apply its own callback and finish.
---@param p promise
run = function(p)
  local v = p.value
  local nextFn = nil
  if rawtype(v) == 'table' then nextFn = v.next end
  if nextFn ~= nil and callable(nextFn) then return adopt(p, v, nextFn) end
  local ok, result
  if p.state == RESOLVING then
    if callable(p.onResolved) then ok, result = pcall(p.onResolved, v) end
  elseif p.state == REJECTING then
    if callable(p.onRejected) then
      ok, result = pcall(p.onRejected, v)
      if ok then p.state = RESOLVING end
    end
  end
  if ok ~= nil then
    p.value = result
    if not ok then return finish(p, REJECTED) end
  end
  if p.value == p then
    p.value = false -- lua-promises stores the first result of pcall(error, ...) here
    return finish(p, REJECTED)
  end
  finish(p, p.state == RESOLVING and RESOLVED or REJECTED)
end

---Resolves a pending promise with one value.
---@param value any
---@return promise self
function Promise:resolve(value)
  if self.state == PENDING then
    self.value, self.state = value, RESOLVING
    run(self)
  end
  return self
end

---Rejects a pending promise with one value.
---@param value any
---@return promise self
function Promise:reject(value)
  if self.state == PENDING then
    self.value, self.state = value, REJECTING
    run(self)
  end
  return self
end

---Chains callbacks; returns the child promise they settle.
---@param onResolved? fun(value: any): any
---@param onRejected? fun(err: any): any
---@return promise
function Promise:next(onResolved, onRejected)
  local child = create(onResolved, onRejected)
  if self.state == RESOLVED then
    child:resolve(self.value)
  elseif self.state == REJECTED then
    child:reject(self.value)
  else
    self.queue[#self.queue + 1] = child
  end
  return child
end

---@class promiselib
promise = {}

---A new pending promise; with a function, calls it with the promise and rejects it if the function raises.
---@param executor? fun(p: promise)
---@return promise
function promise.new(executor)
  if callable(executor) then
    local p = create()
    local ok, err = pcall(executor, p)
    if not ok then p:reject(err) end
    return p
  end
  return create()
end

---Settles once every promise has: resolves with the values by index, or rejects with them if any rejected.
---@param list promise[]
---@return promise
function promise.all(list)
  local p = create()
  local count = #list
  if count == 0 then return p:resolve({}) end
  local values, failed = {}, false
  local function settle(i, good)
    return function(v)
      values[i] = v
      if not good then failed = true end
      count = count - 1
      if count == 0 then
        if failed then p:reject(values) else p:resolve(values) end
      end
      return v
    end
  end
  for i = 1, count do list[i]:next(settle(i, true), settle(i, false)) end
  return p
end

---Settles like the first of `list` to settle.
---@param list promise[]
---@return promise
function promise.first(list)
  local p = create()
  for _, item in ipairs(list) do
    item:next(function(v) p:resolve(v) end, function(e) p:reject(e) end)
  end
  return p
end

---Calls `fn` on each element in turn, each time waiting for the promise it returns; resolves with the results.
---@param list any[]
---@param fn fun(item: any): promise
---@return promise
function promise.map(list, fn)
  local p = create()
  local results = {}
  local function step(i)
    if i > #list then return p:resolve(results) end
    fn(list[i]):next(function(v)
      results[#results + 1] = v
      step(i + 1)
    end, function(e) p:reject(e) end)
  end
  step(1)
  return p
end
