---Stash contents per player id, slot -> { item, count }.
local Stashes = {}

local function stashOf(source)
    Stashes[source] = Stashes[source] or { { item = 'water', count = 2 }, { item = 'bandage', count = 5 } }
    return Stashes[source]
end

---Returns one slot, or the whole stash and its size: every value reaches the caller, nils in place.
lib.callback.register('ox_stash:open', function(source, slot)
    local stash = stashOf(source)
    if slot then return stash[slot], nil, #stash end
    return stash, nil, #stash
end)

---Moves `count` of a slot out; a slow disk would make this wait (the handler may yield).
lib.callback.register('ox_stash:take', function(source, slot, count)
    local entry = stashOf(source)[slot]
    if not entry or entry.count < (count or 1) then return false end
    Wait(20)
    entry.count = entry.count - (count or 1)
    return true, entry.count
end)

---Every 10 s the server asks each client which zone it is in (server to client, ox's argument order).
CreateThread(function()
    while true do
        Wait(10000)
        for _, id in ipairs(GetPlayers()) do
            lib.callback('ox_stash:zone', tonumber(id), function(zone) end)
        end
    end
end)

AddEventHandler('playerDropped', function() Stashes[source] = nil end)
