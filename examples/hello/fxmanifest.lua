fx_version 'cerulean'
game 'gta5'

description 'Smallest example: asks callback_bridge for its version from both sides'
dependency 'callback_bridge'

server_script 'server.lua'
client_script 'client.js'
