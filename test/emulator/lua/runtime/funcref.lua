-- Our CfxLua runtime, part 5 of 9: function references (ref §2.4).
--
-- A received funcref is a table `{ __cfx_functionReference = "res:inst:idx" }` with the metatable below (the codec
-- builds it through runtime.ts, which registered one more reference with DuplicateFunctionReference first).
-- Calling it packs the arguments with pack_args and goes through the host; the callee answers a msgpack array of
-- return values, `{ { __cfx_async_retval = setter } }` when it yielded, or nil when it failed.
-- The other direction, R.callRef, is how this runtime answers such a call for one of its own functions.
local R = ...
local N = R.N
local rawtype = R.rawtype

local pack, unpack, pack_args = msgpack.pack, msgpack.unpack, msgpack.pack_args
local rawget, error, xpcall, co_running = rawget, error, xpcall, coroutine.running
local table_unpack = table.unpack
local invokeRef, deleteRef, makeRef, scriptError = N.invokeRef, N.deleteRef, N.makeRef, N.scriptError
local stackText, tostring = R.stackText, tostring

---@class funcref
---@field __cfx_functionReference string

---The metatable every funcref table shares.
local funcrefMeta = {
  __gc = function(self)
    deleteRef(rawget(self, '__cfx_functionReference'))
  end,
  __index = function()
    error('Cannot index a funcref', 2)
  end,
  __newindex = function()
    error('Cannot set indexes on a funcref', 2)
  end,
  __call = function(self, ...)
    local ref = rawget(self, '__cfx_functionReference')
    local answer = invokeRef(ref, pack_args(...))
    local results = unpack(answer)
    local first = results and results[1]
    -- A callee that yielded answers a setter; inside a thread we wait for it (coroutine.running() is never
    -- nil in Lua 5.4, so at a script's top level this yields and fails like FiveM does).
    if rawtype(first) == 'table' and rawget(first, '__cfx_async_retval') and co_running() then
      local p = promise.new()
      first.__cfx_async_retval(function(values, err)
        if values then
          p:resolve(values)
        elseif err then
          p:reject(err)
        end
      end)
      return table_unpack(Citizen.Await(p))
    end
    if not results then error() end
    return table_unpack(results)
  end,
}
R.funcrefMeta = funcrefMeta

---A ref string for a function of this runtime (new index, no references yet), or nil for anything else.
---@param fn function|funcref
---@return string|nil
function Citizen.GetFunctionReference(fn)
  local t = rawtype(fn)
  if t == 'function' or (t == 'table' and rawget(fn, '__cfx_functionReference')) then
    return makeRef(fn)
  end
  return nil
end

---The xpcall handler of a ref call: the message and the stack where it was raised.
local function capture(err)
  return { msg = err, trace = stackText(nil, 2) }
end

---JS entry (ScriptRuntime.callRef): calls `fn` with the packed `args` in a new thread; returns the packed answer.
---@param fn function|funcref
---@param args string msgpack array
---@return string
function R.callRef(fn, args)
  local failure, retvals = nil, false
  local later = {}
  local yielded = Citizen.CreateThreadNow(function()
    local ok, caught = xpcall(function()
      retvals = { fn(table_unpack(unpack(args))) }
    end, capture)
    if not ok then
      local msg = rawtype(caught) == 'table' and caught.msg
      local text = msg == nil and '' or tostring(msg)
      failure = { text = text, trace = rawtype(caught) == 'table' and caught.trace or '' }
    end
    if later.cb then
      later.cb(retvals, failure and ('^1SCRIPT ERROR: %s^7\n%s'):format(failure.text, failure.trace) or nil)
    elseif failure then
      scriptError(failure.trace ~= '' and (failure.text .. '\n' .. failure.trace) or failure.text)
    end
  end)
  local answer
  if not yielded then
    answer = failure and pack(nil) or pack(retvals)
  else
    answer = pack({ { __cfx_async_retval = function(rvcb) later.cb = rvcb end } })
  end
  R.flush()
  return answer
end
