-- callback_bridge Lua twin: how a call's outcome reaches a Lua caller. The engine ends a call with
-- `done(ok, a, b, c)`: `(true, values, first, count)` or `(false, code, message)`; a cb form hands it to the cb in a
-- thread of its own, an await form waits for it in the calling thread. Used by the native API (lua/api.lua) and the
-- adapter pieces (adapters/<family>/import.lua) whose forms follow these rules.

local pack, unpack = table.pack, table.unpack

local M = {}

-- What the two thread bodies below run on, set right before CreateThreadNow starts one (at once, before anything else
-- can set them again): a delivery makes no closure.
local nextCb, nextA, nextB, nextC

local function deliverValues()
  local cb, a, b, c = nextCb, nextA, nextB, nextC
  nextCb, nextA = nil, nil
  cb(unpack(a, b, b + c - 1))
end

local function deliverFailure()
  local cb, code, message = nextCb, nextA, nextB
  nextCb, nextA, nextB = nil, nil, nil
  cb(nil, message, code == 'TIMEOUT')
end

---Calls `cb(...values)`, or on failure `cb(nil, message, timedOut)`, in its own thread (it may Wait; its errors are
---its own).
---@param transport table the engine's transport (threadNow)
---@param cb function
function M.deliver(transport, cb, ok, a, b, c)
  nextCb, nextA, nextB, nextC = cb, a, b, c
  transport.threadNow(ok and deliverValues or deliverFailure)
end

---Starts a call with `start(done)` and waits in the calling thread: the values, or `nil, message`.
---@param start fun(done: CallDone)
function M.await(start)
  local p = promise.new()
  -- Always resolve (a rejection would raise in Citizen.Await); the table says which it was.
  start(function(ok, a, b, c)
    if ok then p:resolve(pack(unpack(a, b, b + c - 1))) else p:resolve({ failed = true, message = b }) end
  end)
  local r = Citizen.Await(p)
  if r.failed then return nil, r.message end
  return unpack(r, 1, r.n)
end

return M
