/**
 * L3 for ox_lib: no ox_lib resource, `setr callback_bridge:standin ox_lib`. `lib.callback` cannot exist without the
 * resource (it comes from `@ox_lib/init.lua`), so the stand-in serves what lives in ox_lib: its registry exports and
 * `ox_lib:validateCallback`. Scripts using the REAL JS package (which calls exports.ox_lib.setValidCallback) then run
 * unmodified, and meet the bridge's callbacks on the same wire.
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, useEmulator } from '../../support/cfx.ts';
import { addBridge, luaResource, oxJsResource, scene, seen } from './support.ts';

const emu = useEmulator();

const NOTE = `globalThis.got = {};
  globalThis.note = (key, p) => Promise.resolve(p).then(
    (v) => { got[key] = v === undefined ? 'undefined' : JSON.stringify(v); },
    (e) => { got[key] = 'rejected: ' + String(e); });`;

describe('ox_lib stand-in (L3)', () => {
  it('the real package runs unmodified: handlers register, callers get values, unknown names "cb_invalid" once', async () => {
    emu().setConvar('callback_bridge:standin', 'ox_lib', true);
    await addBridge(emu());
    await oxJsResource(emu(), 'jsshop', {
      server: `OxServer.onClientCallback('js1', (src, x) => x + '!');`,
      client: `OxClient.onServerCallback('jsc', (a) => a * 3);`,
    });
    await luaResource(emu(), 'natshop', 'native', { server: `RegisterCallback('nat', function(source, x) return x, 'second' end)` });
    await oxJsResource(emu(), 'jsbuyer', {
      client: `${NOTE} globalThis.replies = 0; onNet('__ox_cb_jsbuyer', () => replies++);
        setTimeout(async () => {
          await note('js1', OxClient.triggerServerCallback('js1', null, 'a'));
          await note('nat', OxClient.triggerServerCallback('nat', null, 'n'));
          replies = 0;
          await note('nope', OxClient.triggerServerCallback('nope', null));
        }, 300);`,
      server: `${NOTE} onNet('go', () => { note('jsc', OxServer.triggerClientCallback('jsc', source, 5)); });`,
    });
    await luaResource(emu(), 'natbuyer', 'native', {
      client: `CreateThread(function() Wait(300) out('js1', TriggerServerCallbackPromise('js1', 'b')) TriggerServerEvent('go') end)`,
      server: `RegisterNetEvent('go', function() local src = source out('jsc', AwaitClientCallback(src, 'jsc', 7)) end)`,
    });
    const [p] = await scene(emu(), ['jsshop', 'natshop', 'jsbuyer', 'natbuyer'], { ox: false });
    await emu().advance(1500);
    const buyer = jsGlobals(p.machine, 'jsbuyer');
    expect(buyer.got).toEqual({ js1: '"a!"', nat: '"n"', nope: '"cb_invalid"' });
    expect(buyer.replies).toBe(1);
    expect(jsGlobals(emu().server, 'jsbuyer').got).toEqual({ jsc: '15' });
    expect(seen(p.machine, 'natbuyer')).toEqual({ js1: ['b!'] });
    expect(seen(emu().server, 'natbuyer')).toEqual({ jsc: [21] });
  });

  it("the registry: owners, the overwrite warning, isCallbackValid, setValidCallback(false), cleanup on stop", async () => {
    emu().setConvar('callback_bridge:standin', 'ox_lib', true);
    await addBridge(emu());
    await oxJsResource(emu(), 'first', { server: `OxServer.onClientCallback('dup', () => 'first');` });
    await oxJsResource(emu(), 'second', { server: `OxServer.onClientCallback('dup', () => 'second');` });
    await luaResource(emu(), 'asker', 'native', {
      server: `exports.ox_lib:setValidCallback('mine', true)
        RegisterCallback('nat', function() return 1 end)
        RegisterCommand('check', function(_, args)
          out(args[1], exports.ox_lib:isCallbackValid('mine'), exports.ox_lib:isCallbackValid('dup'), exports.ox_lib:isCallbackValid('nat'))
        end, false)
        RegisterCommand('release', function() exports.ox_lib:setValidCallback('mine', false) end, false)`,
    });
    await oxJsResource(emu(), 'jsbuyer', { client: `${NOTE} globalThis.ask = (key, name) => note(key, OxClient.triggerServerCallback(name, null));` });
    const [p] = await scene(emu(), ['first', 'second', 'asker', 'jsbuyer'], { ox: false });
    expect(emu().output(/resource 'second' attempted to overwrite callback 'dup' owned by resource 'first'/)).toHaveLength(1);
    const buyer = jsGlobals(p.machine, 'jsbuyer');
    buyer.ask('dup', 'dup');
    await emu().advance(300);
    // Both listeners answer (as with ox_lib): the first reply wins.
    expect(buyer.got.dup).toMatch(/^"(first|second)"$/);

    emu().executeCommand(emu().server, 'check before');
    emu().executeCommand(emu().server, 'release');
    emu().executeCommand(emu().server, 'check after');
    // isCallbackValid: whether the asking resource holds the name (registered it, or serves it through the bridge).
    expect(seen(emu().server, 'asker')).toEqual({ before: [true, false, true], after: [false, false, true] });
    buyer.ask('released', 'mine');
    emu().stop('first');
    emu().stop('second');
    await emu().advance(100);
    buyer.ask('gone', 'dup');
    await emu().advance(300);
    expect(buyer.got.gone).toBe('"cb_invalid"');
    expect(buyer.got.released).toBe('"cb_invalid"');
  });
});
