-- callback_bridge Lua twin: the thin seam between the engine and CitizenFX. Twin of src/engine/cfx-transport.ts.
-- The engine never touches a FiveM global; everything it needs of the runtime is here.

local unpack = table.unpack

---Latent events go at this many bytes per second.
local LATENT_BPS = 256 * 1024

---@class Transport
---@field side 'server'|'client'
---@field resource string the resource this engine runs in
---@field now fun(): integer
---@field send fun(event: string, target: integer, buf: table, n: integer, latent: boolean)
---@field onNet fun(event: string, handler: fun(from: integer, ...), spoofed?: fun())
---@field onBatch fun(event: string, handler: fun(from: integer, n: integer, a: table), spoofed?: fun())
---@field onLocal fun(event: string, handler: fun(invoker: string|nil, ...))
---@field emitLocal fun(event: string, ...) raises a local event on this machine
---@field thread fun(fn: function)
---@field threadNow fun(fn: function)
---@field wait fun(ms: integer)
---@field onPlayerDropped fun(fn: fun(player: integer))
---@field onResourceStop fun(fn: fun(resource: string))
---@field onResourceStarted fun(fn: fun(resource: string))
---@field connected fun(player: integer): boolean
---@field allowed fun(player: integer, permission: string): boolean
---@field convar fun(name: string, fallback: string): string
---@field log fun(level: 'info'|'warn'|'error', message: string)

---@return Transport
return function()
  local isServer = IsDuplicityVersion()
  ---@type Transport
  local t = {
    side = isServer and 'server' or 'client',
    resource = GetCurrentResourceName(),
    now = GetGameTimer,
    thread = Citizen.CreateThread,
    threadNow = Citizen.CreateThreadNow,
    wait = Citizen.Wait,
    convar = GetConvar,
  }

  if isServer then
    function t.send(event, target, buf, n, latent)
      if latent then
        TriggerLatentClientEvent(event, target, LATENT_BPS, unpack(buf, 1, n))
      else
        TriggerClientEvent(event, target, unpack(buf, 1, n))
      end
    end
  else
    function t.send(event, _, buf, n, latent)
      if latent then
        TriggerLatentServerEvent(event, LATENT_BPS, unpack(buf, 1, n))
      else
        TriggerServerEvent(event, unpack(buf, 1, n))
      end
    end
  end

  ---The sender of the net event being handled: the player on the server, 0 on a client (the server); nil for an
  ---event raised on this machine (`source == ''`: another resource spoofing a net event), which `spoofed` hears of.
  ---@param spoofed? fun()
  ---@return integer|nil
  local function sender(spoofed)
    local src = source
    if type(src) ~= 'number' then
      if spoofed then spoofed() end
      return nil
    end
    return isServer and src or 0
  end

  ---`handler(from, ...)` for each net event `event` from a real sender (see `sender`).
  function t.onNet(event, handler, spoofed)
    RegisterNetEvent(event, function(...)
      local from = sender(spoofed)
      if from then handler(from, ...) end
    end)
  end

  ---`onNet` for the engine's batches: `handler(from, n, a)` with the arguments as a list `a` of `n` (nils keep their
  ---place), made here so the hot path passes no varargs on.
  function t.onBatch(event, handler, spoofed)
    RegisterNetEvent(event, function(...)
      local from = sender(spoofed)
      if from then handler(from, select('#', ...), { ... }) end
    end)
  end

  ---`invoker` is the resource that raised the event (read before anything can yield).
  function t.onLocal(event, handler)
    AddEventHandler(event, function(...)
      handler(GetInvokingResource(), ...)
    end)
  end

  ---Nils between arguments travel; a trailing nil may not, so callers send counts with their values.
  function t.emitLocal(event, ...)
    TriggerEvent(event, ...)
  end

  function t.onPlayerDropped(fn)
    if not isServer then return end
    AddEventHandler('playerDropped', function()
      local src = tonumber(source)
      if src and src > 0 then fn(src) end
    end)
  end

  function t.onResourceStop(fn)
    AddEventHandler('onResourceStop', function(name)
      fn(tostring(name))
    end)
  end

  ---After a resource started: the queued on(Server|Client)ResourceStart, not the immediate onResourceStart, because a
  ---restarted resource's cached exports are only dropped by the queued stop event that comes before it.
  function t.onResourceStarted(fn)
    AddEventHandler(isServer and 'onServerResourceStart' or 'onClientResourceStart', function(name)
      fn(tostring(name))
    end)
  end

  ---Whether `player` is connected; always true on a client (its only peer is the server).
  function t.connected(player)
    return not isServer or (DoesPlayerExist(tostring(player)) and true or false)
  end

  function t.allowed(player, permission)
    return not isServer or (IsPlayerAceAllowed(tostring(player), permission) and true or false)
  end

  function t.log(level, message)
    local colour = level == 'error' and '^1' or level == 'warn' and '^3' or ''
    print(colour .. '[callback_bridge] ' .. message .. (colour ~= '' and '^7' or ''))
  end

  return t
end
