local QBCore = exports['qb-core']:GetCoreObject()

QBCore.Functions.CreateClientCallback('qb_garage:spawnPoint', function(cb, plate)
    cb({ x = 215.0 + math.random() * 5, y = -810.0, z = 30.7 })
end)

---`/garage list` and `/garage out <plate>`.
RegisterCommand('garage', function(_, args)
    if args[1] == 'out' then
        QBCore.Functions.TriggerCallback('qb_garage:takeOut', function(ok, plate, point)
            if ok then print(('%s is out at %.1f, %.1f'):format(plate, point.x, point.y)) else print('garage: ' .. tostring(plate)) end
        end, args[2] or 'QB001')
    else
        -- Without a cb QBCore's TriggerCallback waits and returns the first value.
        CreateThread(function()
            local vehicles = QBCore.Functions.TriggerCallback('qb_garage:list')
            for _, v in ipairs(vehicles or {}) do print(v.plate, v.model) end
        end)
    end
end, false)
