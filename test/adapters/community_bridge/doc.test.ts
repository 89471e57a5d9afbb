/**
 * The Community Bridge callback document (shared/seeds/community-bridge-callback.md) through the import (L2): our own
 * scenarios for every function and behaviour it shows, run against `exports.community_bridge:<name>`, which the import
 * points at the resource's own engine. The patterns the document makes every script copy (timeouts, retry, queue,
 * performance tracking, validation, permission, rate limit, memory cleanup) are engine features here.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { luaRes, noScriptErrors, PENDING_LUA, scene } from '../utils/support.ts';

const emu = useEmulator();

/** A server resource `bank` with the document's quick-start callback (written by us), and a client script. */
async function bank(client: string, server = '') {
  await luaRes(emu(), 'bank', {
    server: `
      local accounts = { [1] = { bank = 500, cash = 20 } }
      exports.community_bridge:RegisterServerCallback('getPlayerMoney', function(src, cb, accountType)
        local player = accounts[src]
        if player then cb(player[accountType] or 0) else cb(nil, 'Player data not found') end
      end)
      ${server}`,
    client: `CreateThread(function() Wait(300) ${client} end)`,
  });
}

describe('Community Bridge document, quick start (L2)', () => {
  it('RegisterServerCallback with cb(value) and cb(nil, "message"); TriggerServerCallback with function(result, error)', async () => {
    await bank(`
      exports.community_bridge:TriggerServerCallback('getPlayerMoney', function(money, error) out('bank', money, error) end, 'bank')
      exports.community_bridge:TriggerServerCallback('getPlayerMoney', function(money, error) out('none', money, error) end, 'gold')`);
    const s = await scene(emu(), ['callback_bridge', 'bank'], { players: 2, settle: 1000 });
    expect(s.client('bank', s.players[0])).toEqual({ bank: [500, null], none: [0, null] });
    // Player 2 has no data: the handler's own error travels as an ordinary reply.
    expect(s.client('bank', s.players[1])).toEqual({ bank: [null, 'Player data not found'], none: [null, 'Player data not found'] });
    noScriptErrors(emu());
  });

  it('TriggerServerCallbackPromise returns the values, or nil and the message (handler error reply or engine failure)', async () => {
    await bank(`
      local function getPlayerMoney(accountType) return exports.community_bridge:TriggerServerCallbackPromise('getPlayerMoney', accountType) end
      out('money', getPlayerMoney('bank'))
      out('missing', exports.community_bridge:TriggerServerCallbackPromise('nope', 1))
      out('timeout', exports.community_bridge:TriggerServerCallbackPromise({ name = 'never', timeout = 200 }))`, `
      exports.community_bridge:RegisterServerCallback('never', function(src, cb) end)`);
    const s = await scene(emu(), ['callback_bridge', 'bank'], { players: 2, settle: 1500 });
    expect(s.client('bank', s.players[0])).toEqual({
      money: [500],
      missing: [null, "callback 'nope' does not exist"],
      timeout: [null, "callback 'never' timed out"],
    });
    expect(s.client('bank', s.players[1]).money).toEqual([null, 'Player data not found']);
  });

  it('RegisterClientCallback and TriggerClientCallback(playerId, ...): a trailing number is an argument (the duration)', async () => {
    await luaRes(emu(), 'notify', {
      client: `
        exports.community_bridge:RegisterClientCallback('showNotification', function(cb, message, kind, duration)
          SetTimeout(duration or 3000, function() cb(true, 'Notification shown: ' .. message .. ' (' .. kind .. ')') end)
        end)`,
      server: `
        RegisterCommand('greet', function(_, args)
          local playerId, t0 = tonumber(args[1]), GetGameTimer()
          exports.community_bridge:TriggerClientCallback(playerId, 'showNotification', function(success, result)
            out('greet', success, result, GetGameTimer() - t0 >= 500)
          end, 'Welcome to the server!', 'success', 500)
        end, true)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'notify']);
    emu().executeCommand(emu().server, `greet ${s.player.netId}`);
    await emu().advance(1200);
    expect(s.server('notify').greet).toEqual([true, 'Notification shown: Welcome to the server! (success)', true]);
  });

  it('the multi-step and validation patterns: early cb(nil, reason) at each step, a table on success', async () => {
    await luaRes(emu(), 'dealer', {
      server: `
        local money, stock = { [1] = 1000 }, { adder = 1 }
        exports.community_bridge:RegisterServerCallback('purchaseVehicle', function(src, cb, vehicleData)
          if (money[src] or 0) < vehicleData.price then cb(nil, 'Insufficient funds') return end
          if (stock[vehicleData.model] or 0) < 1 then cb(nil, 'Vehicle not available') return end
          money[src] = money[src] - vehicleData.price
          stock[vehicleData.model] = stock[vehicleData.model] - 1
          cb({ vehicleId = 7, remainingMoney = money[src] })
        end)
        exports.community_bridge:RegisterServerCallback('updatePlayerProfile', function(src, cb, profile)
          local validation = exports.community_bridge:ValidateCallbackData(profile, { required = { 'name', 'age' }, types = { name = 'string', age = 'number' } })
          if not validation.valid then cb(nil, 'Validation failed: ' .. table.concat(validation.errors, ', ')) return end
          cb({ success = true, profile = profile })
        end)`,
      client: `CreateThread(function()
        Wait(300)
        local P = exports.community_bridge
        out('tooDear', P:TriggerServerCallbackPromise('purchaseVehicle', { model = 'adder', price = 5000 }))
        out('bought', P:TriggerServerCallbackPromise('purchaseVehicle', { model = 'adder', price = 400 }))
        out('soldOut', P:TriggerServerCallbackPromise('purchaseVehicle', { model = 'adder', price = 400 }))
        out('badProfile', P:TriggerServerCallbackPromise('updatePlayerProfile', { name = 5 }))
        out('profile', P:TriggerServerCallbackPromise('updatePlayerProfile', { name = 'Ann', age = 30 }))
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'dealer'], { settle: 1500 });
    expect(s.client('dealer')).toEqual({
      tooDear: [null, 'Insufficient funds'],
      bought: [{ vehicleId: 7, remainingMoney: 600 }],
      soldOut: [null, 'Vehicle not available'],
      badProfile: [null, "Validation failed: missing required field 'age', field 'name' must be string (got number)"],
      profile: [{ success: true, profile: { name: 'Ann', age: 30 } }],
    });
  });
});

describe('Community Bridge document: timeouts and errors (L2)', () => {
  it('function(result, error, timedOut): a per-call timeout through the name table; a trailing 10000 stays an argument', async () => {
    await luaRes(emu(), 'ops', {
      server: `
        exports.community_bridge:RegisterServerCallback('heavyOperation', function(src, cb, data) end)
        exports.community_bridge:RegisterServerCallback('echo', function(src, cb, ...) cb(select('#', ...), ...) end)`,
      client: `CreateThread(function()
        Wait(300)
        local t0 = GetGameTimer()
        exports.community_bridge:TriggerServerCallback({ name = 'heavyOperation', timeout = 400 }, function(result, error, timedOut)
          out('heavy', result, error, timedOut, GetGameTimer() - t0)
        end, { size = 3 })
        exports.community_bridge:TriggerServerCallback('echo', function(...) out('echo', ...) end, { size = 3 }, 10000)
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'ops'], { settle: 1500 });
    const heavy = s.client('ops').heavy;
    expect(heavy.slice(0, 3)).toEqual([null, "callback 'heavyOperation' timed out", true]);
    expect(heavy[3]).toBeGreaterThanOrEqual(400);
    expect(heavy[3]).toBeLessThan(500);
    expect(s.client('ops').echo).toEqual([2, { size: 3 }, 10000]);
  });

  it('unknown name, a handler that throws, and the error reply: each reaches function(result, error, timedOut)', async () => {
    await luaRes(emu(), 'ops', {
      server: `exports.community_bridge:RegisterServerCallback('crash', function(src, cb) local t = nil; return t.field end)`,
      client: `CreateThread(function()
        Wait(300)
        exports.community_bridge:TriggerServerCallback('operation', function(...) out('unknown', ...) end, {})
        exports.community_bridge:TriggerServerCallback('crash', function(...) out('crash', ...) end)
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'ops'], { settle: 1000 });
    expect(s.client('ops')).toEqual({
      unknown: [null, "callback 'operation' does not exist", false],
      crash: [null, "callback 'crash' failed on the other side", false],
    });
    // The stack stays on the server.
    expect(emu().output(/\[server\].*callback 'crash' \(resource ops\) failed:.*attempt to index a nil value/)).toHaveLength(1);
  });

  it('retry logic as an option: { retries, backoff } retries a timed-out call; a handler error is not retried', async () => {
    await luaRes(emu(), 'ops', {
      server: `
        attempts, crashes = 0, 0
        exports.community_bridge:RegisterServerCallback('flaky', function(src, cb, data)
          attempts = attempts + 1
          if attempts >= 3 then cb('ok on attempt ' .. attempts .. ' with ' .. data) end   -- the first two never answer
        end)
        exports.community_bridge:RegisterServerCallback('crashes', function(src, cb) crashes = crashes + 1 error('no') end)
        RegisterCommand('attempts', function() out('attempts', attempts, crashes) end, true)`,
      client: `CreateThread(function()
        Wait(300)
        local t0 = GetGameTimer()
        exports.community_bridge:TriggerServerCallback({ name = 'flaky', timeout = 200, retries = 3, backoff = 100 }, function(result, error)
          out('flaky', result, error, GetGameTimer() - t0)
        end, 'data')
        exports.community_bridge:TriggerServerCallback({ name = 'crashes', retries = 3 }, function(result, error) out('crashes', result, error) end)
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'ops'], { settle: 2500 });
    emu().executeCommand(emu().server, 'attempts');
    const flaky = s.client('ops').flaky;
    expect(flaky.slice(0, 2)).toEqual(['ok on attempt 3 with data', null]);
    // Two timeouts of 200 ms and backoffs of 100 and 200 ms before the third attempt.
    expect(flaky[2]).toBeGreaterThanOrEqual(700);
    expect(s.client('ops').crashes).toEqual([null, "callback 'crashes' failed on the other side"]);
    expect(s.server('ops').attempts).toEqual([3, 1]);
  });

  it('concurrent calls of one name each get their own reply', async () => {
    await luaRes(emu(), 'ops', {
      server: `exports.community_bridge:RegisterServerCallback('double', function(src, cb, n) Wait(300 - n * 10) cb(n * 2) end, { rateLimit = false })`,
      client: `CreateThread(function()
        Wait(300)
        local got, results = 0, {}
        for n = 1, 20 do
          exports.community_bridge:TriggerServerCallback('double', function(v) results[n] = v; got = got + 1 end, n)
        end
        CreateThread(function()
          local p1 = exports.community_bridge:TriggerServerCallbackPromise('double', 21)
          results[21] = p1
        end)
        while got < 20 or not results[21] do Wait(10) end
        local ok = true
        for n = 1, 21 do ok = ok and results[n] == n * 2 end
        out('all', ok, #results)
        ${PENDING_LUA('pending')}
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'ops'], { settle: 1500 });
    expect(s.client('ops')).toEqual({ all: [true, 21], pending: [0, 0] });
  });
});
