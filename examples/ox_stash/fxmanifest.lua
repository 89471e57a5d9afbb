-- An ox_lib resource on the bridge with one line (L2): after '@ox_lib/init.lua', '@callback_bridge/import.lua' sets
-- lib.callback to an alias on this resource's engine. Needs ox_lib (init.lua is a file of ox_lib); in the sandbox,
-- the project's ox_lib test double stands in for it.
fx_version 'cerulean'
game 'gta5'
lua54 'yes'

name 'ox_stash'
description 'callback_bridge example: ox_lib-style stash (Lua, lib.callback, L2)'
dependencies { 'ox_lib', 'callback_bridge' }

shared_scripts { '@ox_lib/init.lua', '@callback_bridge/import.lua' }
server_script 'server.lua'
client_script 'client.lua'
