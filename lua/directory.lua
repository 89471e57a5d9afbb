-- callback_bridge Lua twin: who serves which callback name on the other side, so a caller addresses the right
-- resource without asking anyone per call. Twin of bridgeCoordinator in src/engine/directory.ts.
-- Claims go to the bridge's exports (only at registration); the other side's names arrive as events:
--   cbb:dir   server bridge -> clients (net), delta = { {name, address|nil}, ... }
--   cbb:cdir  server bridge -> server resources (local), (player, delta|nil); only the bridge may raise it.
-- Without the bridge running, names are claimed locally and callers address the bridge, which cannot answer then.

local BRIDGE = 'callback_bridge'

---Applies a delta to one replica; entries that are not `{string, string|nil}` are skipped.
local function apply(dir, delta)
  if type(delta) ~= 'table' then return end
  for i = 1, #delta do
    local item = delta[i]
    if type(item) == 'table' and type(item[1]) == 'string' then
      local address = item[2]
      dir[item[1]] = type(address) == 'string' and address or nil
    end
  end
end

---Calls export `name` of the bridge; `nil, false` when the bridge is not running or the call failed.
local function ask(name, ...)
  if GetResourceState(BRIDGE) ~= 'started' then return nil, false end
  local ok, result = pcall(function(...) return exports[BRIDGE][name](nil, ...) end, ...)
  if not ok then return nil, false end
  return result, true
end

---@class Coordinator
---@field claim fun(name: string, allowOverride: boolean): boolean, string|nil
---@field release fun(name: string)
---@field ownerOnOtherSide fun(name: string, player: integer): string|nil
---@field refresh fun() rebuilds the replica from the bridge (it restarted, so deltas may have been lost)
---@field localAddress? fun(name: string): string|nil who serves `name` on this side: only the bridge's own (TS)
---coordinator knows, so a Lua engine's local calls for names it does not serve go to the bridge

---@param transport Transport
---@return Coordinator
return function(transport)
  local side, me = transport.side, transport.resource
  ---The other side's names: one replica on a client (player 0), one per player on the server.
  ---@type table<integer, table<string, string>>
  local others = {}
  local function dir(player)
    local d = others[player]
    if not d then
      d = {}
      others[player] = d
    end
    return d
  end

  if side == 'client' then
    apply(dir(0), (ask('GetDirectory', 'server')))
    transport.onNet('cbb:dir', function(_, delta) apply(dir(0), delta) end)
  else
    transport.onLocal('cbb:cdir', function(invoker, player, delta)
      -- Any resource could raise a local event to redirect calls: only the bridge speaks this one.
      if invoker ~= BRIDGE or type(player) ~= 'number' then return end
      -- A player's replica starts from a full snapshot at its first use: a delta alone would make a partial one.
      if delta == nil then others[player] = nil elseif others[player] then apply(others[player], delta) end
    end)
  end

  ---@type Coordinator
  return {
    ---Claims `name` for this resource; false and the holder when another resource holds it.
    claim = function(name, allowOverride)
      local answer, reached = ask('ClaimCallback', side, name, me, allowOverride == true, me)
      if not reached then return true end
      -- A JS export's array comes back as one table; accept a bare boolean too.
      local ok, holder = answer, nil
      if type(answer) == 'table' then ok, holder = answer[1], answer[2] end
      if ok == false then return false, holder or 'another resource' end
      return true
    end,
    release = function(name)
      ask('ReleaseCallback', side, name, me)
    end,
    refresh = function()
      for player in pairs(others) do others[player] = nil end
      -- The server fetches each player's snapshot again at its next call to them.
      if side == 'client' then apply(dir(0), (ask('GetDirectory', 'server'))) end
    end,
    ownerOnOtherSide = function(name, player)
      local d = others[side == 'server' and player or 0]
      if d then return d[name] end
      if side ~= 'server' then return nil end
      -- First call to this player from this resource: one look-up, then kept up to date by cbb:cdir.
      d = dir(player)
      apply(d, (ask('GetDirectory', 'client', player)))
      return d[name]
    end,
  }
end
