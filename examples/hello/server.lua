---Prints the bridge version once the resource starts.
AddEventHandler('onResourceStart', function(name)
    if name ~= GetCurrentResourceName() then return end
    print(('callback_bridge %s is running'):format(exports.callback_bridge:GetBridgeVersion()))
end)

RegisterNetEvent('hello:ping', function()
    local src = source
    TriggerClientEvent('hello:pong', src, GetGameTimer())
end)
