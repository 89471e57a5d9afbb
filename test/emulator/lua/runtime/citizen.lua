-- Our CfxLua runtime, part 1 of 9 (2 is vector.lua): the `Citizen` table, `print`, `require`, and the internal natives.
--
-- Every file of test/emulator/lua/runtime/ is loaded by lua/runtime.ts with the chunk name
-- `@citizen:/scripting/lua/<file>` (so stack traces leave them out, as FiveM leaves out its own) and receives one
-- argument: `R`, a table private to the runtime. Files publish to R what later files or the JS side need:
--   R.N               the internal natives (C closures in runtime.ts), captured here once, so a script that
--                     overwrites a global cannot break the runtime
--   R.rawtype         the `type` of stock Lua (vector.lua replaces the global with a vector-aware one)
--   R.isServer        IsDuplicityVersion()
-- Written for this project from the behaviour described in reference/citizenfx-runtime.md; not FiveM's code.

local R = ...

---@class CfxInternalNatives
---@field print fun(text: string)
---@field scriptError fun(text: string)
---@field now fun(): number
---@field wakeAt fun(at: number)
---@field triggerEvent fun(name: string, payload: string): boolean
---@field triggerServerEvent fun(name: string, payload: string)
---@field triggerLatentServerEvent fun(name: string, payload: string, bps: number)
---@field triggerClientEvent fun(name: string, target: any, payload: string)
---@field triggerLatentClientEvent fun(name: string, target: any, payload: string, bps: number)
---@field registerEventHandler fun(name: string)
---@field cancelEvent fun()
---@field wasEventCanceled fun(): boolean
---@field invokeRef fun(ref: string, args: string): string
---@field duplicateRef fun(ref: string): string
---@field deleteRef fun(ref: string)
---@field makeRef fun(fn: function|table): string
R.N = {
  print = __cfx_print,
  scriptError = __cfx_scriptError,
  now = __cfx_now,
  wakeAt = __cfx_wakeAt,
  triggerEvent = __cfx_triggerEvent,
  triggerServerEvent = __cfx_triggerServerEvent,
  triggerLatentServerEvent = __cfx_triggerLatentServerEvent,
  triggerClientEvent = __cfx_triggerClientEvent,
  triggerLatentClientEvent = __cfx_triggerLatentClientEvent,
  registerEventHandler = __cfx_registerEventHandler,
  cancelEvent = __cfx_cancelEvent,
  wasEventCanceled = __cfx_wasEventCanceled,
  invokeRef = __cfx_invokeRef,
  duplicateRef = __cfx_duplicateRef,
  deleteRef = __cfx_deleteRef,
  makeRef = __cfx_makeRef,
}
R.rawtype = type
R.isServer = IsDuplicityVersion()

local N = R.N
local select, tostring, rawtype = select, tostring, type
local concat = table.concat

---@class CitizenLib
Citizen = Citizen or {}

---Writes `text` to the console as is (FiveM's `Citizen.Trace`; the console line ends where the text ends).
---@param text string
function Citizen.Trace(text)
  if rawtype(text) ~= 'string' and rawtype(text) ~= 'number' then
    error(("bad argument #1 to 'Trace' (string expected, got %s)"):format(text == nil and 'no value' or rawtype(text)), 2)
  end
  text = tostring(text)
  if text:sub(-1) == '\n' then text = text:sub(1, -2) end
  N.print(text)
end

---`print`: every argument through the current global `tostring`, joined with tabs, one console line.
function print(...)
  local n = select('#', ...)
  local parts = {}
  local tostr = _G.tostring
  for i = 1, n do
    local s = tostr((select(i, ...)))
    if rawtype(s) ~= 'string' then error("'tostring' must return a string to 'print'", 2) end
    parts[i] = s
  end
  N.print(concat(parts, '\t'))
end

-- The natives scripts may call by their FiveM names.
RegisterResourceAsEventHandler = N.registerEventHandler
CancelEvent = N.cancelEvent
WasEventCanceled = N.wasEventCanceled
DuplicateFunctionReference = N.duplicateRef
DeleteFunctionReference = N.deleteRef
Citizen.InvokeFunctionReference = N.invokeRef

-- FiveM's state has no `package`, `dofile` nor `loadfile`, and no io/os on clients. Its `require` only returns
-- modules that are already loaded and otherwise fails with "module 'x' not found".
local loaded = package and package.loaded or {}
dofile, loadfile, package = nil, nil, nil
if not R.isServer then
  io, os = nil, nil
  loaded.io, loaded.os = nil, nil
end
loaded.package = nil
loaded.msgpack = msgpack
R.loaded = loaded

---@param name string
---@return any
function require(name)
  if rawtype(name) ~= 'string' and rawtype(name) ~= 'number' then
    error(("bad argument #1 to 'require' (string expected, got %s)"):format(name == nil and 'no value' or rawtype(name)), 2)
  end
  local mod = loaded[name]
  if mod then return mod end
  error(("module '%s' not found"):format(name), 0)
end
