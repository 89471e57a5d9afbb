-- A QBCore garage on the bridge with one line (L2): '@callback_bridge/import.lua' makes QBCore's callback functions
-- run on this resource's own engine, with timeouts, per-call ids and registration options. Works with qb-core or
-- Qbox running, or with `setr callback_bridge:standin "qb-core"` and neither installed.
fx_version 'cerulean'
game 'gta5'

name 'qb_garage'
description 'callback_bridge example: QBCore-style garage (Lua, QBCore callback API, L2)'
dependency 'callback_bridge'

shared_script '@callback_bridge/import.lua'
server_script 'server.lua'
client_script 'client.lua'
