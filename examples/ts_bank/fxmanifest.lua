-- A TypeScript resource on the bridge's native, typed API: src/*.ts import { createBridge } from 'callback_bridge/api'
-- and are bundled (`npm run build` in callback_bridge writes dist/server.js and dist/client.js here). The engine runs
-- inside this resource: one net event each way per tick, no export hop.
fx_version 'cerulean'
game 'gta5'
node_version '22'

name 'ts_bank'
description 'callback_bridge example: a bank in TypeScript (native typed API)'
dependency 'callback_bridge'

server_script 'dist/server.js'
client_script 'dist/client.js'
