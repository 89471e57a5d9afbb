/**
 * L1 (zero-touch) with ox_lib running: unmodified ox callers reach callbacks served through the bridge (any API), and
 * bridge callers reach handlers registered with unmodified `lib.callback.register` (reference §6). The ox resources
 * here run our double, unchanged.
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, luaGlobal, useEmulator } from '../../support/cfx.ts';
import { addBridge, addOxDouble, luaResource, plainResource, scene, seen } from './support.ts';

const emu = useEmulator();

describe('unmodified ox callers → callbacks served through the bridge', () => {
  it('client → server: native, cb-style and exports-registered handlers; values, nils, errors, unknown names', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'natshop', 'native', {
      server: `RegisterCallback('n0', function() end)
        RegisterCallback('n3', function(source, a, b) return a, nil, b end)
        RegisterServerCallback('ncb', function(source, cb, x) cb(x, source) end)
        RegisterCallback('nboom', function() error('native secret') end)`,
    });
    // A resource without the import, registering through the bridge's exports (its handler lives in the bridge).
    await plainResource(emu(), 'expshop', {
      server: ['server.lua', `exports.callback_bridge:RegisterCallback('viaexport', function(source, x) return x * 10 end)`],
    });
    await luaResource(emu(), 'oxbuyer', 'ox', {
      client: `CreateThread(function() Wait(300)
        out('n0', lib.callback.await('n0', false))
        out('n3', lib.callback.await('n3', false, 'a', 'b'))
        out('ncb', lib.callback.await('ncb', false, 7))
        out('nboom', lib.callback.await('nboom', false))
        out('viaexport', lib.callback.await('viaexport', false, 4))
        lib.callback('n3', false, function(...) out('cb', ...) end, 1, 2)
        out('nope', pcall(lib.callback.await, 'nope', false))
      end)`,
    });
    const [p] = await scene(emu(), ['natshop', 'expshop', 'oxbuyer']);
    await emu().advance(1500);
    expect(seen(p.machine, 'oxbuyer')).toEqual({
      n0: [],
      n3: ['a', null, 'b'],
      ncb: [7, p.netId],
      nboom: [],
      viaexport: [40],
      cb: [1, null, 2],
      nope: [false, expect.stringMatching(/callback 'nope' does not exist$/)],
    });
    expect(emu().output(/callback 'nboom' \(resource natshop\) failed: .*native secret/)).toHaveLength(1);
  });

  it('server → client: an unmodified server caller reaches a native client handler', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'natmenu', 'native', { client: `RegisterClientCallback('pick', function(cb, a) cb(a, nil, 'z') end)` });
    await luaResource(emu(), 'oxboss', 'ox', {
      server: `RegisterNetEvent('go', function() local src = source out('pick', lib.callback.await('pick', src, 'a')) end)`,
      client: `CreateThread(function() Wait(300) TriggerServerEvent('go') end)`,
    });
    await scene(emu(), ['natmenu', 'oxboss']);
    await emu().advance(1000);
    expect(seen(emu().server, 'oxboss')).toEqual({ pick: ['a', null, 'z'] });
  });

  it('while ox_lib runs the bridge never answers ox_lib:validateCallback: one "cb_invalid" per unknown name, from ox_lib', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'natshop', 'native', { server: `RegisterCallback('known', function() return 1 end)` });
    await plainResource(emu(), 'spy', {
      client: ['client.js', `globalThis.replies = [];
        onNet('__ox_cb_spy', (key, ...values) => replies.push([key, ...values]));
        setTimeout(() => { for (const n of ['known', 'unknown']) emitNet('ox_lib:validateCallback', n, 'spy', n + ':1'); }, 300);`],
    });
    const [p] = await scene(emu(), ['natshop', 'spy']);
    await emu().advance(1000);
    expect(jsGlobals(p.machine, 'spy').replies).toEqual([['unknown:1', 'cb_invalid']]);
  });

  it('a local spoof of a request is not answered by the bridge nor by an alias (ox answers it)', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'natmenu', 'native', { client: `RegisterCallback('nat', function() return 'n' end)` });
    await luaResource(emu(), 'menu', 'alias', { client: `lib.callback.register('ali', function() return 'a' end)` });
    await luaResource(emu(), 'oxmenu', 'ox', { client: `lib.callback.register('oxc', function() return 'o' end)` });
    await plainResource(emu(), 'spy', { server: ['server.js', `globalThis.replies = []; onNet('__ox_cb_spy', (key, v) => replies.push(key + '=' + v));`] });
    await plainResource(emu(), 'spoofer', {
      client: ['client.lua', `CreateThread(function() Wait(300)
        for _, n in ipairs({ 'nat', 'ali', 'oxc' }) do TriggerEvent('__ox_cb_' .. n, 'spy', n) end
      end)`],
    });
    await scene(emu(), ['natmenu', 'menu', 'oxmenu', 'spy', 'spoofer']);
    await emu().advance(1000);
    expect(jsGlobals(emu().server, 'spy').replies).toEqual(['oxc=o']);
  });
});

describe('bridge callers → handlers registered with unmodified lib.callback.register', () => {
  it('native in-resource callers, both directions, and the exports path of the bridge', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'oxshop', 'ox', { server: `lib.callback.register('oxs', function(source, a) return a, nil, source end)` });
    await luaResource(emu(), 'oxmenu', 'ox', { client: `lib.callback.register('oxc', function(a) return a * 2 end)` });
    await luaResource(emu(), 'natbuyer', 'native', {
      client: `CreateThread(function() Wait(300)
        out('oxs', TriggerServerCallbackPromise('oxs', 'a'))
        TriggerServerCallback('oxs', function(...) out('cb', ...) end, 'b')
        exports.callback_bridge:TriggerServerCallback('oxs', function(...) out('export', ...) end, 'c')
      end)`,
    });
    await luaResource(emu(), 'natboss', 'native', {
      server: `RegisterNetEvent('go', function()
        local src = source
        out('oxc', AwaitClientCallback(src, 'oxc', 21))
        exports.callback_bridge:TriggerClientCallback(src, 'oxc', function(...) out('export', ...) end, 5)
      end)`,
      client: `CreateThread(function() Wait(300) TriggerServerEvent('go') end)`,
    });
    const [p] = await scene(emu(), ['oxshop', 'oxmenu', 'natbuyer', 'natboss']);
    await emu().advance(1500);
    expect(seen(p.machine, 'natbuyer')).toEqual({ oxs: ['a', null, p.netId], cb: ['b', null, p.netId], export: ['c', null, p.netId] });
    expect(seen(emu().server, 'natboss')).toEqual({ oxc: [42], export: [10] });
  });

  it("the bridge's ox-wire caller takes a reply only from the player asked (a forger who knows the key is ignored)", async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'oxmenu', 'ox', { client: `lib.callback.register('pick', function() Wait(500) return 'real' end)` });
    await plainResource(emu(), 'spy', {
      client: ['client.js', `globalThis.keys = {}; onNet('__ox_cb_pick', (caller, key) => { keys[caller] = key; });
        globalThis.forge = (caller, key) => emitNet('__ox_cb_' + caller, key, 'forged');`],
    });
    await plainResource(emu(), 'boss', {
      server: ['server.lua', `AddEventHandler('go', function(target)
        exports.callback_bridge:TriggerClientCallback(target, 'pick', function(...) PICK = { ... } end)
      end)`],
    });
    await plainResource(emu(), 'kick', { server: ['server.js', `globalThis.go = (target) => emit('go', target);`] });
    const [victim, forger] = await scene(emu(), ['oxmenu', 'spy', 'boss', 'kick'], { players: 2 });
    jsGlobals(emu().server, 'kick').go(victim.netId);
    const keys = jsGlobals(victim.machine, 'spy').keys as Record<string, string>;
    // The request reaches the client bridge first (NOT_FOUND there), then goes out over the ox wire.
    await emu().until(() => keys.callback_bridge !== undefined, 400);
    const key = keys.callback_bridge;
    expect(key).toMatch(/^pick:\w{6,}$/);
    jsGlobals(forger.machine, 'spy').forge('callback_bridge', key);
    await emu().advance(1000);
    expect(luaGlobal(emu().server, 'boss', 'PICK')).toEqual(['real']);
  });
});
