/**
 * The real community_bridge library's callback API (ref §3) through the import (L2): served by the resource's own
 * engine while no community_bridge resource exists; passed to the real resource (our test double,
 * fixtures/community_bridge) while it runs, when the document's API is still served in-resource.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { luaRes, luaValue, noScriptErrors, scene } from '../utils/support.ts';

const emu = useEmulator();

describe('community_bridge library API through the import, community_bridge missing', () => {
  it('RegisterCallback returns values; client TriggerCallback with a cb, and awaited (every value, nils kept)', async () => {
    await luaRes(emu(), 'lib', {
      server: `exports.community_bridge:RegisterCallback('lib:pair', function(src, a) return a, nil, src end)`,
      client: `CreateThread(function()
        Wait(300)
        exports.community_bridge:TriggerCallback('lib:pair', function(...) out('cb', ...) end, 'x')
        out('await', exports.community_bridge:TriggerCallback('lib:pair', 'y'))
        out('missing', exports.community_bridge:TriggerCallback('lib:none', 'z'))
        out('timeout', exports.community_bridge:TriggerCallback({ name = 'lib:pair', timeout = 0 }, 'w'))
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'lib'], { settle: 1000 });
    expect(s.client('lib')).toEqual({
      cb: ['x', null, s.player.netId],
      await: ['y', null, s.player.netId],
      missing: [null, "callback 'lib:none' does not exist"],
      timeout: [null, "callback 'lib:pair' timed out"],
    });
  });

  it('server TriggerCallback(name, target, ...): one id, a list of ids, nil for everyone; the first reply wins', async () => {
    await luaRes(emu(), 'lib', {
      client: `exports.community_bridge:RegisterCallback('lib:who', function(delay) Wait(delay or 0) return GetPlayerServerId(PlayerId()) end)`,
      server: `
        RegisterCommand('ask', function()
          CreateThread(function()
            out('one', exports.community_bridge:TriggerCallback('lib:who', 2, 0))
            out('list', exports.community_bridge:TriggerCallback('lib:who', { 1, 2 }, 50))
            exports.community_bridge:TriggerCallback('lib:who', nil, function(...) out('everyone', ...) end, 10)
            out('minusOne', exports.community_bridge:TriggerCallback('lib:who', -1, 10))
            out('nobody', exports.community_bridge:TriggerCallback('lib:who', {}, 0))
          end)
        end, true)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'lib'], { players: 2 });
    emu().executeCommand(emu().server, 'ask');
    await emu().advance(1500);
    const out = s.server('lib');
    expect(out.one).toEqual([2]);
    expect([1, 2]).toContain(out.list[0]);
    expect([1, 2]).toContain(out.everyone[0]);
    expect([1, 2]).toContain(out.minusOne[0]);
    expect(out.nobody).toEqual([null, "callback 'lib:who': no player to call"]);
  });

  it('a list of targets where every one fails reports the last failure; one success among failures wins', async () => {
    await luaRes(emu(), 'lib', {
      client: `if GetPlayerServerId(PlayerId()) == 2 then exports.community_bridge:RegisterCallback('lib:only2', function() return 'two' end) end`,
      server: `RegisterCommand('ask', function()
        CreateThread(function()
          out('some', exports.community_bridge:TriggerCallback('lib:only2', { 1, 2 }))
          out('none', exports.community_bridge:TriggerCallback('lib:never', { 1, 2 }))
        end)
      end, true)`,
    });
    await scene(emu(), ['callback_bridge', 'lib'], { players: 2 });
    emu().executeCommand(emu().server, 'ask');
    await emu().advance(1000);
    expect(luaValue(emu(), 'server', 'lib', 'OUT')).toEqual({ some: '["two"]', none: `[null,"callback 'lib:never' does not exist"]` });
  });

  it('Callback() and Bridge().Callback are the module; RegisterRebound sees every reply of a Trigger for that name', async () => {
    await luaRes(emu(), 'lib', {
      server: `
        local Callback = exports.community_bridge:Callback()
        Callback.Register('lib:count', function(src, n) return n + 1 end)`,
      client: `CreateThread(function()
        Wait(300)
        local Bridge = exports.community_bridge:Bridge()
        local seen = {}
        exports.community_bridge:RegisterRebound('lib:count', function(v) seen[#seen + 1] = v end)
        out('viaBridge', Bridge.Callback.Trigger('lib:count', 1))
        out('viaCallback', exports.community_bridge:Callback().Trigger('lib:count', 10))
        Bridge.Callback.Trigger('lib:count', function(v) out('cb', v) end, 100)
        Wait(300)
        out('rebound', table.concat(seen, ','))
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'lib'], { settle: 1500 });
    expect(s.client('lib')).toEqual({ viaBridge: [2], viaCallback: [11], cb: [101], rebound: ['2,11,101'] });
  });
});

describe('with a community_bridge resource running (our test double)', () => {
  it('the library names and every other name go to it; the document names stay in-resource on the engine', async () => {
    await luaRes(emu(), 'mixed', {
      server: `
        exports.community_bridge:RegisterCallback('real:hello', function(src, who) return 'real says hi to ' .. who end)
        exports.community_bridge:RegisterServerCallback('doc:hello', function(src, cb, who) cb('bridge says hi to ' .. who) end)
        out('exists', exports.community_bridge:DoesCallbackExist('doc:hello'), exports.community_bridge:DoesCallbackExist('real:hello'))`,
      client: `CreateThread(function()
        Wait(300)
        out('real', exports.community_bridge:TriggerCallback('real:hello', 'ann'))
        out('doc', exports.community_bridge:TriggerServerCallbackPromise('doc:hello', 'bob'))
        out('notify', exports.community_bridge:SendNotify('hello'))
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'community_bridge', 'mixed'], { fixtures: ['community_bridge'], settle: 1500 });
    expect(s.client('mixed')).toEqual({
      real: ['real says hi to ann'],
      doc: ['bridge says hi to bob'],
      notify: [true],
    });
    expect(s.server('mixed').exists).toEqual([true, false]);
    // The library call went over the double's own wire.
    expect(luaValue(emu(), 'server', 'community_bridge', 'CB_TEST')).toMatchObject({ requests: 1 });
    noScriptErrors(emu());
  });
});
