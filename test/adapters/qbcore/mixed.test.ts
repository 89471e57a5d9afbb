import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { inThread, legacy, logged, noScriptErrors, onPlayer, scene, wireRequests } from './support.ts';

const emu = useEmulator();

/** An unmigrated resource: its handlers live only in qb-core's registry. */
const OLD = {
  server: `
QBCore.Functions.CreateCallback('old:price', function(source, cb, item) cb(item .. ':9', nil, 'x') end)
QBCore.Functions.CreateCallback('old:slow', function(source, cb, ms, tag) SetTimeout(ms, function() cb(tag) end) end)`,
  client: `
QBCore.Functions.CreateClientCallback('old:ask', function(cb, q) cb(q .. '?', 1) end)
QBCore.Functions.CreateClientCallback('old:slowc', function(cb, ms, tag) SetTimeout(ms, function() cb(tag) end) end)`,
};

describe('QBCore mixed migration', () => {
  it('an aliased client caller reaches a handler only qb-core knows (its own wire), cb and await', async () => {
    await legacy(emu(), 'old', OLD);
    await legacy(emu(), 'new', {
      aliased: true,
      client: inThread(`
  QBCore.Functions.TriggerCallback('old:price', function(...) out('cb', ...) end, 'bread')
  out('await', QBCore.Functions.TriggerCallback('old:price', 'milk'))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'old', 'new'], { settle: 1500 });
    expect(s.client('new')).toEqual({ cb: ['bread:9', null, 'x'], await: ['milk:9'] });
    expect(wireRequests(emu().server)).toBe(2);
    noScriptErrors(emu());
  });

  it('an aliased server caller reaches a client callback only qb-core knows, cb and await', async () => {
    await legacy(emu(), 'old', OLD);
    await legacy(emu(), 'new', {
      aliased: true,
      server: onPlayer(`
  QBCore.Functions.TriggerClientCallback('old:ask', P, function(...) out('cb', ...) end, 'ok')
  out('await', QBCore.Functions.TriggerClientCallback('old:ask', P, 'sure'))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'old', 'new'], { settle: 1500 });
    expect(s.server('new')).toEqual({ cb: ['ok?', 1], await: ['sure?'] });
    expect(wireRequests(s.player.machine)).toBe(2);
  });

  it('concurrent same-name calls to an unmigrated handler each get their own reply (sent one at a time)', async () => {
    await legacy(emu(), 'old', OLD);
    await legacy(emu(), 'new', {
      aliased: true,
      client: inThread(`
  for _, c in ipairs({ { 300, 'a' }, { 100, 'b' } }) do
    QBCore.Functions.TriggerCallback('old:slow', function(tag) out('cb_' .. c[2], tag) end, c[1], c[2])
    CreateThread(function() out('aw_' .. c[2], QBCore.Functions.TriggerCallback('old:slow', c[1], c[2])) end)
  end`),
      server: onPlayer(`
  for _, c in ipairs({ { 300, 'a' }, { 100, 'b' } }) do
    QBCore.Functions.TriggerClientCallback('old:slowc', P, function(tag) out('cb_' .. c[2], tag) end, c[1], c[2])
  end`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'old', 'new'], { settle: 2500 });
    expect(s.client('new')).toEqual({ cb_a: ['a'], cb_b: ['b'], aw_a: ['a'], aw_b: ['b'] });
    expect(s.server('new')).toEqual({ cb_a: ['a'], cb_b: ['b'] });
  });

  it('an unanswered call through qb-core\'s wire gains the timeout: logged, await returns nil, the next call still runs', async () => {
    await legacy(emu(), 'old', OLD);
    await legacy(emu(), 'new', {
      aliased: true,
      client: inThread(`
  out('missing', QBCore.Functions.TriggerCallback({ name = 'old:nothere', timeout = 500 }, 1))
  out('after', QBCore.Functions.TriggerCallback('old:price', 'x'))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'old', 'new'], { settle: 2000 });
    expect(s.client('new')).toEqual({ missing: [null], after: ['x:9'] });
    expect(logged(emu(), /\[new\].*QBCore call failed \(TIMEOUT\): callback 'old:nothere' timed out \(through qb-core\)/).length).toBe(1);
  });

  it('both ways in one scene: the unmigrated resource calls the migrated one (L1) and the other way round', async () => {
    await legacy(emu(), 'old', {
      server: `QBCore.Functions.CreateCallback('old:v', function(s, cb) cb('old') end)`,
      client: `CreateThread(function() Wait(400) QBCore.Functions.TriggerCallback('new:v', function(v) out('fromNew', v) end) end)`,
    });
    await legacy(emu(), 'new', {
      aliased: true,
      server: `QBCore.Functions.CreateCallback('new:v', function(s, cb) cb('new') end)`,
      client: `CreateThread(function() Wait(400) out('fromOld', QBCore.Functions.TriggerCallback('old:v')) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'old', 'new'], { settle: 1500 });
    expect(s.client('old')).toEqual({ fromNew: ['new'] });
    expect(s.client('new')).toEqual({ fromOld: ['old'] });
  });

  const WAITING = {
    aliased: true,
    server: onPlayer(`
  QBCore.Functions.TriggerClientCallback('old:slowc', P, function(...) out('cb', ...) end, 5000, 'late')
  CreateThread(function() out('aw', QBCore.Functions.TriggerClientCallback('old:slowc', P, 5000, 'late')) end)`),
    client: `CreateThread(function() Wait(100) out('aw', QBCore.Functions.TriggerCallback('old:slow', 5000, 'late')) end)`,
  };

  it('calls through qb-core\'s wire end at once when qb-core stops (RESOURCE_STOPPED), on both sides', async () => {
    await legacy(emu(), 'old', OLD);
    await legacy(emu(), 'new', WAITING);
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'old', 'new'], { settle: 800 });
    expect([s.server('new'), s.client('new')]).toEqual([{}, {}]);
    emu().stop('qb-core');
    await emu().advance(100);
    expect([s.server('new'), s.client('new')]).toEqual([{ aw: [null] }, { aw: [null] }]);
    expect(logged(emu(), /\[client 1\] \[new\].*QBCore call failed \(RESOURCE_STOPPED\): callback 'old:slow'/).length).toBe(1);
    expect(logged(emu(), /\[server\] \[new\].*QBCore call failed \(RESOURCE_STOPPED\): callback 'old:slowc'/).length).toBe(2);
  });

  it('server calls through qb-core\'s wire end at once when their player drops (PLAYER_DROPPED)', async () => {
    await legacy(emu(), 'old', OLD);
    await legacy(emu(), 'new', WAITING);
    const s = await scene(emu(), ['callback_bridge', 'qb-core', 'old', 'new'], { settle: 800 });
    expect(s.server('new')).toEqual({});
    emu().drop(s.player.netId, 'bye');
    await emu().advance(100);
    expect(s.server('new')).toEqual({ aw: [null] });
    expect(logged(emu(), /\[server\] \[new\].*QBCore call failed \(PLAYER_DROPPED\): callback 'old:slowc'/).length).toBe(2);
  });
});
