-- callback_bridge Lua twin: last tries for calls that end in NOT_FOUND (Engine:addFallback). Twin of
-- src/engine/fallbacks.ts. The engine knows no framework: an adapter that knows another way to reach a name (a
-- framework's own wire) adds a fallback, and every call of the engine, of any API, gets it.
--
-- A fallback is `fn(target, name, args, options, done) -> boolean`. `options` are the call's, with `timeout` set to
-- what is left of its deadline (0 or less when nothing is left). It returns false to decline, synchronously and
-- without calling `done`; true when it took the call: `done(ok, a, b, c)` then runs exactly once. Its NOT_FOUND passes
-- the call on to the next fallback; after the last one the call ends with the engine's own NOT_FOUND. Metrics are its
-- own.

---@alias CallFallback fun(target: integer, name: string, args: table, options: CallOptions, done: CallDone): boolean

local ipairs, pairs = ipairs, pairs

local M = {}

---Adds `fn` to `engine.fallbacks`; returns the function that removes it. The list is replaced, never changed in
---place: a removal during a call's tries does not shift the list it walks.
---@param engine CallbackEngine
---@param fn CallFallback
---@return fun()
function M.add(engine, fn)
  local list = {}
  for i, f in ipairs(engine.fallbacks or {}) do list[i] = f end
  list[#list + 1] = fn
  engine.fallbacks = list
  return function()
    local kept = {}
    for _, f in ipairs(engine.fallbacks) do
      if f ~= fn then kept[#kept + 1] = f end
    end
    engine.fallbacks = kept
  end
end

---The `done` a call started now, with `timeout` ms to live, should end with: `done` itself while there is no
---fallback (nothing added per call), else `done` behind the fallbacks present when the call ends.
---@param engine CallbackEngine
---@param options CallOptions
---@param done CallDone
---@return CallDone
function M.around(engine, target, name, args, options, timeout, done)
  local list = engine.fallbacks
  if not list or not list[1] then return done end
  local now = engine.transport.now
  local deadline = now() + timeout
  return function(ok, a, b, c)
    if ok or a ~= 'NOT_FOUND' then return done(ok, a, b, c) end
    M.after(engine, target, name, args, options, deadline, done, ok, a, b, c)
  end
end

---Ends a call that ended NOT_FOUND, its deadline at `deadline`: through the fallbacks present now, then (when all
---passed) with that NOT_FOUND. `around` without a closure made per call (the engine's calls without retries).
---@param engine CallbackEngine
---@param done CallDone
function M.after(engine, target, name, args, options, deadline, done, ok, a, b, c)
  local list = engine.fallbacks
  local now = engine.transport.now
  local function from(first)
    for i = first, #list do
      local rest = {}
      for k, v in pairs(options) do rest[k] = v end
      rest.timeout = deadline - now()
      local taken = list[i](target, name, args, rest, function(ok2, a2, b2, c2)
        if not ok2 and a2 == 'NOT_FOUND' then return from(i + 1) end
        done(ok2, a2, b2, c2)
      end)
      if taken then return end
    end
    done(ok, a, b, c)
  end
  from(1)
end

return M
