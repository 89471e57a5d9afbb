-- ESX's way to get the object when no '@es_extended/imports.lua' is included (it is a file of es_extended).
ESX = exports['es_extended']:getSharedObject()

local Items = { bread = 5, water = 3, phone = 800 }
local StartMoney = 1000
---Money per player id (a real shop would use xPlayer.getMoney()).
local Money = {}

ESX.RegisterServerCallback('esx_shop:getItems', function(source, cb)
    cb(Items)
end)

---Buys `count` of `item`: replies (true, money left) or (false, reason). An unknown item raises: the caller's
---engine reports HANDLER_ERROR (ESX would have printed the error and never answered).
ESX.RegisterServerCallback('esx_shop:buy', function(source, cb, item, count)
    count = math.max(1, math.floor(tonumber(count) or 1))
    local price = Items[item]
    if not price then error(('unknown item %s'):format(tostring(item))) end
    local money = Money[source] or StartMoney
    if money < price * count then return cb(false, 'not enough money') end
    Money[source] = money - price * count
    cb(true, Money[source])
end)

AddEventHandler('playerDropped', function() Money[source] = nil end)
