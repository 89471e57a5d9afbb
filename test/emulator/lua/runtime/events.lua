-- Our CfxLua runtime, part 6 of 9: events (ref §1.1, §1.2, §5.2, §5.5).
--
-- Handlers live in one table per event name, keyed by a counter shared by all events that starts at 11, and are
-- visited with `pairs`, so their order is Lua's hash order, as in FiveM (not always the order they were added).
-- Dispatch (R.dispatch, the JS entry for ScriptRuntime.dispatchEvent):
--   1. `_G.source` is set to the raw source string, and restored when dispatch ends;
--   2. the payload is unpacked first, even for a refused net event (funcrefs inside get their references);
--   3. a 'net:' event reaching a name that was never registered as a net event prints
--      `event <name> was not safe for net` and stops; otherwise `source` becomes the number after 'net:'
--      ('internal-net:' on the server gives its number too);
--   4. every handler runs in its own thread (CreateThreadNow), so it may Wait; `source` after a Wait is whatever
--      the runtime's current value is.
local R = ...
local N = R.N
local rawtype = R.rawtype

local pairs, pcall, getmetatable, tonumber = pairs, pcall, getmetatable, tonumber
local table_unpack, table_insert = table.unpack, table.insert
local unpack, pack_args = msgpack.unpack, msgpack.pack_args
local createThreadNow = Citizen.CreateThreadNow
local isServer = R.isServer

---@class EventEntry
---@field handlers table<integer, function|table>|nil
---@field safeForNet boolean|nil

---@type table<string, EventEntry>
local eventHandlers = {}
local lastKey = 10

---@param name string
---@param payload string msgpack array
---@param rawSource string '' | 'net:<id>' | 'internal-net:<id>'
local function dispatch(name, payload, rawSource)
  local previous = _G.source
  _G.source = rawSource
  local entry = eventHandlers[name]
  local data = unpack(payload)
  if entry and entry.handlers then
    if rawSource:sub(1, 3) == 'net' then
      if not entry.safeForNet then
        Citizen.Trace('event ' .. name .. ' was not safe for net\n')
        _G.source = previous
        return
      end
      _G.source = tonumber(rawSource:sub(5))
    elseif isServer and rawSource:sub(1, 12) == 'internal-net' then
      _G.source = tonumber(rawSource:sub(14))
    end
    if not data then data = {} end
    if rawtype(data) == 'table' then
      for _, handler in pairs(entry.handlers) do
        local fn = handler
        local mt = getmetatable(handler)
        if mt and mt.__call then fn = mt.__call end
        if rawtype(fn) == 'function' then
          createThreadNow(function() handler(table_unpack(data)) end)
        end
      end
    end
  end
  _G.source = previous
end

---JS entry: one event for this runtime.
function R.dispatch(name, payload, rawSource)
  local ok, err = pcall(dispatch, name, payload, rawSource)
  R.flush()
  if not ok then error(err, 0) end
end

---Adds a handler; the resource now receives `eventName`.
---@param eventName string
---@param handler function
---@return { key: integer, name: string }
function AddEventHandler(eventName, handler)
  local entry = eventHandlers[eventName]
  if not entry then
    entry = {}
    eventHandlers[eventName] = entry
  end
  entry.handlers = entry.handlers or {}
  lastKey = lastKey + 1
  entry.handlers[lastKey] = handler
  N.registerEventHandler(eventName)
  return { key = lastKey, name = eventName }
end

---Removes a handler added by AddEventHandler (the event stays registered and net-safe).
---@param data { key: integer, name: string }
function RemoveEventHandler(data)
  if not data or not data.key or not data.name then
    error('Invalid event data passed to RemoveEventHandler()', 2)
  end
  eventHandlers[data.name].handlers[data.key] = nil
end

---Allows `eventName` to come from the network; with `handler`, also adds it.
---@param eventName string
---@param handler? function
---@return { key: integer, name: string }|nil
function RegisterNetEvent(eventName, handler)
  if eventName ~= '__cfx_internal:commandFallback' then
    local entry = eventHandlers[eventName]
    if not entry then
      entry = {}
      eventHandlers[eventName] = entry
    end
    entry.safeForNet = true
  end
  if handler then return AddEventHandler(eventName, handler) end
end

---Runs every handler of every resource on this machine now; false if one of them called CancelEvent.
---@return boolean
function TriggerEvent(eventName, ...)
  return N.triggerEvent(eventName, pack_args(...))
end

---@param payload string
---@param len? integer
local function cut(payload, len)
  if rawtype(len) == 'number' and len < #payload then return payload:sub(1, len) end
  return payload
end

function TriggerEventInternal(eventName, payload, len)
  return N.triggerEvent(eventName, cut(payload, len))
end

if isServer then
  ---Sends an event to one client ("-1": all of them).
  function TriggerClientEvent(eventName, target, ...)
    return N.triggerClientEvent(eventName, target, pack_args(...))
  end

  function TriggerLatentClientEvent(eventName, target, bps, ...)
    return N.triggerLatentClientEvent(eventName, target, pack_args(...), tonumber(bps))
  end

  function TriggerClientEventInternal(eventName, target, payload, len)
    return N.triggerClientEvent(eventName, target, cut(payload, len))
  end

  function TriggerLatentClientEventInternal(eventName, target, payload, len, bps)
    return N.triggerLatentClientEvent(eventName, target, cut(payload, len), tonumber(bps))
  end

  RegisterServerEvent = RegisterNetEvent
  RconPrint = Citizen.Trace
  GetPlayerEP = GetPlayerEndpoint
  RconLog = function() end

  ---@param count fun(player: any): integer
  ---@param item fun(player: any, i: integer): any
  local function collect(count, item, player)
    local t = {}
    for i = 0, (count and count(player) or 0) - 1 do table_insert(t, item(player, i)) end
    return t
  end

  ---The server ids of the connected players, as strings.
  ---@return string[]
  function GetPlayers()
    local t = {}
    for i = 0, (GetNumPlayerIndices and GetNumPlayerIndices() or 0) - 1 do
      table_insert(t, GetPlayerFromIndex(i))
    end
    return t
  end

  function GetPlayerIdentifiers(player)
    return collect(GetNumPlayerIdentifiers, GetPlayerIdentifier, player)
  end

  function GetPlayerTokens(player)
    return collect(GetNumPlayerTokens, GetPlayerToken, player)
  end
else
  ---Sends an event to the server.
  function TriggerServerEvent(eventName, ...)
    return N.triggerServerEvent(eventName, pack_args(...))
  end

  function TriggerLatentServerEvent(eventName, bps, ...)
    return N.triggerLatentServerEvent(eventName, pack_args(...), tonumber(bps))
  end

  function TriggerServerEventInternal(eventName, payload, len)
    return N.triggerServerEvent(eventName, cut(payload, len))
  end

  function TriggerLatentServerEventInternal(eventName, payload, len, bps)
    return N.triggerLatentServerEvent(eventName, cut(payload, len), tonumber(bps))
  end
end
