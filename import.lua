-- callback_bridge: the Lua engine, included by a resource with
--   shared_script '@callback_bridge/import.lua'
-- It runs inside the including resource (contract §10: the hot path never hops through another resource) and
-- defines, as globals and in the table `CallbackBridge`:
--   server  RegisterServerCallback(name, function(source, cb, ...) end, options?)
--           RegisterCallback(name, function(source, ...) return ... end, options?)   -- may yield
--           TriggerClientCallback(playerId, name, cb, ...)
--           AwaitClientCallback(playerId, name, ...)            --> values, or nil, message
--           register_callback(name, function(source, data, cb) end)
--   client  TriggerServerCallback(name, cb, ...)
--           TriggerServerCallbackPromise(name, ...)             --> values, or nil, message
--           RegisterClientCallback(name, function(cb, ...) end, options?)
--           RegisterCallback(name, function(...) return ... end, options?)          -- may yield
--           trigger_callback(name, data, cb)
--   both    UnregisterCallback(name), DoesCallbackExist(name), ValidateCallbackData(data, schema)
--           CallbackBridge.CreateQueue({ concurrency, maxQueued? }) --> a queue with the trigger forms as methods (lua/queue.lua)
--
-- Per-call options, one rule for every trigger form: the NAME may be a table instead of a string,
--   TriggerServerCallback({ name = 'shop:buy', timeout = 5000, retries = 2, backoff = 250 }, cb, item)
--   local price = TriggerServerCallbackPromise({ name = 'shop:price', timeout = 2000 }, item)
-- timeout in ms (default: the convar callback_bridge:timeout, 30000); retries (default 0) happen on TIMEOUT or BUSY
-- only, so use them for idempotent calls; backoff is the first retry's delay (default 250 ms, doubled each time).
-- A trailing timeout number is NOT supported: it cannot be told apart from an argument.
--
-- Failures: cb forms get cb(nil, message, timedOut); await forms return nil, message.
-- Registration options: { timeout, rateLimit = { rate, burst } | false, maxPayload, validate = { required, types },
-- permission (ACE object, server), latent, allowOverride }.

if CallbackBridge and CallbackBridge.engine then return end -- included twice: one engine per resource

local BRIDGE = 'callback_bridge'

---Loads `lua/<name>.lua` of the bridge into this resource (modules get `use` as their argument).
local use
do
  local loaded, loading = {}, {}
  use = function(name)
    local mod = loaded[name]
    if mod ~= nil then return mod end
    if loading[name] then error(('callback_bridge: module %s requires itself'):format(name), 2) end
    local path = ('lua/%s.lua'):format(name)
    local source = LoadResourceFile(BRIDGE, path)
    if not source then
      error(('callback_bridge: cannot read %s (is callback_bridge installed, and %s listed in its files?)'):format(path, path), 2)
    end
    -- The chunk name points traces at the real file, not at this loader.
    local chunk, err = load(source, ('@@%s/%s'):format(BRIDGE, path), 't')
    if not chunk then error(err, 0) end
    loading[name] = true
    mod = chunk(use)
    loading[name] = nil
    loaded[name] = mod
    return mod
  end
end

local transport = use('transport')()
local engine = use('engine').new(transport, use('directory')(transport))
local api = use('api')(engine)

CallbackBridge = { engine = engine }
-- Names that stay on CallbackBridge only: too generic to become globals of the including resource.
local NOT_GLOBAL = { CreateQueue = true }
for name, fn in pairs(api) do
  CallbackBridge[name] = fn
  if not NOT_GLOBAL[name] then _G[name] = fn end
end

-- ---- adapters ----------------------------------------------------------------------------------------------------
-- Each API family (ESX, QBCore/Qbox, ox_lib, the seed libraries) keeps its Lua piece in the bridge's
-- `adapters/<family>/import.lua`, listed in the bridge's manifest as `callback_bridge_adapter '<family>'` (and in
-- its `files {}`). Adding a family means adding a folder and those two manifest lines; this loop never changes.
-- A piece is a chunk returning `function(CallbackBridge, engine, use)`.
for i = 0, GetNumResourceMetadata(BRIDGE, 'callback_bridge_adapter') - 1 do
  local family = GetResourceMetadata(BRIDGE, 'callback_bridge_adapter', i)
  local path = ('adapters/%s/import.lua'):format(family)
  local source = LoadResourceFile(BRIDGE, path)
  if source then
    local chunk, err = load(source, ('@@%s/%s'):format(BRIDGE, path), 't')
    if not chunk then error(err, 0) end
    local attach = chunk()
    if type(attach) == 'function' then attach(CallbackBridge, engine, use) end
  else
    print(('^3[callback_bridge] adapter %s: cannot read %s^7'):format(family, path))
  end
end
