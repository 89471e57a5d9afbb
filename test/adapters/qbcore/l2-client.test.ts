import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { inThread, legacy, logged, noScriptErrors, scene, wireRequests } from './support.ts';

const emu = useEmulator();

/** A migrated server resource: three callbacks answering 0, 1 and 3 values (nils included). */
const SHOP = `
QBCore.Functions.CreateCallback('shop:none', function(source, cb) cb() end)
QBCore.Functions.CreateCallback('shop:one', function(source, cb, item) cb(item) end)
QBCore.Functions.CreateCallback('shop:three', function(source, cb, a, b, c) cb(nil, b, source) end)
`;

describe('QBCore L2, client -> server (QBCore.Functions.TriggerCallback through the import)', () => {
  it('cb form: every value, nils in place; await form: the first value only; the engine carried it, not qb-core', async () => {
    await legacy(emu(), 'shop', { server: SHOP, aliased: true });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: inThread(`
  QBCore.Functions.TriggerCallback('shop:none', function(...) out('cbNone', ...) end)
  QBCore.Functions.TriggerCallback('shop:one', function(...) out('cbOne', ...) end, 'bread')
  QBCore.Functions.TriggerCallback('shop:three', function(...) out('cbThree', ...) end, 1, 'b', 3)
  out('awNone', QBCore.Functions.TriggerCallback('shop:none'))
  out('awOne', QBCore.Functions.TriggerCallback('shop:one', 'milk'))
  out('awThree', QBCore.Functions.TriggerCallback('shop:three', 1, 'b', 3))
  out('awThreeFirstNotNil', QBCore.Functions.TriggerCallback('shop:one', false))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop', 'buyer'], { settle: 1500 });
    const c = s.client('buyer');
    const id = s.player.netId;
    expect(c).toEqual({
      cbNone: [],
      cbOne: ['bread'],
      cbThree: [null, 'b', id],
      awNone: [null],
      awOne: ['milk'],
      awThree: [null],
      awThreeFirstNotNil: [false],
    });
    expect(wireRequests(emu().server)).toBe(0);
    noScriptErrors(emu());
  });
});

describe('QBCore L2, client side: failures, timeouts, concurrency', () => {
  const FAILING = `
QBCore.Functions.CreateCallback('shop:boom', function(source, cb) error('kaboom') end)
QBCore.Functions.CreateCallback('shop:silent', function(source, cb) end)
QBCore.Functions.CreateCallback('shop:slow', function(source, cb, ms, tag) SetTimeout(ms, function() cb(tag, ms) end) end)
`;

  it('a handler error: cb is not called, the reason is logged, await returns nil', async () => {
    await legacy(emu(), 'shop', { server: FAILING, aliased: true });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: inThread(`
  QBCore.Functions.TriggerCallback('shop:boom', function(...) out('cb', ...) end)
  out('await', QBCore.Functions.TriggerCallback('shop:boom'))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop', 'buyer'], { settle: 1500 });
    expect(s.client('buyer')).toEqual({ await: [null] });
    expect(logged(emu(), /\[client 1\] \[buyer\].*QBCore call failed \(HANDLER_ERROR\): callback .shop:boom./).length).toBe(2);
  });

  it('a per-call timeout ends an unanswered call: cb not called, logged, await returns nil at the deadline', async () => {
    await legacy(emu(), 'shop', { server: FAILING, aliased: true });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: inThread(`
  QBCore.Functions.TriggerCallback({ name = 'shop:silent', timeout = 400 }, function(...) out('cb', ...) end)
  local t0 = GetGameTimer()
  local v = QBCore.Functions.TriggerCallback({ name = 'shop:silent', timeout = 600 })
  out('await', v, GetGameTimer() - t0 >= 600, GetGameTimer() - t0 < 800)`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop', 'buyer'], { settle: 2000 });
    expect(s.client('buyer')).toEqual({ await: [null, true, true] });
    expect(logged(emu(), /\[buyer\].*QBCore call failed \(TIMEOUT\): callback .shop:silent. timed out/).length).toBe(2);
  });

  it('concurrent calls of one name each get their own reply (cb and await), answered out of order', async () => {
    await legacy(emu(), 'shop', { server: FAILING, aliased: true });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: inThread(`
  for _, c in ipairs({ { 300, 'a' }, { 100, 'b' }, { 200, 'c' } }) do
    QBCore.Functions.TriggerCallback('shop:slow', function(tag, ms) out('cb_' .. c[2], tag, ms) end, c[1], c[2])
    CreateThread(function() out('aw_' .. c[2], QBCore.Functions.TriggerCallback('shop:slow', c[1], c[2])) end)
  end`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop', 'buyer'], { settle: 1500 });
    expect(s.client('buyer')).toEqual({
      cb_a: ['a', 300],
      cb_b: ['b', 100],
      cb_c: ['c', 200],
      aw_a: ['a'],
      aw_b: ['b'],
      aw_c: ['c'],
    });
  });

  it('baseline: the same calls made straight through the qb-core double collide (it keys them by name)', async () => {
    await legacy(emu(), 'shop', { server: FAILING });
    await legacy(emu(), 'buyer', {
      client: inThread(`
  for _, c in ipairs({ { 300, 'a' }, { 100, 'b' } }) do
    QBCore.Functions.TriggerCallback('shop:slow', function(tag) out('cb_' .. c[2], tag) end, c[1], c[2])
  end`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop', 'buyer'], { settle: 1500 });
    // The second request replaced the first entry: the first reply ('b', sooner) goes to it, the second is dropped.
    expect(s.client('buyer')).toEqual({ cb_b: ['b'] });
  });
});

describe('QBCore L2, client side: how the object is obtained', () => {
  const SHOP = `QBCore.Functions.CreateCallback('shop:one', function(source, cb, item) cb(item, 'x') end)`;

  it('GetCoreObject with filters {"Functions"} is aliased; direct exports TriggerCallback/CreateClientCallback are too', async () => {
    await legacy(emu(), 'shop', { server: SHOP, aliased: true });
    await legacy(emu(), 'buyer', {
      aliased: true,
      get: "local QBCore = exports['qb-core']:GetCoreObject({ 'Functions' })\n",
      client: inThread(`
  out('keys', QBCore.Shared == nil, type(QBCore.Functions))
  out('filtered', QBCore.Functions.TriggerCallback('shop:one', 'a'))
  exports['qb-core']:TriggerCallback('shop:one', function(...) out('directCb', ...) end, 'b')
  out('directAwait', exports['qb-core']:TriggerCallback('shop:one', 'c'))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop', 'buyer'], { settle: 1500 });
    expect(s.client('buyer')).toEqual({ keys: [true, 'table'], filtered: ['a'], directCb: ['b', 'x'], directAwait: ['c'] });
    expect(wireRequests(emu().server)).toBe(0);
  });

  it('client-local TriggerClientCallback(name, cb, ...) (pre-2025 form) reaches a client callback of another resource', async () => {
    await legacy(emu(), 'ui', {
      aliased: true,
      client: `exports['qb-core']:CreateClientCallback('ui:confirm', function(cb, q, n) cb(q .. '?', nil, n + 1) end)`,
    });
    await legacy(emu(), 'asker', {
      aliased: true,
      client: inThread(`
  QBCore.Functions.TriggerClientCallback('ui:confirm', function(...) out('cb', ...) end, 'sure', 1)
  out('await', QBCore.Functions.TriggerClientCallback('ui:confirm', 'really', 2))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'ui', 'asker'], { settle: 1000 });
    expect(s.client('asker')).toEqual({ cb: ['sure?', null, 2], await: ['really?'] });
    noScriptErrors(emu());
  });
});
