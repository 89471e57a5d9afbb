import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { inThread, legacy, listenersOf, logged, modes, noScriptErrors, onPlayer, outs, QB_FIXTURE, scene } from './support.ts';

const emu = useEmulator();
const STANDIN = { framework: 'none' as const, convars: { 'callback_bridge:standin': 'es_extended, qb-core' } };

describe('QBCore L3 stand-in: detection', () => {
  it('stands in on both sides when the convar names qb-core and no such resource exists', async () => {
    const s = await scene(emu(), ['callback_bridge'], STANDIN);
    expect(modes(emu().server)).toMatchObject({ qbcore: 'standin' });
    expect(modes(s.player.machine)).toMatchObject({ qbcore: 'standin' });
  });

  it('never stands in for an installed qb-core, even stopped, nor without the convar', async () => {
    await emu().addResource('qb-core', QB_FIXTURE);
    await legacy(emu(), 'probe', { get: '', server: `out('ok', pcall(function() return exports['qb-core']:GetCoreObject() end))` });
    await scene(emu(), ['callback_bridge', 'probe'], STANDIN);
    expect(modes(emu().server).qbcore).toBeUndefined();
    expect(listenersOf(emu().server, 'QBCore:Server:TriggerCallback')).toEqual([]);
    expect(outs(emu().server, 'probe').ok?.[0]).toBe(false);
  });

  it('is not active without the convar', async () => {
    await scene(emu(), ['callback_bridge'], { framework: 'none' });
    expect(modes(emu().server).qbcore).toBeUndefined();
  });

  it('steps aside when qb-core is installed and started later: only the real one answers its wire', async () => {
    await legacy(emu(), 'shop', { get: '', server: `exports['qb-core']:CreateCallback('shop:v', function(s, cb) cb('v') end)` });
    await legacy(emu(), 'raw', {
      get: '',
      client: `
COUNT = 0
RegisterNetEvent('QBCore:Client:TriggerCallback', function(name, v) COUNT = COUNT + 1 out('reply', name, v, COUNT) end)
RegisterCommand('go', function() TriggerServerEvent('QBCore:Server:TriggerCallback', 'shop:v') end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'raw'], STANDIN);
    emu().executeCommand(s.player.machine, 'go');
    await emu().advance(300);
    expect(s.client('raw')).toEqual({ reply: ['shop:v', 'v', 1] });
    await emu().addResource('qb-core', QB_FIXTURE);
    expect(emu().start('qb-core')).toBe(true);
    await emu().advance(300);
    expect(modes(emu().server)).toMatchObject({ qbcore: 'framework' });
    emu().executeCommand(s.player.machine, 'go');
    await emu().advance(300);
    // qb-core answers through the relay the bridge put in its registry; the stand-in's listener is gone (else: 3).
    expect(s.client('raw')).toEqual({ reply: ['shop:v', 'v', 2] });
    await emu().advance(300);
    expect(s.client('raw')).toEqual({ reply: ['shop:v', 'v', 2] });
  });
});

describe('QBCore L3 stand-in: callback-only legacy scripts, unmodified', () => {
  const SERVER = `
QBCore.Functions.CreateCallback('shop:price', function(source, cb, item) cb(item .. ':3', nil, source) end)
QBCore.Functions.CreateCallback('shop:slow', function(source, cb, ms, tag) SetTimeout(ms, function() cb(tag) end) end)
QBCore.Functions.CreateCallback('shop:boom', function() error('x') end)`;

  it('client -> server: cb form with every value, await form with the first only; filters honoured', async () => {
    await legacy(emu(), 'shop', { server: SERVER });
    await legacy(emu(), 'buyer', {
      get: "local QBCore = exports['qb-core']:GetCoreObject({ 'Functions' })\n",
      client: inThread(`
  out('shared', exports['qb-core']:GetCoreObject({ 'Shared' }).Functions == nil)
  QBCore.Functions.TriggerCallback('shop:price', function(...) out('cb', ...) end, 'bread')
  out('await', QBCore.Functions.TriggerCallback('shop:price', 'milk'))
  out('direct', exports['qb-core']:TriggerCallback('shop:price', 'egg'))
  out('boom', (QBCore.Functions.TriggerCallback('shop:boom')))
  out('unknown', (QBCore.Functions.TriggerCallback('shop:nope')))`),
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'buyer'], { ...STANDIN, settle: 1500 });
    expect(s.client('buyer')).toEqual({
      shared: [true],
      cb: ['bread:3', null, s.player.netId],
      await: ['milk:3'],
      direct: ['egg:3'],
      boom: [null],
      unknown: [null],
    });
    expect(logged(emu(), /\[client 1\] \[callback_bridge\].*QBCore call failed \(HANDLER_ERROR\): callback 'shop:boom'/).length).toBe(1);
    expect(logged(emu(), /\[client 1\] \[callback_bridge\].*QBCore call failed \(NOT_FOUND\): callback 'shop:nope'/).length).toBe(1);
  });

  it('concurrent same-name calls through the stand-in functions each get their own reply', async () => {
    await legacy(emu(), 'shop', { server: SERVER });
    await legacy(emu(), 'buyer', {
      client: inThread(`
  for _, c in ipairs({ { 300, 'a' }, { 100, 'b' } }) do
    QBCore.Functions.TriggerCallback('shop:slow', function(tag) out('cb_' .. c[2], tag) end, c[1], c[2])
    CreateThread(function() out('aw_' .. c[2], QBCore.Functions.TriggerCallback('shop:slow', c[1], c[2])) end)
  end`),
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'buyer'], { ...STANDIN, settle: 1500 });
    expect(s.client('buyer')).toEqual({ cb_a: ['a'], cb_b: ['b'], aw_a: ['a'], aw_b: ['b'] });
  });

  it('server -> client and the local forms, on both sides', async () => {
    await legacy(emu(), 'ui', {
      client: `
QBCore.Functions.CreateClientCallback('ui:ask', function(cb, q) cb(q .. '?', nil, 3) end)
CreateThread(function()
  Wait(100)
  QBCore.Functions.TriggerClientCallback('ui:ask', function(...) out('local', ...) end, 'here')
end)`,
      server: `QBCore.Functions.CreateCallback('srv:who', function(source, cb) cb(source) end)`,
    });
    await legacy(emu(), 'boss', {
      server: onPlayer(`
  QBCore.Functions.TriggerClientCallback('ui:ask', P, function(...) out('cb', ...) end, 'hey')
  out('await', QBCore.Functions.TriggerClientCallback('ui:ask', P, 'yo'))
  QBCore.Functions.TriggerCallback('srv:who', P, function(...) out('local', ...) end)`),
    });
    const s = await scene(emu(), ['callback_bridge', 'ui', 'boss'], { ...STANDIN, settle: 1500 });
    expect(s.server('boss')).toEqual({ cb: ['hey?', null, 3], await: ['yo?'], local: [s.player.netId] });
    expect(s.client('ui')).toEqual({ local: ['here?', null, 3] });
    noScriptErrors(emu());
  });

  it('registration options may follow the handler (a rate limit here): over it, cb is not called and RATE_LIMITED is logged', async () => {
    await legacy(emu(), 'shop', {
      server: `QBCore.Functions.CreateCallback('shop:once', function(s, cb) cb('ok') end, { rateLimit = { rate = 0.001, burst = 1 } })`,
    });
    await legacy(emu(), 'buyer', {
      client: `CreateThread(function() Wait(100) out('a', (QBCore.Functions.TriggerCallback('shop:once'))) out('b', (QBCore.Functions.TriggerCallback('shop:once'))) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'buyer'], { ...STANDIN, settle: 1000 });
    expect(s.client('buyer')).toEqual({ a: ['ok'], b: [null] });
    expect(logged(emu(), /QBCore call failed \(RATE_LIMITED\): callback 'shop:once'/).length).toBe(1);
  });

  it('a stand-in registration belongs to the registering resource: it goes when that resource stops', async () => {
    await legacy(emu(), 'shop', { server: SERVER });
    await legacy(emu(), 'buyer', {
      client: `RegisterCommand('ask', function() CreateThread(function() out('v', (QBCore.Functions.TriggerCallback('shop:price', 'a'))) end) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'buyer'], { ...STANDIN, settle: 500 });
    emu().executeCommand(s.player.machine, 'ask');
    await emu().advance(300);
    expect(s.client('buyer')).toEqual({ v: ['a:3'] });
    emu().stop('shop');
    await emu().advance(200);
    emu().executeCommand(s.player.machine, 'ask');
    await emu().advance(300);
    expect(s.client('buyer')).toEqual({ v: [null] });
  });
});

describe('QBCore L3 stand-in: the wire', () => {
  it('answers QBCore:Server:TriggerCallback to the sender, once per request, same-name replies by name only', async () => {
    await legacy(emu(), 'shop', {
      server: `QBCore.Functions.CreateCallback('shop:slow', function(source, cb, ms, tag) SetTimeout(ms, function() cb(tag, source) end) end)`,
    });
    await legacy(emu(), 'raw', {
      get: '',
      client: `
REPLIES = {}
RegisterNetEvent('QBCore:Client:TriggerCallback', function(name, ...) REPLIES[#REPLIES + 1] = J(name, ...) end)
RegisterCommand('go', function()
  TriggerServerEvent('QBCore:Server:TriggerCallback', 'shop:slow', 200, 'first')
  TriggerServerEvent('QBCore:Server:TriggerCallback', 'shop:slow', 50, 'second')
  TriggerServerEvent('QBCore:Server:TriggerCallback', 'shop:nope')
end)
RegisterCommand('dump', function() out('replies', table.unpack(REPLIES)) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'raw'], { ...STANDIN, settle: 300 });
    const other = emu().connect();
    await emu().advance(300);
    emu().executeCommand(s.player.machine, 'go');
    await emu().advance(800);
    emu().executeCommand(s.player.machine, 'dump');
    emu().executeCommand(other.machine, 'dump');
    const id = s.player.netId;
    // Two replies of one name, in the order the handler finished: the wire cannot say which request each answers.
    expect(s.client('raw')).toEqual({ replies: [`["shop:slow","second",${id}]`, `["shop:slow","first",${id}]`] });
    expect(s.client('raw', other)).toEqual({ replies: [] });
    expect(logged(emu(), /\[server\] \[callback_bridge\].*QBCore call failed \(NOT_FOUND\).*requested on QBCore:Server:TriggerCallback/).length).toBe(1);
  });

  it('a client answers QBCore:Client:TriggerClientCallback from the server only (a local copy is ignored)', async () => {
    await legacy(emu(), 'ui', { client: `QBCore.Functions.CreateClientCallback('ui:ask', function(cb, q) cb(q .. '!') end)` });
    await legacy(emu(), 'raw', {
      get: '',
      server: `
RegisterNetEvent('QBCore:Server:TriggerClientCallback', function(name, ...) out('reply_' .. tostring(source), name, ...) end)
RegisterCommand('go', function() TriggerClientEvent('QBCore:Client:TriggerClientCallback', tonumber(GetPlayerFromIndex(0)), 'ui:ask', 'hi') end)`,
      client: `RegisterCommand('spoof', function() TriggerEvent('QBCore:Client:TriggerClientCallback', 'ui:ask', 'fake') end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'ui', 'raw'], { ...STANDIN, settle: 500 });
    emu().executeCommand(s.player.machine, 'spoof');
    await emu().advance(300);
    expect(s.server('raw')).toEqual({});
    emu().executeCommand(emu().server, 'go');
    await emu().advance(300);
    expect(s.server('raw')).toEqual({ [`reply_${s.player.netId}`]: ['ui:ask', 'hi!'] });
  });
});

describe('QBCore L3 with L2: an aliased resource under the stand-in runs on its own engine', () => {
  it('the stand-in object is aliased in the resource; calls go engine to engine', async () => {
    await legacy(emu(), 'shop', { aliased: true, server: `QBCore.Functions.CreateCallback('s:v', function(s, cb, x) cb(x, 'y') end)` });
    await legacy(emu(), 'buyer', {
      aliased: true,
      client: `CreateThread(function() Wait(100) out('await', QBCore.Functions.TriggerCallback('s:v', 'x')) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'buyer'], { ...STANDIN, settle: 1000 });
    expect(s.client('buyer')).toEqual({ await: ['x'] });
    noScriptErrors(emu());
  });
});
