ESX = exports['es_extended']:getSharedObject()

---`/shop list` and `/shop buy <item> [count]`.
RegisterCommand('shop', function(_, args)
    if args[1] == 'buy' then
        ESX.TriggerServerCallback('esx_shop:buy', function(ok, result)
            if ok then print(('bought %s, %d left'):format(args[2], result)) else print('cannot buy: ' .. tostring(result)) end
        end, args[2], tonumber(args[3]) or 1)
    else
        ESX.TriggerServerCallback('esx_shop:getItems', function(items)
            for name, price in pairs(items) do print(name, price) end
        end)
    end
end, false)
