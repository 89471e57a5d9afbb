local me = GetPlayerServerId(PlayerId())
-- Each player's choices repeat from run to run (the emulation's time and network are deterministic too).
math.randomseed(me * 7919)

local function roleOf(id)
    for entry in GetConvar('sandbox:roles', ''):gmatch('[^,]+') do
        local pid, role = entry:match('^%s*(%d+)%s*=%s*(%a+)%s*$')
        if tonumber(pid) == id then return role end
    end
    return 'normal'
end

---What a normal player does now and then: the examples' own commands, as a player would type them.
local Actions = {
    'shop list', 'shop buy bread 2', 'shop buy water', 'shop buy unicorn',
    'garage list', 'garage out QB001',
    'stash', 'stash 1', 'stash take 1',
    'bank', 'bank send 1 20', 'bank send 1 150',
    'profile', 'profile name', 'reward 3',
}

local function ignore() end

local Roles = {
    normal = function()
        ExecuteCommand(Actions[math.random(#Actions)])
        Wait(math.random(800, 2500))
    end,
    -- 20 shop calls and 20 balance calls a second: twice the default limit (10/s, burst 20).
    spammer = function()
        for _ = 1, 10 do ExecuteCommand('shop buy water') end
        for _ = 1, 10 do ExecuteCommand('bank') end
        Wait(500)
    end,
    prober = function()
        local pick = math.random(4)
        if pick == 1 then
            TriggerServerCallback('ts_bank:transfer', ignore, { to = 'everyone', amount = 1e9 })   -- INVALID_ARGUMENTS
        elseif pick == 2 then
            TriggerServerCallback('admin:giveMoney', ignore, 1e6)                                   -- nobody serves it
        elseif pick == 3 then
            TriggerServerCallback('seed_profile:reward', ignore, { day = 1, pad = string.rep('x', 70000) })   -- PAYLOAD_TOO_LARGE
        else
            TriggerServerCallback('ts_bank:audit', ignore)                                          -- FORBIDDEN
        end
        Wait(math.random(300, 900))
    end,
}

CreateThread(function()
    local play = Roles[roleOf(me)] or Roles.normal
    Wait(math.random(500, 2000))
    while true do play() end
end)
