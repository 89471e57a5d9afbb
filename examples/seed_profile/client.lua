local Bridge = exports.community_bridge
---At most one profile call in flight from this client; the rest wait their turn, highest priority first.
local queue = Bridge:CreateQueue({ concurrency = 1 })

---`/profile [field]` and `/reward <day>`.
RegisterCommand('profile', function(_, args)
    queue:TriggerServerCallback({ name = 'seed_profile:get', timeout = 5000, retries = 1, priority = 1 }, function(value, err, timedOut)
        if err then return print('profile failed:', err, timedOut) end
        print('profile', json.encode(value))
    end, args[1])
end, false)

RegisterCommand('reward', function(_, args)
    utils.callbacks.trigger('seed_profile:reward', { day = tonumber(args[1]) or 1 }, function(reward, err)
        if reward == nil then return print('reward failed:', err) end
        print(('day %d: %d coins'):format(reward.day, reward.coins))
    end)
end, false)
