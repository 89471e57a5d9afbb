-- The sandbox's simulated players (npm start): on each client, plays a role given by the replicated convar
-- `sandbox:roles` ("<player id>=<role>,..."): most players use the examples' commands now and then; a spammer
-- floods one callback; a prober sends bad arguments, oversized requests, unknown names and calls it may not make.
fx_version 'cerulean'
game 'gta5'

name 'sandbox_players'
description 'callback_bridge sandbox: simulated players (not an example to copy)'

client_scripts { '@callback_bridge/import.lua', 'client.lua' }
