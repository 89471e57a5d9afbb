-- An ESX shop written against ESX's own callback API, unmodified: it runs on real es_extended (L1: its callbacks
-- are ESX's) or, with `setr callback_bridge:standin "es_extended"` and no es_extended installed, on the bridge's
-- stand-in (L3: timeouts, limits, metrics, no ESX needed).
fx_version 'cerulean'
game 'gta5'

name 'esx_shop'
description 'callback_bridge example: ESX-style shop (Lua, ESX callback API, unmodified)'

server_script 'server.lua'
client_script 'client.lua'
