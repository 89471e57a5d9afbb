-- callback_bridge Lua twin: what an engine does for and with the bridge resource, besides claiming names. Twin of
-- src/engine/bridge-link.ts.
--   Forwarded requests: a caller whose directory replica did not know a name's owner yet (a script calling at load
--   time, before the bridge's hello reply) addressed callback_bridge. The bridge re-raises the request locally as
--   cbb:fwd:<owner> with (player, callerResource, id, name, argc, ...args); this engine serves it exactly as that
--   player's request from the network, replying straight to cbb:r:<callerResource>. Believed only from the bridge:
--   any resource could raise a local event to pose as a player.
--   Bridge restarts: a restarted bridge starts with an empty ownership record, so every name is claimed again and
--   the directory replica rebuilt.
local use = ...
local protocol = use('protocol')
local origin = use('responder').origin

local BRIDGE = 'callback_bridge'
local tointeger = math.tointeger

---Installs both listeners on `engine`.
---@param engine CallbackEngine
return function(engine)
  local transport = engine.transport
  local isServer = transport.side == 'server'
  local counters = engine.metrics.counters

  transport.onLocal('cbb:fwd:' .. transport.resource, function(invoker, player, caller, id, name, argc, ...)
    if invoker ~= BRIDGE then
      counters.spoofed = counters.spoofed + 1
      return
    end
    if type(player) ~= 'number' or player % 1 ~= 0 or player < 0 or not protocol.isResourceName(caller)
      or not protocol.isId(id) or type(name) ~= 'string' or not protocol.isCount(argc) then
      counters.malformed = counters.malformed + 1
      return
    end
    -- On a client the only peer is the server (player 0); on the server the player must still be there.
    if not isServer then
      player = 0
    elseif player == 0 or not transport.connected(player) then
      return
    end
    -- The count says how many arguments there are: trailing nils may not survive the local event.
    engine.responder:handle(origin(tointeger(player) or player, caller), id, name, { ... }, 1, argc)
    engine:wake()
  end)

  transport.onResourceStarted(function(name)
    if name ~= BRIDGE then return end
    engine.coordinator.refresh()
    for cbName, cb in pairs(engine.handlers) do
      local ok, holder = engine.coordinator.claim(cbName, cb.options.allowOverride == true)
      if not ok then
        transport.log('warn', ("callback '%s' of %s could not be claimed again after %s restarted: %s holds it now")
          :format(cbName, transport.resource, BRIDGE, tostring(holder)))
      end
    end
  end)
end
