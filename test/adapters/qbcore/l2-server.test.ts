import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { legacy, logged, noScriptErrors, onPlayer, scene, wireRequests } from './support.ts';

const emu = useEmulator();

/** A migrated client resource: client callbacks answering 0, 1 and 3 values, one failing, one silent, one slow. */
const UI = `
QBCore.Functions.CreateClientCallback('ui:none', function(cb) cb() end)
QBCore.Functions.CreateClientCallback('ui:one', function(cb, x) cb(x) end)
QBCore.Functions.CreateClientCallback('ui:three', function(cb, a, b) cb(nil, b, 'c') end)
QBCore.Functions.CreateClientCallback('ui:boom', function(cb) error('client kaboom') end)
QBCore.Functions.CreateClientCallback('ui:silent', function(cb) end)
QBCore.Functions.CreateClientCallback('ui:slow', function(cb, ms, tag) SetTimeout(ms, function() cb(tag) end) end)
`;

describe('QBCore L2, server -> client (QBCore.Functions.TriggerClientCallback(name, source, [cb], ...))', () => {
  it('cb form: every value with nils; await form: the first value only; the engine carried it', async () => {
    await legacy(emu(), 'ui', { client: UI, aliased: true });
    await legacy(emu(), 'boss', {
      aliased: true,
      server: onPlayer(`
  QBCore.Functions.TriggerClientCallback('ui:none', P, function(...) out('cbNone', ...) end)
  QBCore.Functions.TriggerClientCallback('ui:one', P, function(...) out('cbOne', ...) end, 7)
  QBCore.Functions.TriggerClientCallback('ui:three', P, function(...) out('cbThree', ...) end, 1, 2)
  out('awNone', QBCore.Functions.TriggerClientCallback('ui:none', P))
  out('awOne', QBCore.Functions.TriggerClientCallback('ui:one', P, 'x'))
  out('awThree', QBCore.Functions.TriggerClientCallback('ui:three', P, 1, 2))
  out('noSource', QBCore.Functions.TriggerClientCallback('ui:one', nil, 'x'))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'ui', 'boss'], { settle: 1500 });
    expect(s.server('boss')).toEqual({
      cbNone: [],
      cbOne: [7],
      cbThree: [null, 2, 'c'],
      awNone: [null],
      awOne: ['x'],
      awThree: [null],
      noSource: [],
    });
    expect(wireRequests(s.player.machine)).toBe(0);
    noScriptErrors(emu());
  });

  it('handler error, timeout and unknown name: cb not called, each logged with its code, await returns nil', async () => {
    await legacy(emu(), 'ui', { client: UI, aliased: true });
    await legacy(emu(), 'boss', {
      aliased: true,
      server: onPlayer(`
  QBCore.Functions.TriggerClientCallback('ui:boom', P, function(...) out('cbBoom', ...) end)
  out('awBoom', QBCore.Functions.TriggerClientCallback('ui:boom', P))
  out('awSilent', QBCore.Functions.TriggerClientCallback({ name = 'ui:silent', timeout = 500 }, P))
  out('awUnknown', QBCore.Functions.TriggerClientCallback({ name = 'ui:nope', timeout = 500 }, P))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'ui', 'boss'], { settle: 3000 });
    expect(s.server('boss')).toEqual({ awBoom: [null], awSilent: [null], awUnknown: [null] });
    expect(logged(emu(), /\[server\] \[boss\].*QBCore call failed \(HANDLER_ERROR\): callback 'ui:boom'/).length).toBe(2);
    expect(logged(emu(), /\[server\] \[boss\].*QBCore call failed \(TIMEOUT\): callback 'ui:silent'/).length).toBe(1);
    // No engine serves 'ui:nope': it went through qb-core's own wire (which never answers an unknown name) and timed out.
    expect(logged(emu(), /\[server\] \[boss\].*QBCore call failed \(TIMEOUT\): callback 'ui:nope'/).length).toBe(1);
    expect(wireRequests(s.player.machine)).toBe(1);
  });

  it('concurrent calls of one name to one player each get their own reply', async () => {
    await legacy(emu(), 'ui', { client: UI, aliased: true });
    await legacy(emu(), 'boss', {
      aliased: true,
      server: onPlayer(`
  for _, c in ipairs({ { 300, 'a' }, { 100, 'b' }, { 200, 'c' } }) do
    QBCore.Functions.TriggerClientCallback('ui:slow', P, function(tag) out('cb_' .. c[2], tag) end, c[1], c[2])
    CreateThread(function() out('aw_' .. c[2], QBCore.Functions.TriggerClientCallback('ui:slow', P, c[1], c[2])) end)
  end`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'ui', 'boss'], { settle: 1500 });
    expect(s.server('boss')).toEqual({ cb_a: ['a'], cb_b: ['b'], cb_c: ['c'], aw_a: ['a'], aw_b: ['b'], aw_c: ['c'] });
  });

  it('server-local TriggerCallback(name, source, cb, ...) (pre-2025 form) runs a server callback of another resource as source', async () => {
    await legacy(emu(), 'shop', {
      aliased: true,
      server: `exports['qb-core']:CreateCallback('shop:whoami', function(source, cb, x) cb(source, x, nil, 'end') end)`,
    });
    await legacy(emu(), 'boss', {
      aliased: true,
      server: onPlayer(`
  QBCore.Functions.TriggerCallback('shop:whoami', P, function(...) out('cb', ...) end, 'hi')
  out('await', QBCore.Functions.TriggerCallback('shop:whoami', P, 'there'))
  out('direct', exports['qb-core']:TriggerCallback('shop:whoami', 0, 'x'))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'shop', 'boss'], { settle: 1500 });
    const id = s.player.netId;
    expect(s.server('boss')).toEqual({ cb: [id, 'hi', null, 'end'], await: [id], direct: [0] });
    noScriptErrors(emu());
  });
});
