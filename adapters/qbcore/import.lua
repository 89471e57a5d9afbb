-- callback_bridge adapter: QBCore and Qbox, the Lua piece (L2). Loaded by @callback_bridge/import.lua into every
-- resource that includes it, after the framework's own imports.
--
-- However the resource obtains the QBCore object, its callback functions run on this resource's engine:
--   exports['qb-core']:GetCoreObject([filters])  this Lua state's `exports` proxy is wrapped for 'qb-core' (Qbox
--                                                answers for qb-core through `provide`, so it is covered too)
--   exports['qb-core']:CreateCallback(...) and the other callback functions, called as direct exports
--   a global QBCore an earlier import left in this resource
-- with QBCore's signatures (reference esx-qbcore-qbox.md §3.1, §4.2):
--   server  QBCore.Functions.CreateCallback(name, function(source, cb, ...) end)
--           QBCore.Functions.TriggerClientCallback(name, source, [cb], ...)     name first, then the player
--           QBCore.Functions.TriggerCallback(name, source, cb, ...)             local (pre-2025 form, Qbox has it)
--   client  QBCore.Functions.TriggerCallback(name, [cb], ...)
--           QBCore.Functions.CreateClientCallback(name, function(cb, ...) end)
--           QBCore.Functions.TriggerClientCallback(name, cb, ...)               local (pre-2025 form, Qbox has it)
-- [cb] is a function or a function reference; without it the call waits (in a thread) and returns the FIRST value
-- only. On failure cb is not called, the reason is logged and the waiting form returns nil. Calls gain the engine's
-- timeout (callback_bridge:timeout), and the name may be a table { name = 'x', timeout = ms } as in every bridge call.
-- Concurrent calls of one name each get their own reply: the engine's requests carry ids, QBCore's carry only names.
--
-- Mixed migration: a name no engine serves (the directory replica does not know it) goes through the saved original
-- QBCore function while qb-core runs, so a handler only QBCore's registry knows is still reached; local calls try the
-- engine first and the original on NOT_FOUND. The other way round, the bridge registers every name it serves in
-- QBCore's registry (adapters/qbcore/relays.ts), which includes the callbacks registered here.

local QB, BRIDGE = 'qb-core', 'callback_bridge'
local pack, unpack, type, select, tostring, tonumber = table.pack, table.unpack, type, select, tostring, tonumber

---The functions aliased on each side (QBCore.Functions keys, and the direct export names).
local NAMES = {
  server = { 'CreateCallback', 'TriggerClientCallback', 'TriggerCallback' },
  client = { 'CreateClientCallback', 'TriggerCallback', 'TriggerClientCallback' },
}

---@param engine CallbackEngine
---@param use fun(name: string): any loads a module of the engine (lua/<name>.lua)
return function(_, engine, use)
  local transport = engine.transport
  local side = transport.side

  ---QBCore's callers hear nothing of a failure (§3.2): the reason goes to the console, with the engine's code.
  local function warn(code, message)
    transport.log('warn', ('QBCore call failed (%s): %s'):format(tostring(code), tostring(message)))
  end

  ---QBCore's test for the optional cb (§3.1): a function, or a reference (a string __cfx_functionReference).
  local function isFunction(v)
    return type(v) == 'function' or (type(v) == 'table' and type(rawget(v, '__cfx_functionReference')) == 'string')
  end

  ---The optional cb and the arguments after it.
  local function splitCb(...)
    local first = ...
    if isFunction(first) then return first, pack(select(2, ...)) end
    return nil, pack(...)
  end

  ---The name and call options of a trigger's first argument (a string, or { name = ..., timeout = ms, ... }).
  local function nameOf(spec)
    if type(spec) == 'string' and spec ~= '' then return spec, {} end
    if type(spec) == 'table' and type(spec.name) == 'string' and spec.name ~= '' then return spec.name, spec end
    error('QBCore callback name must be a non-empty string or { name = string, timeout? = ms }', 3)
  end

  ---A `done` giving QBCore's outcome: `cb(...)` with every value, `settle(first)` for the waiting form; a failure is
  ---logged, cb is not called and `settle(nil)`.
  local function outcome(cb, settle)
    return function(ok, a, b, c)
      if not ok then
        warn(a, b)
        if settle then settle(nil) end
        return
      end
      if cb then transport.threadNow(function() cb(unpack(a, b, b + c - 1)) end) end
      if settle then
        if c > 0 then settle(a[b]) else settle(nil) end
      end
    end
  end

  ---Starts a call with `start(done)`: with cb returns nothing; without, waits and returns the first value only.
  local function run(cb, start)
    if cb then return start(outcome(cb)) end
    local p = promise.new()
    start(outcome(nil, function(first) p:resolve({ first }) end))
    return Citizen.Await(p)[1]
  end

  -- ---- the original QBCore functions, for names only QBCore's registry knows (lanes.lua) ----------------------------
  local viaOriginal
  do
    local path = 'adapters/qbcore/lanes.lua'
    local chunk = assert(load(assert(LoadResourceFile(BRIDGE, path), 'cannot read ' .. path), '@@' .. BRIDGE .. '/' .. path, 't'))
    viaOriginal = chunk(use('errors'))(transport, engine.config)
  end

  local function frameworkRuns() return GetResourceState(QB) == 'started' end

  ---A network call: the engine when the directory knows `name` on the other side (or qb-core is not running), else
  ---the original through `send(reply)`.
  local function network(player, name, options, args, cb, original, key, send)
    local known = engine.coordinator.ownerOnOtherSide(name, player) ~= nil
    if original and not known and frameworkRuns() then
      return run(cb, function(done) viaOriginal(key, side == 'server' and player or nil, name, options, send, done) end)
    end
    return run(cb, function(done) engine:call(player, name, args, options, done) end)
  end

  ---A local call: the engine first (this resource, or the one the bridge names), the original on NOT_FOUND.
  local function localCall(player, name, options, args, cb, original, send)
    return run(cb, function(done)
      local function fallback(ok, a, b, c)
        if not ok and a == 'NOT_FOUND' and original and frameworkRuns() then
          return viaOriginal({}, nil, name, options, send, done)
        end
        done(ok, a, b, c)
      end
      engine:callLocal(player, name, args, options, fallback)
    end)
  end

  local function register(name, fn, options)
    engine:register(name, 'cb', fn, options)
  end

  ---Our functions for one side; `orig(key)` gives the original QBCore function of that key (or nil).
  local function functionsFor(orig)
    local F = {}
    if side == 'server' then
      F.CreateCallback = register

      function F.TriggerClientCallback(spec, source, ...)
        if not source then return end -- as QBCore
        local player = tonumber(source)
        local name, options = nameOf(spec)
        if not player then return warn('INVALID_ARGUMENTS', ("callback '%s': source must be a player id, got %s"):format(name, tostring(source))) end
        local cb, args = splitCb(...)
        local original = orig('TriggerClientCallback')
        return network(player, name, options, args, cb, original, name .. '\0' .. player, function(reply)
          original(name, player, reply, unpack(args, 1, args.n))
        end)
      end

      function F.TriggerCallback(spec, source, ...)
        local player = tonumber(source) or 0
        local name, options = nameOf(spec)
        local cb, args = splitCb(...)
        local original = orig('TriggerCallback')
        return localCall(player, name, options, args, cb, original, function(reply)
          original(name, player, reply, unpack(args, 1, args.n))
        end)
      end
    else
      F.CreateClientCallback = register

      function F.TriggerCallback(spec, ...)
        local name, options = nameOf(spec)
        local cb, args = splitCb(...)
        local original = orig('TriggerCallback')
        return network(0, name, options, args, cb, original, name, function(reply)
          original(name, reply, unpack(args, 1, args.n))
        end)
      end

      function F.TriggerClientCallback(spec, ...)
        local name, options = nameOf(spec)
        local cb, args = splitCb(...)
        local original = orig('TriggerClientCallback')
        return localCall(0, name, options, args, cb, original, function(reply)
          original(name, reply, unpack(args, 1, args.n))
        end)
      end
    end
    return F
  end

  -- ---- aliasing the object and the exports -----------------------------------------------------------------------
  local aliased = setmetatable({}, { __mode = 'k' })

  ---Puts our functions on a QBCore object this resource holds (a copy: reference §7.1), keeping its originals.
  local function alias(obj)
    local F = type(obj) == 'table' and rawget(obj, 'Functions')
    if type(F) ~= 'table' or aliased[F] then return obj end
    local saved = {}
    for _, key in ipairs(NAMES[side]) do saved[key] = F[key] end
    for key, fn in pairs(functionsFor(function(key) return saved[key] end)) do F[key] = fn end
    aliased[F] = true
    return obj
  end

  local raw = exports

  ---The original direct export `key` of qb-core as a plain function, or nil when it has none.
  local function rawExport(key)
    local ok, fn = pcall(function() return raw[QB][key] end)
    if ok and fn then return function(...) return fn(nil, ...) end end
    return nil
  end

  -- The direct exports this piece serves; other resources' exports (and other adapters' wrappers around this same
  -- proxy) are untouched.
  local direct = functionsFor(rawExport)
  direct.GetCoreObject = function(filters)
    return alias(raw[QB]:GetCoreObject(filters))
  end
  use('exportsalias')(QB, function(key) return direct[key] end)

  if type(QBCore) == 'table' then alias(QBCore) end
end
