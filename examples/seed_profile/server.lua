local Bridge = exports.community_bridge

---Community Bridge document style: cb(value) or cb(nil, 'message'); at most 10 calls a minute per player.
Bridge:RegisterServerCallback('seed_profile:get', function(source, cb, field)
    local profile = { id = source, name = GetPlayerName(source), level = 1 + source % 7 }
    if field and profile[field] == nil then return cb(nil, ('no field %s'):format(field)) end
    cb(field and profile[field] or profile)
end, { rateLimit = { rate = 10 / 60, burst = 10 } })

---utils.callbacks (boii_utils) style: handler(source, data, cb), data checked before the handler runs.
utils.callbacks.register('seed_profile:reward', function(source, data, cb)
    cb({ player = source, day = data.day, coins = 10 * data.day })
end, { validate = { required = { 'day' }, types = { day = 'number' } } })
