/**
 * Mixed migration (contract §2, L2): resources that include the import line and resources that do not work together
 * while es_extended runs, both ways, with at most one extra round trip; and an aliased resource on a stand-in.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { esxSentIds, legacy, scene, scriptErrors } from './support.ts';

const emu = useEmulator();

describe('mixed migration while es_extended runs', () => {
  it('an aliased client reaches a handler only ESX knows (an unmigrated resource, an ESX built-in), through ESX once', async () => {
    await legacy(emu(), 'oldShop', { server: `ESX.RegisterServerCallback('old:three', function(source, cb, x) cb(x, 'b', source) end)` });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: `CreateThread(function()
        Wait(300)
        ESX.TriggerServerCallback('old:three', function(...) out('cb', ...) end, 'a')
        out('await', ESX.AwaitServerCallback('old:three', 'c'))
        out('build', ESX.AwaitServerCallback('esx:getGameBuild'))
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'oldShop', 'buyer'], { settle: 1000 });
    expect(s.client('buyer')).toEqual({ cb: ['a', 'b', s.player.netId], await: ['c', 'b', s.player.netId], build: [3095] });
    // One ESX request per call: nothing tried the engine first and then ESX.
    expect(esxSentIds(emu(), s.player)).toEqual([0, 1, 2]);
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('an aliased server reaches a client handler only ESX knows', async () => {
    await legacy(emu(), 'oldHud', { client: `ESX.RegisterClientCallback('old:hud', function(cb, x) cb(x, 'seen') end)` });
    await legacy(emu(), 'boss', {
      aliased: true,
      server: `RegisterNetEvent('go', function()
        local player = source
        ESX.TriggerClientCallback(player, 'old:hud', function(...) out('cb', ...) end, 1)
        out('await', ESX.AwaitClientCallback(player, 'old:hud', 2))
        out('type', ESX.AwaitClientCallback(player, 'esx:GetVehicleType', 'blazer'))
      end)`,
      client: `CreateThread(function() Wait(300) TriggerServerEvent('go') end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'oldHud', 'boss'], { settle: 1000 });
    expect(s.server('boss')).toEqual({ cb: [1, 'seen'], await: [2, 'seen'], type: ['bike'] });
    expect(esxSentIds(emu())).toEqual([0, 1, 2]);
  });

  it('unmigrated callers reach aliased handlers on both sides, through ESX', async () => {
    await legacy(emu(), 'newShop', {
      aliased: true,
      server: `ESX.RegisterServerCallback('new:three', function(source, cb, x) cb(x, nil, source) end)`,
      client: `ESX.RegisterClientCallback('new:hud', function(cb, x) cb(x * 2) end)`,
    });
    await legacy(emu(), 'oldBuyer', {
      server: `RegisterNetEvent('go', function()
        out('hud', ESX.AwaitClientCallback(source, 'new:hud', 21))
      end)`,
      client: `CreateThread(function()
        Wait(300)
        ESX.TriggerServerCallback('new:three', function(...) out('cb', ...) end, 'a')
        TriggerServerEvent('go')
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'newShop', 'oldBuyer'], { settle: 1000 });
    expect(s.client('oldBuyer')).toEqual({ cb: ['a', null, s.player.netId] });
    expect(s.server('oldBuyer')).toEqual({ hud: [42] });
    expect(scriptErrors(emu())).toEqual([]);
  });

  it("unmigrated callers' requests to aliased handlers get the engine's checks (rate limit per player)", async () => {
    await legacy(emu(), 'newShop', {
      aliased: true,
      server: `ESX.RegisterServerCallback('new:hot', function(source, cb) cb('ok') end)`,
    });
    await legacy(emu(), 'oldBuyer', {
      client: `CreateThread(function()
        Wait(300)
        for i = 1, 25 do ESX.TriggerServerCallback('new:hot', function(v) out('n', i) end) end
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'newShop', 'oldBuyer'], { settle: 1000 });
    // The default per-player burst is 20: the 21st to 25th are refused and printed, none answered.
    expect(s.client('oldBuyer')).toEqual({ n: [20] });
    expect(emu().output(/ESX caller of 'new:hot' \(newShop\) got no reply: RATE_LIMITED/)).toHaveLength(5);
  });
});

describe('calls waiting on ESX end at once when they cannot be answered', () => {
  it('the player drops, or is not there: PLAYER_DROPPED at once (ESX would wait forever)', async () => {
    await legacy(emu(), 'oldHud', { client: `ESX.RegisterClientCallback('old:silent', function(cb) end)` });
    await legacy(emu(), 'boss', {
      aliased: true,
      server: `RegisterNetEvent('go', function()
        local player = source
        CreateThread(function() out('dropped', pcall(ESX.AwaitClientCallback, player, 'old:silent')) end)
        ESX.TriggerClientCallback(99, 'old:silent', function(...) out('absent', ...) end)
      end)`,
      client: `CreateThread(function() Wait(300) TriggerServerEvent('go') end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'oldHud', 'boss'], { settle: 600 });
    expect(s.server('boss')).toEqual({});
    emu().drop(s.player.netId, 'bye');
    await emu().advance(50);
    expect(s.server('boss').dropped).toEqual([false, expect.stringMatching(/AwaitClientCallback\('old:silent'\) in boss failed: PLAYER_DROPPED/)]);
    expect(emu().output(/TriggerClientCallback\('old:silent'\) in boss failed, cb not called: PLAYER_DROPPED: .*player 99 is not connected/)).toHaveLength(1);
  });

  it('es_extended stops: RESOURCE_STOPPED at once', async () => {
    await legacy(emu(), 'oldShop', { server: `ESX.RegisterServerCallback('old:silent', function(source, cb) end)` });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: `CreateThread(function() Wait(300) out('await', pcall(ESX.AwaitServerCallback, 'old:silent')) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'oldShop', 'buyer'], { settle: 600 });
    expect(s.client('buyer')).toEqual({});
    emu().stop('es_extended');
    await emu().advance(50);
    expect(s.client('buyer').await).toEqual([false, expect.stringMatching(/'old:silent'\) in buyer failed: RESOURCE_STOPPED/)]);
  });
});

describe('an aliased resource on a stand-in', () => {
  it('runs on its engine and reaches what legacy scripts registered on the stand-in, both ways', async () => {
    await legacy(emu(), 'oldShop', { get: 'export', server: `ESX.RegisterServerCallback('old', function(source, cb, x) cb(x, 'old') end)` });
    await legacy(emu(), 'newShop', { get: 'export', aliased: true, server: `ESX.RegisterServerCallback('new', function(source, cb, x) cb(x, 'new') end)` });
    await legacy(emu(), 'oldBuyer', { get: 'event', client: `CreateThread(function() Wait(300) out('new', ESX.AwaitServerCallback('new', 1)) end)` });
    await legacy(emu(), 'newBuyer', { get: 'export', aliased: true, client: `CreateThread(function() Wait(300) out('old', ESX.AwaitServerCallback('old', 2)) end)` });
    const s = await scene(emu(), ['callback_bridge', 'oldShop', 'newShop', 'oldBuyer', 'newBuyer'], {
      esx: false,
      convars: { 'callback_bridge:standin': 'es_extended' },
      settle: 1000,
    });
    expect(s.client('oldBuyer')).toEqual({ new: [1, 'new'] });
    expect(s.client('newBuyer')).toEqual({ old: [2, 'old'] });
    expect(scriptErrors(emu())).toEqual([]);
  });
});
