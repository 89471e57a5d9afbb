local QBCore = exports['qb-core']:GetCoreObject()

local Vehicles = { { plate = 'QB001', model = 'adder' }, { plate = 'QB002', model = 'sultan' } }
---Vehicles out of the garage, by player id.
local Out = {}

QBCore.Functions.CreateCallback('qb_garage:list', function(source, cb)
    cb(Vehicles, Out[source])
end)

---Takes a vehicle out: asks the player's client where to spawn it (a server-to-client call inside a handler), then
---answers (true, plate, spawn point). Two takeouts a second at most per player (registration options, L2).
QBCore.Functions.CreateCallback('qb_garage:takeOut', function(source, cb, plate)
    QBCore.Functions.TriggerClientCallback('qb_garage:spawnPoint', source, function(point)
        if not point then return cb(false, 'no spawn point') end
        Out[source] = plate
        cb(true, plate, point)
    end, plate)
end, { rateLimit = { rate = 2, burst = 4 } })

AddEventHandler('playerDropped', function() Out[source] = nil end)
