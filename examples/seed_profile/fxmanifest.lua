-- The seed libraries' callback APIs on the bridge (L2, one line): utils.callbacks (boii_utils) and the Community
-- Bridge document's RegisterServerCallback / TriggerServerCallback, with per-call timeouts, retries and a queue.
fx_version 'cerulean'
game 'gta5'

name 'seed_profile'
description 'callback_bridge example: player profile on the seed libraries (Lua, utils.callbacks and community_bridge, L2)'
dependency 'callback_bridge'

shared_script '@callback_bridge/import.lua'
server_script 'server.lua'
client_script 'client.lua'
