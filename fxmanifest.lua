fx_version 'cerulean'
game 'gta5'
node_version '22'

name 'callback_bridge'
description 'One callback engine for ESX, QBCore/Qbox, ox_lib and seed-library callbacks'
version '0.1.0'

server_script 'dist/server.js'
client_script 'dist/client.js'

-- What other resources include: shared_script '@callback_bridge/import.lua' (Lua) or
-- '@callback_bridge/dist/callbacks.js' (JS, defines the global CallbackBridge).
files {
  'import.lua',
  'lua/errors.lua',
  'lua/protocol.lua',
  'lua/heap.lua',
  'lua/pending.lua',
  'lua/limiter.lua',
  'lua/validation.lua',
  'lua/size.lua',
  'lua/histogram.lua',
  'lua/config.lua',
  'lua/transport.lua',
  'lua/outbox.lua',
  'lua/checks.lua',
  'lua/metrics.lua',
  'lua/directory.lua',
  'lua/bridgelink.lua',
  'lua/localcalls.lua',
  'lua/fallbacks.lua',
  'lua/responder.lua',
  'lua/engine.lua',
  'lua/api.lua',
  'lua/queue.lua',
  'lua/callspec.lua',
  'lua/outcome.lua',
  'lua/exportsalias.lua',
  'dist/callbacks.js',
  'adapters/community_bridge/import.lua',
  'adapters/koja/import.lua',
  'adapters/esx/import.lua',
  'adapters/utils/import.lua',
  'adapters/qbcore/import.lua',
  'adapters/qbcore/lanes.lua',
  'adapters/ox/import.lua',
  'adapters/ox/wire.lua',
}

-- API families whose Lua piece import.lua loads (adapters/<family>/import.lua, listed in files above).
callback_bridge_adapter 'qbcore'
callback_bridge_adapter 'ox'
callback_bridge_adapter 'utils'
callback_bridge_adapter 'esx'
callback_bridge_adapter 'community_bridge'
callback_bridge_adapter 'koja'
