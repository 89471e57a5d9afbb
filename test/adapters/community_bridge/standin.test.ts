/**
 * The community_bridge stand-in (L3): `setr callback_bridge:standin "community_bridge"` on a server without it, and
 * unmodified Lua and JS resources (no import, no include) call `exports.community_bridge:<name>`: the document's API
 * and the library's, on the bridge's engine.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { jsRes, luaRes, noScriptErrors, scene } from '../utils/support.ts';

const emu = useEmulator();
const plain = { aliased: false };

describe('community_bridge stand-in (L3)', () => {
  it('the document API from plain Lua: cb forms with (result, error, timedOut), the promise form, client callbacks', async () => {
    await luaRes(
      emu(),
      'legacy',
      {
        server: `
          exports.community_bridge:RegisterServerCallback('getPlayerMoney', function(src, cb, account)
            if account == 'bank' then cb(250) else cb(nil, 'Unknown account') end
          end)
          exports.community_bridge:RegisterServerCallback('slow', function(src, cb) end)
          RegisterCommand('ping', function(_, args)
            exports.community_bridge:TriggerClientCallback(tonumber(args[1]), 'ping', function(...) out('ping', ...) end, 'hello', 500)
          end, true)`,
        client: `
          exports.community_bridge:RegisterClientCallback('ping', function(cb, word, n) cb(word .. ' back', n) end)
          CreateThread(function()
            Wait(300)
            exports.community_bridge:TriggerServerCallback('getPlayerMoney', function(...) out('bank', ...) end, 'bank')
            exports.community_bridge:TriggerServerCallback('getPlayerMoney', function(...) out('gold', ...) end, 'gold')
            exports.community_bridge:TriggerServerCallback({ name = 'slow', timeout = 200 }, function(...) out('slow', ...) end)
            out('promise', exports.community_bridge:TriggerServerCallbackPromise('getPlayerMoney', 'bank'))
            -- Through an export a failure raises (one value crosses a runtime: no 'nil, message' pair).
            local ok, err = pcall(function() return exports.community_bridge:TriggerServerCallbackPromise('nope') end)
            out('promiseMissing', ok, tostring(err):find("callback 'nope' does not exist", 1, true) ~= nil)
          end)`,
      },
      plain,
    );
    const s = await scene(emu(), ['callback_bridge', 'legacy'], { standin: 'community_bridge', settle: 1200 });
    emu().executeCommand(emu().server, `ping ${s.player.netId}`);
    await emu().advance(500);
    expect(s.client('legacy')).toEqual({
      bank: [250],
      gold: [null, 'Unknown account'],
      slow: [null, "callback 'slow' timed out", true],
      promise: [250],
      promiseMissing: [false, true],
    });
    expect(s.server('legacy').ping).toEqual(['hello back', 500]);
  });

  it('the library API from plain Lua: RegisterCallback, TriggerCallback (cb and await), Callback(), Bridge(), RegisterRebound', async () => {
    await luaRes(
      emu(),
      'legacy',
      {
        server: `
          exports.community_bridge:RegisterCallback('lib:add', function(src, a, b) return a + b end)
          exports.community_bridge:Bridge().Callback.Register('lib:src', function(src) return src end)
          RegisterCommand('who', function(_, args)
            CreateThread(function() out('who', exports.community_bridge:TriggerCallback('lib:name', tonumber(args[1]))) end)
          end, true)`,
        client: `
          exports.community_bridge:Callback().Register('lib:name', function() return 'player' .. GetPlayerServerId(PlayerId()) end)
          CreateThread(function()
            Wait(300)
            local seen = {}
            exports.community_bridge:RegisterRebound('lib:add', function(v) seen[#seen + 1] = v end)
            exports.community_bridge:TriggerCallback('lib:add', function(v) out('cb', v) end, 1, 2)
            out('await', exports.community_bridge:TriggerCallback('lib:add', 20, 22))
            out('src', exports.community_bridge:Callback().Trigger('lib:src'))
            Wait(200)
            out('rebound', table.concat(seen, ','))
          end)`,
      },
      plain,
    );
    const s = await scene(emu(), ['callback_bridge', 'legacy'], { standin: 'community_bridge', settle: 1200 });
    emu().executeCommand(emu().server, `who ${s.player.netId}`);
    await emu().advance(500);
    expect(s.client('legacy')).toEqual({ cb: [3], await: [42], src: [s.player.netId], rebound: ['3,42'] });
    expect(s.server('legacy').who).toEqual([`player${s.player.netId}`]);
    noScriptErrors(emu());
  });

  it('from JS: the promise form resolves with the first value and rejects with a coded error; metrics and validation', async () => {
    await jsRes(emu(), 'jsLegacy', {
      server: `exports.community_bridge.RegisterServerCallback('js:price', (src, cb, item) => cb(item === 'bread' ? 2 : null, 'each'));
        globalThis.check = exports.community_bridge.ValidateCallbackData({ a: 1 }, { required: ['a', 'b'] });`,
      client: `globalThis.results = {};
        setTimeout(async () => {
          results.price = await exports.community_bridge.TriggerServerCallbackPromise('js:price', 'bread');
          try { await exports.community_bridge.TriggerServerCallbackPromise({ name: 'js:none', timeout: 500 }); }
          catch (e) { results.error = [e.code, e.message]; }
          results.rows = exports.community_bridge.GetCallbackMetrics().filter((r) => r.name.startsWith('js:')).map((r) => [r.resource, r.name, r.role, r.calls, r.errors]);
        }, 300);`,
    });
    const s = await scene(emu(), ['callback_bridge', 'jsLegacy'], { standin: 'community_bridge', settle: 1500 });
    const r = s.js('jsLegacy').results;
    expect(r.price).toBe(2);
    // A rejection crossing an export keeps the message (the code stays in the bridge's runtime).
    expect(r.error[1]).toMatch(/callback 'js:none' does not exist/);
    expect(s.js('jsLegacy', 'server').check).toEqual({ valid: false, errors: ["missing required field 'b'"] });
    // Calls through the stand-in are made by the bridge's engine on the caller's behalf.
    expect(r.rows).toHaveLength(2);
    expect(r.rows).toContainEqual(['callback_bridge', 'js:price', 'caller', 1, {}]);
    expect(r.rows).toContainEqual(['callback_bridge', 'js:none', 'caller', 1, { NOT_FOUND: 1 }]);
  });

  it('handlers registered through the stand-in belong to their resource: they go when it stops', async () => {
    await luaRes(emu(), 'owner', { server: `exports.community_bridge:RegisterServerCallback('owned', function(src, cb) cb('here') end)` }, plain);
    await luaRes(
      emu(),
      'asker',
      { client: `RegisterCommand('ask', function(_, args) exports.community_bridge:TriggerServerCallback('owned', function(...) out(args[1], ...) end) end)` },
      plain,
    );
    const s = await scene(emu(), ['callback_bridge', 'owner', 'asker'], { standin: 'community_bridge' });
    emu().executeCommand(s.player.machine, 'ask before');
    await emu().advance(300);
    emu().stop('owner');
    emu().executeCommand(s.player.machine, 'ask after');
    await emu().advance(300);
    expect(s.client('asker')).toEqual({ before: ['here'], after: [null, "callback 'owned' does not exist", false] });
  });

  it('is absent without the convar, and never in front of a community_bridge that exists', async () => {
    const probe = `out('doc', pcall(function() return exports.community_bridge:RegisterServerCallback('x', print) end))`;
    await luaRes(emu(), 'legacy', { server: probe }, plain);
    const s = await scene(emu(), ['callback_bridge', 'legacy']);
    expect(String(s.server('legacy').doc[1])).toMatch(/No such export RegisterServerCallback in resource community_bridge/);
  });

  it('is refused while community_bridge exists (the real library answers its own names only)', async () => {
    await luaRes(emu(), 'legacy', {
      server: `out('doc', pcall(function() return exports.community_bridge:RegisterServerCallback('x', print) end))
        out('lib', pcall(function() return exports.community_bridge:RegisterCallback('y', print) end))`,
    }, plain);
    const s = await scene(emu(), ['callback_bridge', 'community_bridge', 'legacy'], { standin: 'community_bridge', fixtures: ['community_bridge'] });
    expect(String(s.server('legacy').doc[1])).toMatch(/No such export RegisterServerCallback in resource community_bridge/);
    expect(s.server('legacy').lib[0]).toBe(true);
  });
});
