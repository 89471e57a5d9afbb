import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { inThread, legacy, modes, noScriptErrors, onPlayer, scene, wireRequests } from './support.ts';

const emu = useEmulator();

describe('Qbox (qbx_core provides qb-core)', () => {
  it('is detected as the framework through provide, on the server and the client', async () => {
    const s = await scene(emu(), ['callback_bridge', 'qbx_core'], { framework: 'qbx_core' });
    expect(modes(emu().server)).toMatchObject({ qbcore: 'framework' });
    expect(modes(s.player.machine)).toMatchObject({ qbcore: 'framework' });
  });

  it('L2: the aliased object also gives the await form, which Qbox itself lacks, with the first value only', async () => {
    await legacy(emu(), 'shop', {
      aliased: true,
      server: `QBCore.Functions.CreateCallback('shop:pair', function(source, cb, x) cb(x, 'second') end)`,
    });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: inThread(`
  out('await', QBCore.Functions.TriggerCallback('shop:pair', 42))
  QBCore.Functions.TriggerCallback('shop:pair', function(...) out('cb', ...) end, 43)`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qbx_core', 'shop', 'buyer'], { framework: 'qbx_core', settle: 1500 });
    expect(s.client('buyer')).toEqual({ await: [42], cb: [43, 'second'] });
    expect(wireRequests(emu().server, 'qbx_core')).toBe(0);
    noScriptErrors(emu());
  });

  it('L1: unmodified Qbox callers reach migrated handlers through Qbox\'s registry (both directions)', async () => {
    await legacy(emu(), 'shop', {
      aliased: true,
      server: `QBCore.Functions.CreateCallback('shop:q', function(source, cb, x) cb(x + 1, source) end)`,
      client: `QBCore.Functions.CreateClientCallback('ui:q', function(cb, x) cb(x .. '!') end)`,
    });
    await legacy(emu(), 'old', {
      client: `CreateThread(function() Wait(300) QBCore.Functions.TriggerCallback('shop:q', function(...) out('cb', ...) end, 1) end)`,
      server: onPlayer(`QBCore.Functions.TriggerClientCallback('ui:q', P, function(...) out('cb', ...) end, 'hi')`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qbx_core', 'shop', 'old'], { framework: 'qbx_core', settle: 1500 });
    expect(s.client('old')).toEqual({ cb: [2, s.player.netId] });
    expect(s.server('old')).toEqual({ cb: ['hi!'] });
    expect(wireRequests(emu().server, 'qbx_core')).toBe(1);
    expect(wireRequests(s.player.machine, 'qbx_core')).toBe(1);
  });

  it('mixed: the local forms reach a handler only Qbox\'s registry knows (engine NOT_FOUND, then the original)', async () => {
    await legacy(emu(), 'old', {
      server: `QBCore.Functions.CreateCallback('old:s', function(source, cb, x) cb('s' .. x, source) end)`,
      client: `QBCore.Functions.CreateClientCallback('old:c', function(cb, x) cb('c' .. x) end)`,
    });
    await legacy(emu(), 'new', {
      aliased: true,
      server: onPlayer(`
  QBCore.Functions.TriggerCallback('old:s', P, function(...) out('cb', ...) end, 1)
  out('await', QBCore.Functions.TriggerCallback('old:s', P, 2))`),
      client: inThread(`
  QBCore.Functions.TriggerClientCallback('old:c', function(...) out('cb', ...) end, 3)
  out('await', QBCore.Functions.TriggerClientCallback('old:c', 4))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qbx_core', 'old', 'new'], { framework: 'qbx_core', settle: 1500 });
    expect(s.server('new')).toEqual({ cb: ['s1', s.player.netId], await: ['s2'] });
    expect(s.client('new')).toEqual({ cb: ['c3'], await: ['c4'] });
    noScriptErrors(emu());
  });

  it('a restart of qbx_core (the provider) gets the relays again, through a fresh export', async () => {
    await legacy(emu(), 'shop', { aliased: true, get: '', server: `exports['qb-core']:CreateCallback('shop:r', function(s, cb) cb('ok') end)` });
    await legacy(emu(), 'old', {
      client: `RegisterCommand('ask', function() QBCore.Functions.TriggerCallback('shop:r', function(v) out('v', v) end) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'qbx_core', 'shop'], { framework: 'qbx_core', settle: 300 });
    emu().restart('qbx_core');
    expect(emu().start('old')).toBe(true);
    await emu().advance(500);
    emu().executeCommand(s.player.machine, 'ask');
    await emu().advance(500);
    expect(s.client('old')).toEqual({ v: ['ok'] });
    noScriptErrors(emu());
  });
});
