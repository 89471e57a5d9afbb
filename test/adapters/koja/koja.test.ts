/**
 * KOJA lib callbacks (shared/seeds/koja-lib-callbacks.md) through the import (L2) on a server without koja-lib: the
 * resource's `exports['koja-lib']:getSharedObject()` answers an object whose callback functions run on its engine.
 * Our own scenarios for every function the document shows, and what the original lacked (ref §4): timeouts,
 * concurrent calls of one key, source binding, limits, a drop mid-request.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { luaRes, noScriptErrors, PENDING_LUA, scene } from '../utils/support.ts';

const emu = useEmulator();
const GET = `KOJA = exports['koja-lib']:getSharedObject()\n`;

describe('KOJA callbacks through the import, koja-lib missing', () => {
  it('RegisterServerCallback / TriggerServerCallback, RegisterClientCallback / TriggerClientCallback, as documented', async () => {
    await luaRes(emu(), 'shop', {
      server:
        GET +
        `local shelves = { food = { { name = 'bread', price = 2 }, { name = 'milk', price = 3 } } }
        KOJA.Server.RegisterServerCallback('myScript:getShopItems', function(source, payload, cb)
          cb(shelves[payload.category] or {})
        end)
        RegisterCommand('where', function(_, args)
          local source = tonumber(args[1])
          KOJA.Server.TriggerClientCallback('myScript:getLocalCoords', source, nil, function(coords)
            out('coords', coords.x, coords.y, coords.z)
          end)
        end, true)`,
      client:
        GET +
        `KOJA.Client.RegisterClientCallback('myScript:getLocalCoords', function(payload, cb)
          cb({ x = 1.5, y = -2.0, z = 30.25, payload = payload })
        end)
        CreateThread(function()
          Wait(300)
          KOJA.Client.TriggerServerCallback('myScript:getShopItems', { category = 'food' }, function(items)
            local names = {}
            for _, item in ipairs(items) do names[#names + 1] = item.name .. '=' .. item.price end
            out('items', table.concat(names, ' '))
          end)
        end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop'], { settle: 1000 });
    emu().executeCommand(emu().server, `where ${s.player.netId}`);
    await emu().advance(500);
    expect(s.client('shop').items).toEqual(['bread=2 milk=3']);
    expect(s.server('shop').coords).toEqual([1.5, -2, 30.25]);
    noScriptErrors(emu());
  });

  it('TriggerCallback(key, source, payload, cb) runs a server callback of another resource locally, as that source', async () => {
    await luaRes(emu(), 'shop', {
      server: GET + `KOJA.Server.RegisterServerCallback('shop:who', function(source, payload, cb) cb(source, payload, 'extra') end)`,
    });
    await luaRes(emu(), 'admin', {
      server:
        GET +
        `RegisterCommand('local', function(_, args)
          local t0 = GetGameTimer()
          KOJA.Server.TriggerCallback('shop:who', tonumber(args[1]), { reason = 'audit' }, function(...) out('local', GetGameTimer() - t0, ...) end)
          KOJA.Server.TriggerCallback('shop:nobody', 0, nil, function(...) out('missing', ...) end)
        end, true)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'admin']);
    emu().executeCommand(emu().server, `local ${s.player.netId}`);
    await emu().advance(200);
    // No network: it answers within the same server frame (a round trip to a client takes at least 2 x latency).
    expect(s.server('admin').local).toEqual([0, s.player.netId, { reason: 'audit' }, 'extra']);
    expect(s.server('admin').missing).toEqual([null, "callback 'shop:nobody' does not exist", false]);
  });

  it('value counts: TriggerServerCallback hands the first value (as the original), the others every value', async () => {
    await luaRes(emu(), 'shop', {
      server:
        GET +
        `KOJA.Server.RegisterServerCallback('two', function(source, payload, cb) cb('a', 'b') end)
        RegisterCommand('ask', function(_, args)
          KOJA.Server.TriggerClientCallback('client:two', tonumber(args[1]), 'p', function(...) out('fromClient', ...) end)
          KOJA.Server.TriggerCallback('two', tonumber(args[1]), nil, function(...) out('local', ...) end)
        end, true)`,
      client:
        GET +
        `KOJA.Client.RegisterClientCallback('client:two', function(payload, cb) cb(payload, 'y', nil) end)
        CreateThread(function() Wait(300) KOJA.Client.TriggerServerCallback('two', nil, function(...) out('toServer', ...) end) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop'], { settle: 800 });
    emu().executeCommand(emu().server, `ask ${s.player.netId}`);
    await emu().advance(500);
    expect(s.client('shop').toServer).toEqual(['a']);
    expect(s.server('shop')).toEqual({ fromClient: ['p', 'y', null], local: ['a', 'b'] });
  });

  it('a client callback may also answer with its return values (koja-lib style); `return nil` counts, returning nothing waits for cb', async () => {
    await luaRes(emu(), 'ui', {
      client:
        GET +
        `KOJA.Client.RegisterClientCallback('ret', function(payload) return payload * 2, 'ret' end)
        KOJA.Client.RegisterClientCallback('retNil', function() return nil end)
        KOJA.Client.RegisterClientCallback('later', function(payload, cb) SetTimeout(200, function() cb('later') end) end)`,
      server:
        GET +
        `RegisterCommand('ask', function(_, args)
          local p = tonumber(args[1])
          KOJA.Server.TriggerClientCallback('ret', p, 21, function(...) out('ret', ...) end)
          KOJA.Server.TriggerClientCallback('retNil', p, nil, function(...) out('retNil', ...) end)
          KOJA.Server.TriggerClientCallback('later', p, nil, function(...) out('later', ...) end)
        end, true)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'ui']);
    emu().executeCommand(emu().server, `ask ${s.player.netId}`);
    await emu().advance(600);
    expect(s.server('ui')).toEqual({ ret: [42, 'ret'], retNil: [null], later: ['later'] });
  });

  it('failures: unknown key, timeout (per call and per callback), handler error; each logged and (nil, message, timedOut)', async () => {
    await luaRes(emu(), 'shop', {
      server:
        GET +
        `KOJA.Server.RegisterServerCallback('silent', function(source, payload, cb) end)
        KOJA.Server.RegisterServerCallback('capped', function(source, payload, cb) end, { timeout = 300 })
        KOJA.Server.RegisterServerCallback('boom', function(source, payload, cb) error('shelf collapsed') end)`,
      client:
        GET +
        `CreateThread(function()
          Wait(300)
          KOJA.Client.TriggerServerCallback('unknown:key', {}, function(...) out('unknown', ...) end)
          KOJA.Client.TriggerServerCallback({ name = 'silent', timeout = 200 }, {}, function(...) out('perCall', ...) end)
          KOJA.Client.TriggerServerCallback('capped', {}, function(...) out('perCallback', ...) end)
          KOJA.Client.TriggerServerCallback('boom', {}, function(...) out('boom', ...) end)
          out('badKey', pcall(function() KOJA.Client.TriggerServerCallback(42, {}) end))
        end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop'], { settle: 1500 });
    const c = s.client('shop');
    expect(c.unknown).toEqual([null, "callback 'unknown:key' does not exist", false]);
    expect(c.perCall).toEqual([null, "callback 'silent' timed out", true]);
    expect(c.perCallback).toEqual([null, "callback 'capped' timed out", true]);
    expect(c.boom).toEqual([null, "callback 'boom' failed on the other side", false]);
    expect(c.badKey[0]).toBe(false);
    expect(String(c.badKey[1])).toMatch(/client\.lua:\d+: callback key must be a non-empty string/);
    expect(emu().output(/\[client 1\] \[shop\].*KOJA: callback '(unknown:key|silent|capped|boom)'/)).toHaveLength(4);
    expect(emu().output(/\[server\].*callback 'boom' \(resource shop\) failed:.*shelf collapsed/)).toHaveLength(1);
  });

  it('concurrent calls of one key each get their own reply (the original keeps one pending entry per key)', async () => {
    await luaRes(emu(), 'shop', {
      server: GET + `KOJA.Server.RegisterServerCallback('echo', function(source, payload, cb) Wait(100 - payload) cb(payload) end, { rateLimit = false })`,
      client:
        GET +
        `CreateThread(function()
          Wait(300)
          local got = {}
          for i = 1, 12 do KOJA.Client.TriggerServerCallback('echo', i, function(v) got[#got + 1] = (v == i) end) end
          Wait(600)
          local all = #got == 12
          for _, same in ipairs(got) do all = all and same end
          out('all', all, #got)
          ${PENDING_LUA('pending')}
        end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop'], { settle: 1500 });
    expect(s.client('shop')).toEqual({ all: [true, 12], pending: [0, 0] });
  });

  it('source binding and a drop mid-request: a server→client call ends at once when the player leaves; limits per player', async () => {
    await luaRes(emu(), 'ui', {
      client: GET + `KOJA.Client.RegisterClientCallback('ui:confirm', function(payload, cb) SetTimeout(5000, function() cb(true) end) end)`,
      server:
        GET +
        `KOJA.Server.RegisterServerCallback('limited', function(source, payload, cb) cb(source) end, { rateLimit = { rate = 1, burst = 1 } })
        RegisterCommand('confirm', function(_, args)
          KOJA.Server.TriggerClientCallback('ui:confirm', tonumber(args[1]), 'Sure?', function(...) out('confirm', ...) ${PENDING_LUA('after')} end)
        end, true)
        RegisterCommand('limits', function(_, args)
          local p = tonumber(args[1])
          KOJA.Server.TriggerCallback('limited', p, nil, function(...) out('first' .. p, ...) end)
          KOJA.Server.TriggerCallback('limited', p, nil, function(...) out('second' .. p, ...) end)
        end, true)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'ui'], { players: 2 });
    const [a, b] = s.players;
    emu().executeCommand(emu().server, `limits ${a.netId}`);
    emu().executeCommand(emu().server, `limits ${b.netId}`);
    emu().executeCommand(emu().server, `confirm ${b.netId}`);
    await emu().advance(300);
    emu().drop(b.netId, 'left');
    await emu().advance(50);
    const out = s.server('ui');
    expect(out.confirm).toEqual([null, "callback 'ui:confirm' ended: the player dropped", false]);
    expect(out.after).toEqual([0, 0]);
    expect(out[`first${a.netId}`]).toEqual([a.netId]);
    expect(out[`second${a.netId}`]).toEqual([null, "callback 'limited' is rate limited, try again later", false]);
    expect(out[`first${b.netId}`]).toEqual([b.netId]);
  });
});
