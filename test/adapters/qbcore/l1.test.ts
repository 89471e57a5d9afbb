import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { inThread, jsNative, legacy, listenersOf, logged, modes, noScriptErrors, onPlayer, scene, wireRequests } from './support.ts';

const emu = useEmulator();

describe('QBCore L1: unmodified QBCore callers reach callbacks served through the bridge', () => {
  it('an unmodified client (qb-core TriggerCallback, cb and await) reaches a migrated handler, through qb-core\'s wire', async () => {
    await legacy(emu(), 'shop', {
      aliased: true,
      server: `QBCore.Functions.CreateCallback('shop:price', function(source, cb, item) cb(item .. ':5', nil, source) end)`,
    });
    await legacy(emu(), 'oldbuyer', {
      client: inThread(`
  QBCore.Functions.TriggerCallback('shop:price', function(...) out('cb', ...) end, 'bread')
  Wait(300) -- qb-core keys calls by name: one at a time
  out('await', QBCore.Functions.TriggerCallback('shop:price', 'milk'))`, 200),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop', 'oldbuyer'], { settle: 1500 });
    expect(s.client('oldbuyer')).toEqual({ cb: ['bread:5', null, s.player.netId], await: ['milk:5'] });
    expect(wireRequests(emu().server)).toBe(2);
    noScriptErrors(emu());
  });

  it('any API: a callback registered through the bridge\'s native API in JS is reachable by unmodified QBCore callers', async () => {
    await jsNative(emu(), 'jsshop', {
      server: `CallbackBridge.registerWithCallback('js:stock', (source, cb, item) => cb(item, 3));`,
    });
    await legacy(emu(), 'oldbuyer', {
      client: inThread(`
  QBCore.Functions.TriggerCallback('js:stock', function(...) out('cb', ...) end, 'apple')`, 200),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'jsshop', 'oldbuyer'], { settle: 1500 });
    expect(s.client('oldbuyer')).toEqual({ cb: ['apple', 3] });
  });

  it('an unmodified server (qb-core TriggerClientCallback, cb and await) reaches a migrated client callback', async () => {
    await legacy(emu(), 'ui', {
      aliased: true,
      client: `QBCore.Functions.CreateClientCallback('ui:ask', function(cb, q) cb(q .. '!', 2) end)`,
    });
    await legacy(emu(), 'oldboss', {
      server: onPlayer(`
  QBCore.Functions.TriggerClientCallback('ui:ask', P, function(...) out('cb', ...) end, 'hey')
  Wait(300) -- qb-core keys calls by name and player: one at a time
  out('await', QBCore.Functions.TriggerClientCallback('ui:ask', P, 'yo'))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'ui', 'oldboss'], { settle: 1500 });
    expect(s.server('oldboss')).toEqual({ cb: ['hey!', 2], await: ['yo!'] });
    expect(wireRequests(s.player.machine)).toBe(2);
  });

  it('a failing handler behind a relay: QBCore\'s caller hears nothing (as with QBCore), the bridge logs the code', async () => {
    await legacy(emu(), 'shop', { aliased: true, server: `QBCore.Functions.CreateCallback('shop:boom', function() error('x') end)` });
    await legacy(emu(), 'oldbuyer', {
      client: `CreateThread(function() Wait(200) QBCore.Functions.TriggerCallback('shop:boom', function(...) out('cb', ...) end) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop', 'oldbuyer'], { settle: 1500 });
    expect(s.client('oldbuyer')).toEqual({});
    expect(logged(emu(), /\[server\] \[callback_bridge\].*QBCore call failed \(HANDLER_ERROR\).*qb-core's registry/).length).toBe(1);
  });

  it('never listens to the four QBCore wire events while qb-core runs; each call is answered once', async () => {
    await legacy(emu(), 'shop', { aliased: true, server: `QBCore.Functions.CreateCallback('shop:n', function(s, cb) cb(1) end)` });
    await legacy(emu(), 'oldbuyer', {
      client: `
COUNT = 0
RegisterNetEvent('QBCore:Client:TriggerCallback', function(name) if name == 'shop:n' then COUNT = COUNT + 1 end end)
CreateThread(function() Wait(200) QBCore.Functions.TriggerCallback('shop:n', function(v) out('cb', v) end) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop', 'oldbuyer'], { settle: 1500 });
    expect(s.client('oldbuyer')).toEqual({ cb: [1] });
    for (const ev of ['QBCore:Server:TriggerCallback', 'QBCore:Server:TriggerClientCallback']) {
      expect(listenersOf(emu().server, ev)).not.toContain('callback_bridge');
    }
    for (const ev of ['QBCore:Client:TriggerCallback', 'QBCore:Client:TriggerClientCallback']) {
      expect(listenersOf(s.player.machine, ev)).not.toContain('callback_bridge');
    }
    expect(modes(emu().server)).toMatchObject({ qbcore: 'framework' });
  });

  it('qb-core starting after the bridge and the scripts: names served before it started are relayed', async () => {
    await legacy(emu(), 'shop', {
      get: '',
      aliased: true,
      server: `exports['qb-core']:CreateCallback('shop:early', function(s, cb, x) cb(x * 2) end)`,
    });
    await legacy(emu(), 'oldbuyer', {
      client: `CreateThread(function() Wait(500) out('await', QBCore.Functions.TriggerCallback('shop:early', 21)) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop'], { settle: 200 });
    expect(modes(emu().server)).toEqual({});
    expect(emu().start('qb-core')).toBe(true);
    expect(emu().start('oldbuyer')).toBe(true);
    await emu().advance(1500);
    expect(modes(emu().server)).toMatchObject({ qbcore: 'framework' });
    expect(s.client('oldbuyer')).toEqual({ await: [42] });
  });

  it('a restart of qb-core gets the relays again (its fresh registry is empty)', async () => {
    await legacy(emu(), 'shop', { aliased: true, get: '', server: `exports['qb-core']:CreateCallback('shop:r', function(s, cb) cb('ok') end)` });
    await legacy(emu(), 'oldbuyer', {
      client: `RegisterCommand('ask', function() CreateThread(function() out('await', QBCore.Functions.TriggerCallback('shop:r')) end) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop'], { settle: 300 });
    emu().restart('qb-core');
    expect(emu().start('oldbuyer')).toBe(true);
    await emu().advance(500);
    emu().executeCommand(s.player.machine, 'ask');
    await emu().advance(1000);
    expect(s.client('oldbuyer')).toEqual({ await: ['ok'] });
  });
});
