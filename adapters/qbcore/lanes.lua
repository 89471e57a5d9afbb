-- callback_bridge adapter: QBCore and Qbox, calls through QBCore's own functions (mixed migration: a handler only
-- QBCore's registry knows). Loaded by adapters/qbcore/import.lua.
--
-- QBCore's wire has no request id: a reply is matched by name, per player on the server (reference §3.2). So the
-- calls of one key (the name, and the player on the server) go out one at a time, each with a cb of ours: every call
-- gets its own reply. They also gain what QBCore lacks: a timeout, an end when the player drops (PLAYER_DROPPED) and
-- when qb-core (or its provider) stops (RESOURCE_STOPPED). A reply later than the timeout may settle the next call of
-- that key: the wire cannot say which call it answers, and QBCore itself would do the same.
local errors = ...

local QB = 'qb-core'

---Whether `resource` is qb-core or provides it (Qbox, §4.1).
local function isQBCore(resource)
  if resource == QB then return true end
  for i = 0, GetNumResourceMetadata(resource, 'provide') - 1 do
    if GetResourceMetadata(resource, 'provide', i) == QB then return true end
  end
  return false
end

---@class QBLane
---@field player integer|nil the player its calls go to (server network calls)
---@field finish function|nil ends the call in flight
---@field waiting table[] calls queued behind it

---@param transport Transport
---@param config EngineConfig
return function(transport, config)
  ---@type table<any, QBLane> a lane exists while a call of its key is in flight
  local lanes = {}
  local start

  local function nextInLane(key, lane)
    if lanes[key] ~= lane then return end -- the lane was failed meanwhile
    local job = table.remove(lane.waiting, 1)
    if job then return start(key, lane, job) end
    lanes[key] = nil
  end

  start = function(key, lane, job)
    local over = false
    local function finish(ok, a, b, c)
      if over then return end
      over = true
      lane.finish = nil
      -- The next call goes out on the next tick: a reply arrives inside QBCore's reply handler, which clears its entry
      -- for the name after calling us, so an entry made now would be lost (§3.2).
      Citizen.SetTimeout(0, function() nextInLane(key, lane) end)
      local fine, err = pcall(job.done, ok, a, b, c)
      if not fine then transport.log('error', tostring(err)) end
    end
    lane.finish = finish
    Citizen.SetTimeout(job.timeout, function()
      finish(false, 'TIMEOUT', errors.message('TIMEOUT', job.name) .. ' (through ' .. QB .. ')')
    end)
    local sent, err = pcall(job.send, function(...) finish(true, table.pack(...), 1, select('#', ...)) end)
    if not sent then finish(false, 'HANDLER_ERROR', tostring(err)) end
  end

  ---Ends every call of the lanes `matches(lane)` accepts with `code` (in flight and waiting).
  local function failWhere(matches, code)
    local hit = {}
    for key, lane in pairs(lanes) do
      if matches(lane) then hit[#hit + 1] = lane; lanes[key] = nil end
    end
    for _, lane in ipairs(hit) do
      if lane.finish then lane.finish(false, code, errors.message(code, lane.name)) end
      for _, job in ipairs(lane.waiting) do
        local fine, err = pcall(job.done, false, code, errors.message(code, job.name))
        if not fine then transport.log('error', tostring(err)) end
      end
    end
  end

  if transport.side == 'server' then
    AddEventHandler('playerDropped', function()
      local player = tonumber(source)
      if player then failWhere(function(lane) return lane.player == player end, 'PLAYER_DROPPED') end
    end)
  end
  AddEventHandler('onResourceStop', function(resource)
    if isQBCore(tostring(resource)) then failWhere(function() return true end, 'RESOURCE_STOPPED') end
  end)

  ---Runs `send(reply)` (a call of a QBCore function with `reply` as its cb) when the lane of `key` is free.
  ---`done(true, values, first, count)` or `done(false, code, message)`, as engine:call's.
  ---@param key any the name (and player), or a fresh table for a call that needs no lane
  ---@param player integer|nil
  return function(key, player, name, options, send, done)
    local job = { name = name, send = send, done = done, timeout = options.timeout or config.timeout }
    local lane = lanes[key]
    if lane then
      lane.waiting[#lane.waiting + 1] = job
      return
    end
    lane = { player = player, name = name, waiting = {} }
    lanes[key] = lane
    start(key, lane, job)
  end
end
