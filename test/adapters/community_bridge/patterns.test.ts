/**
 * The Community Bridge document's patterns that every script had to copy, as engine features reached through
 * `exports.community_bridge` in a resource with the import (L2): queue management, performance monitoring, data
 * validation, permission checks, rate limiting and memory management (nothing to clean up by hand).
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { luaRes, noScriptErrors, PENDING_LUA, scene } from '../utils/support.ts';

const emu = useEmulator();

describe('Community Bridge document patterns as engine features (L2)', () => {
  it('queue management: CreateQueue runs the highest priority first, never more than `concurrency` at once', async () => {
    await luaRes(emu(), 'jobs', {
      server: `
        local running, peak, order = 0, 0, {}
        exports.community_bridge:RegisterServerCallback('job', function(src, cb, label)
          running = running + 1; peak = math.max(peak, running); order[#order + 1] = label
          Wait(50)
          running = running - 1
          cb(label)
        end, { rateLimit = false })
        RegisterCommand('jobs', function() out('jobs', peak, table.concat(order, ',')) end, true)`,
      client: `CreateThread(function()
        Wait(300)
        local q = exports.community_bridge:CreateQueue({ concurrency = 1 })
        local done = {}
        q:TriggerServerCallback({ name = 'job', priority = 1 }, function(v) done[#done + 1] = v end, 'first')
        q:TriggerServerCallback({ name = 'job', priority = 1 }, function(v) done[#done + 1] = v end, 'low')
        q:TriggerServerCallback({ name = 'job', priority = 5 }, function(v) done[#done + 1] = v end, 'high')
        q:TriggerServerCallback({ name = 'job', priority = 3 }, function(v) done[#done + 1] = v end, 'mid')
        out('queued', q:Size(), q:Running())
        local last = q:TriggerServerCallbackPromise({ name = 'job', priority = 0 }, 'last')
        out('done', table.concat(done, ','), last, q:Size(), q:Running())
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'jobs'], { settle: 2000 });
    emu().executeCommand(emu().server, 'jobs');
    expect(s.client('jobs')).toEqual({ queued: [3, 1], done: ['first,high,mid,low', 'last', 0, 0] });
    expect(s.server('jobs').jobs).toEqual([1, 'first,high,mid,low,last']);
  });

  it('performance monitoring: GetCallbackMetrics gives calls, errors by code, in-flight and latency per callback', async () => {
    await luaRes(emu(), 'perf', {
      server: `
        exports.community_bridge:RegisterServerCallback('measured', function(src, cb, ms) Wait(ms) cb(ms) end, { rateLimit = false })`,
      client: `CreateThread(function()
        Wait(300)
        for _, ms in ipairs({ 100, 100, 200 }) do exports.community_bridge:TriggerServerCallbackPromise('measured', ms) end
        exports.community_bridge:TriggerServerCallbackPromise('unmeasured')
        exports.community_bridge:TriggerServerCallbackPromise({ name = 'measured', timeout = 50 }, 500)
        for _, row in ipairs(exports.community_bridge:GetCallbackMetrics()) do
          if row.resource == 'perf' and row.role == 'caller' then
            out(row.name, row.calls, row.errors, row.inFlight, row.p50 >= 100 and row.p50 < 200, row.p99 >= 200)
          end
        end
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'perf'], { settle: 2500 });
    expect(s.client('perf').measured).toEqual([4, { TIMEOUT: 1 }, 0, true, true]);
    expect(s.client('perf').unmeasured.slice(0, 3)).toEqual([1, { NOT_FOUND: 1 }, 0]);
  });

  it('data validation: ValidateCallbackData, and the validate option refuses before the handler runs', async () => {
    await luaRes(emu(), 'secure', {
      server: `
        ran = 0
        local schema = { required = { 'action', 'parameters' }, types = { action = 'string', parameters = 'table' } }
        out('direct', exports.community_bridge:ValidateCallbackData({ action = 1 }, schema))
        exports.community_bridge:RegisterServerCallback('secureOperation', function(src, cb, data)
          ran = ran + 1
          cb('did ' .. data.action)
        end, { validate = schema })
        RegisterCommand('ran', function() out('ran', ran) end, true)`,
      client: `CreateThread(function()
        Wait(300)
        out('bad', exports.community_bridge:TriggerServerCallbackPromise('secureOperation', { action = 'x' }))
        out('good', exports.community_bridge:TriggerServerCallbackPromise('secureOperation', { action = 'open', parameters = {} }))
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'secure'], { settle: 1000 });
    emu().executeCommand(emu().server, 'ran');
    expect(s.server('secure').direct).toEqual([
      { valid: false, errors: ["missing required field 'parameters'", "field 'action' must be string (got number)"] },
    ]);
    expect(s.client('secure').bad).toEqual([null, "callback 'secureOperation' received invalid arguments: missing required field 'parameters'"]);
    expect(s.client('secure').good).toEqual(['did open']);
    expect(s.server('secure').ran).toEqual([1]);
  });

  it('permission: the permission option (an ACE) refuses players without it and lets them in once granted', async () => {
    await luaRes(emu(), 'admin', {
      server: `exports.community_bridge:RegisterServerCallback('kick', function(src, cb) cb('allowed') end, { permission = 'cb.admin' })`,
      client: `RegisterCommand('try', function(_, args)
        exports.community_bridge:TriggerServerCallback('kick', function(...) out(args[1], ...) end)
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'admin']);
    emu().executeCommand(s.player.machine, 'try before');
    await emu().advance(300);
    emu().executeCommand(emu().server, `add_ace player.${s.player.netId} cb.admin allow`);
    emu().executeCommand(s.player.machine, 'try after');
    await emu().advance(300);
    expect(s.client('admin')).toEqual({ before: [null, "callback 'kick' is not allowed for this player", false], after: ['allowed'] });
  });

  it('rate limiting: { rate, burst } per player per callback (10 a minute here); another player is not slowed', async () => {
    await luaRes(emu(), 'limited', {
      server: `exports.community_bridge:RegisterServerCallback('search', function(src, cb) cb('ok') end, { rateLimit = { rate = 10 / 60, burst = 10 } })`,
      client: `RegisterCommand('burst', function(_, args)
        local n = tonumber(args[1])
        local ok, limited = 0, 0
        for i = 1, n do
          exports.community_bridge:TriggerServerCallback('search', function(v, err)
            if v then ok = ok + 1 elseif err:find('rate limited') then limited = limited + 1 end
            if ok + limited == n then out('burst', ok, limited) end
          end)
        end
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'limited'], { players: 2 });
    emu().executeCommand(s.players[0].machine, 'burst 12');
    emu().executeCommand(s.players[1].machine, 'burst 5');
    await emu().advance(1000);
    expect(s.client('limited', s.players[0]).burst).toEqual([10, 2]);
    expect(s.client('limited', s.players[1]).burst).toEqual([5, 0]);
  });

  it('memory management: after replies, timeouts and drops every pending table is back to zero, by itself', async () => {
    await luaRes(emu(), 'mem', {
      server: `
        exports.community_bridge:RegisterServerCallback('quick', function(src, cb) cb(1) end, { rateLimit = false })
        -- Its handler never answers: the handler side's entry ends at the callback's own deadline.
        exports.community_bridge:RegisterServerCallback('hang', function(src, cb) end, { rateLimit = false, timeout = 300 })
        RegisterCommand('ask', function(_, args)
          local player = tonumber(args[1])
          exports.community_bridge:TriggerClientCallback(player, 'ui:wait', function(...) out('toClient', ...) end)
          SetTimeout(100, function() ${PENDING_LUA('serverWhileWaiting')} end)
        end, true)
        RegisterCommand('pending', function() ${PENDING_LUA('server')} end, true)`,
      client: `
        exports.community_bridge:RegisterClientCallback('ui:wait', function(cb) end)
        CreateThread(function()
          Wait(300)
          for i = 1, 30 do exports.community_bridge:TriggerServerCallback('quick', function() end) end
          for i = 1, 5 do exports.community_bridge:TriggerServerCallback({ name = 'hang', timeout = 300 }, function() end) end
          Wait(100)
          ${PENDING_LUA('clientDuring')}
          Wait(600)
          ${PENDING_LUA('clientAfter')}
        end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'mem'], { players: 2, settle: 1500 });
    expect(s.client('mem').clientDuring).toEqual([5, 0]);
    expect(s.client('mem').clientAfter).toEqual([0, 0]);
    // A server→client request to a player who then drops ends at once (PLAYER_DROPPED), not at its timeout.
    emu().executeCommand(emu().server, `ask ${s.players[1].netId}`);
    await emu().advance(200);
    expect(s.server('mem').serverWhileWaiting).toEqual([1, 0]);
    emu().drop(s.players[1].netId, 'left');
    await emu().advance(100);
    emu().executeCommand(emu().server, 'pending');
    expect(s.server('mem').toClient).toEqual([null, "callback 'ui:wait' ended: the player dropped", false]);
    expect(s.server('mem').server).toEqual([0, 0]);
    noScriptErrors(emu());
  });
});
