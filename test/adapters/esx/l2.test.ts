/**
 * L2: legacy ESX resources that include `@callback_bridge/import.lua` after `@es_extended/imports.lua`. Their ESX
 * object, however they got it, runs its callback functions on the resource's engine with ESX's signatures (contract
 * §4): every value to cb and from Await, failures printed (cb not called) or raised (Await), and what ESX lacks
 * (timeouts, collision-free ids).
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { esxSentIds, legacy, logged, scene, scriptErrors, type GetObject } from './support.ts';

const emu = useEmulator();

const SHOP_SERVER = `
  ESX.RegisterServerCallback('zero', function(source, cb) cb() end)
  ESX.RegisterServerCallback('one', function(source, cb, x) cb(x) end)
  ESX.RegisterServerCallback('three', function(source, cb, x) cb(x, nil, source) end)
  ESX.RegisterServerCallback('trailing', function(source, cb) cb(nil, 'b', nil) end)
  ESX.RegisterServerCallback('later', function(source, cb, ms) Wait(ms) cb(ms) end)`;

const BUYER_CLIENT = `CreateThread(function()
  Wait(300)
  ESX.TriggerServerCallback('zero', function(...) out('cbZero', ...) end)
  ESX.TriggerServerCallback('one', function(...) out('cbOne', ...) end, 'bread')
  ESX.TriggerServerCallback('three', function(...) out('cbThree', ...) end, 'milk')
  ESX.TriggerServerCallback('trailing', function(...) out('cbTrailing', ...) end)
  out('zero', ESX.AwaitServerCallback('zero'))
  out('one', ESX.AwaitServerCallback('one', 'tea'))
  out('three', ESX.AwaitServerCallback('three', 'jam'))
  out('trailing', ESX.AwaitServerCallback('trailing'))
end)`;

describe('L2: client → server, aliased on both ends', () => {
  for (const get of ['imports', 'export', 'event'] as GetObject[]) {
    it(`cb and Await get every value (0, 1, 3, nils kept) with ESX obtained through ${get}`, async () => {
      await legacy(emu(), 'shop', { aliased: true, get, server: SHOP_SERVER });
      await legacy(emu(), 'buyer', { aliased: true, get, client: BUYER_CLIENT });
      const s = await scene(emu(), ['callback_bridge', 'es_extended', 'shop', 'buyer'], { settle: 1500 });
      const id = s.player.netId;
      expect(s.client('buyer')).toEqual({
        cbZero: [], cbOne: ['bread'], cbThree: ['milk', null, id], cbTrailing: [null, 'b', null],
        zero: [], one: ['tea'], three: ['jam', null, id], trailing: [null, 'b', null],
      });
      // Nothing went through ESX's own wire: the engine carried every call.
      expect(esxSentIds(emu(), s.player)).toEqual([]);
      expect(scriptErrors(emu())).toEqual([]);
    });
  }

  it('concurrent calls of one name each get their own reply, whatever order the replies come in', async () => {
    await legacy(emu(), 'shop', { aliased: true, server: SHOP_SERVER });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: `CreateThread(function()
        Wait(300)
        for i = 1, 8 do
          ESX.TriggerServerCallback('later', function(ms) out('cb' .. i, ms) end, 400 - i * 40)
          CreateThread(function() out('await' .. i, ESX.AwaitServerCallback('later', 390 - i * 40)) end)
        end
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'shop', 'buyer'], { settle: 1500 });
    const want: Record<string, unknown[]> = {};
    for (let i = 1; i <= 8; i++) {
      want[`cb${i}`] = [400 - i * 40];
      want[`await${i}`] = [390 - i * 40];
    }
    expect(s.client('buyer')).toEqual(want);
  });
});

describe('L2: server → client, aliased on both ends', () => {
  it('TriggerClientCallback and AwaitClientCallback (player first) get every value', async () => {
    await legacy(emu(), 'hud', {
      aliased: true,
      client: `
        ESX.RegisterClientCallback('hud:zero', function(cb) cb() end)
        ESX.RegisterClientCallback('hud:three', function(cb, x) cb(x, nil, 'c') end)
        ESX.RegisterClientCallback('hud:trailing', function(cb) cb('a', nil) end)`,
    });
    await legacy(emu(), 'boss', {
      aliased: true,
      server: `RegisterNetEvent('go', function()
        local player = source
        ESX.TriggerClientCallback(player, 'hud:zero', function(...) out('cbZero', ...) end)
        ESX.TriggerClientCallback(tostring(player), 'hud:three', function(...) out('cbThree', ...) end, 'x')
        ESX.TriggerClientCallback(player, 'hud:trailing', function(...) out('cbTrailing', ...) end)
        out('zero', ESX.AwaitClientCallback(player, 'hud:zero'))
        out('three', ESX.AwaitClientCallback(player, 'hud:three', 'y'))
        out('trailing', ESX.AwaitClientCallback(player, 'hud:trailing'))
      end)`,
      client: `CreateThread(function() Wait(300) TriggerServerEvent('go') end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'hud', 'boss'], { settle: 1500 });
    expect(s.server('boss')).toEqual({
      cbZero: [], cbThree: ['x', null, 'c'], cbTrailing: ['a', null],
      zero: [], three: ['y', null, 'c'], trailing: ['a', null],
    });
    expect(esxSentIds(emu())).toEqual([]);
    expect(scriptErrors(emu())).toEqual([]);
  });
});

describe('L2: failures are never silent', () => {
  it('a handler error: cb not called and the reason printed with name and resource; Await raises', async () => {
    await legacy(emu(), 'shop', { aliased: true, server: `ESX.RegisterServerCallback('boom', function(source, cb) error('kaput') end)` });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: `CreateThread(function()
        Wait(300)
        ESX.TriggerServerCallback('boom', function(...) out('cb', ...) end)
        local ok, err = pcall(ESX.AwaitServerCallback, 'boom')
        out('await', ok, err)
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'shop', 'buyer'], { settle: 1000 });
    const r = s.client('buyer');
    expect(r.cb).toBeUndefined();
    expect(r.await[0]).toBe(false);
    expect(r.await[1]).toMatch(/ESX\.AwaitServerCallback\('boom'\) in buyer failed: HANDLER_ERROR/);
    expect(r.await[1]).not.toMatch(/kaput/); // the server's error stays in the server console
    expect(logged(emu(), /ESX\.TriggerServerCallback\('boom'\) in buyer failed, cb not called: HANDLER_ERROR/)).toHaveLength(1);
    expect(logged(emu(), /\[server\].*callback 'boom' \(resource shop\) failed: .*kaput/)).toHaveLength(2);
  });

  it('a handler that never answers: TIMEOUT after the timeout (ESX would wait forever); per-call timeout in the name table', async () => {
    await legacy(emu(), 'shop', { aliased: true, server: `ESX.RegisterServerCallback('silent', function(source, cb) end)` });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: `CreateThread(function()
        Wait(300)
        ESX.TriggerServerCallback('silent', function(...) out('cb', ...) end)
        CreateThread(function() out('await', pcall(ESX.AwaitServerCallback, 'silent')) end)
        CreateThread(function() out('short', pcall(ESX.AwaitServerCallback, { name = 'silent', timeout = 500 })) end)
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'shop', 'buyer'], {
      convars: { 'callback_bridge:timeout': '3000' },
      settle: 1200,
    });
    expect(s.client('buyer').short?.[1]).toMatch(/silent.*TIMEOUT/);
    expect(s.client('buyer').await).toBeUndefined();
    await emu().advance(3000);
    const r = s.client('buyer');
    expect(r.cb).toBeUndefined();
    expect(r.await[0]).toBe(false);
    expect(r.await[1]).toMatch(/AwaitServerCallback\('silent'\) in buyer failed: TIMEOUT/);
    expect(logged(emu(), /TriggerServerCallback\('silent'\) in buyer failed, cb not called: TIMEOUT/)).toHaveLength(1);
  });

  it('an unknown name: asked through ESX (no one serves it through the bridge), ends at the timeout', async () => {
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: `CreateThread(function()
        Wait(300)
        ESX.TriggerServerCallback('nope', function(...) out('cb', ...) end)
        out('await', pcall(ESX.AwaitServerCallback, 'nope'))
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'buyer'], { convars: { 'callback_bridge:timeout': '2000' }, settle: 3000 });
    const r = s.client('buyer');
    expect(r.cb).toBeUndefined();
    expect(r.await[0]).toBe(false);
    expect(r.await[1]).toMatch(/'nope'\) in buyer failed: TIMEOUT: .*es_extended/);
    expect(logged(emu(), /TriggerServerCallback\('nope'\) in buyer failed, cb not called: TIMEOUT/)).toHaveLength(1);
    // ESX's own complaint, printed where the handler would have been.
    expect(logged(emu(), /\[server\].*Server Callback with requestId nope Was Called by buyer but does not exist/)).toHaveLength(2);
  });

  it('a name owned by another resource is refused (ESX would overwrite silently); bad arguments raise at the caller', async () => {
    await legacy(emu(), 'first', { aliased: true, server: `ESX.RegisterServerCallback('dup', function(source, cb) cb('first') end)` });
    await legacy(emu(), 'second', {
      aliased: true,
      server: `ESX.RegisterServerCallback('dup', function(source, cb) cb('second') end)
        out('bad', pcall(function() ESX.RegisterServerCallback(42, function() end) end))
        out('badPlayer', pcall(function() ESX.TriggerClientCallback('x', 'dup', function() end) end))`,
    });
    await legacy(emu(), 'buyer', { aliased: true, client: `CreateThread(function() Wait(300) out('dup', ESX.AwaitServerCallback('dup')) end)` });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'first', 'second', 'buyer'], { settle: 800 });
    expect(s.client('buyer')).toEqual({ dup: ['first'] });
    expect(logged(emu(), /second tried to register callback 'dup', owned by first/)).toHaveLength(1);
    const bad = s.server('second');
    expect(bad.bad[0]).toBe(false);
    expect(bad.bad[1]).toMatch(/server\.lua:\d+: ESX\.RegisterServerCallback\(name, fn\)/);
    expect(bad.badPlayer[1]).toMatch(/server\.lua:\d+: ESX\.TriggerClientCallback\(player, name, \.\.\.\): player must be a number/);
  });

  it('Does*CallbackExist: this resource, another through the bridge, ESX-only names, unknown', async () => {
    await legacy(emu(), 'shop', { aliased: true, server: `ESX.RegisterServerCallback('mine', function(s, cb) cb() end)` });
    await legacy(emu(), 'plain', { server: `ESX.RegisterServerCallback('legacyOnly', function(s, cb) cb() end)` });
    await legacy(emu(), 'asker', {
      aliased: true,
      server: `ESX.RegisterServerCallback('own', function(s, cb) cb() end)
        CreateThread(function()
          Wait(100)
          out('s', ESX.DoesServerCallbackExist('own'), ESX.DoesServerCallbackExist('mine'), ESX.DoesServerCallbackExist('legacyOnly'),
            ESX.DoesServerCallbackExist('esx:getGameBuild'), ESX.DoesServerCallbackExist('nope'))
        end)`,
      client: `ESX.RegisterClientCallback('cl', function(cb) cb() end)
        out('c', ESX.DoesClientCallbackExist('cl'), ESX.DoesClientCallbackExist('esx:GetVehicleType'), ESX.DoesClientCallbackExist('nope'))`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'shop', 'plain', 'asker'], { settle: 500 });
    expect(s.server('asker')).toEqual({ s: [true, true, true, true, false] });
    expect(s.client('asker')).toEqual({ c: [true, true, false] });
  });
});
