/**
 * L3: no es_extended, `callback_bridge:standin` names it. The bridge answers the ESX object's export and legacy event
 * with the callback functions, and ESX's wire in both dialects (ref §2.2), so callback-only legacy scripts run
 * unmodified; never while a resource named es_extended exists.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { legacy, logged, scene, scriptErrors } from './support.ts';

const emu = useEmulator();
const STANDIN = { 'callback_bridge:standin': 'es_extended' };

/** A client script that speaks ESX's wire itself, from `first` on: 1.9+ with its resource as invoker, or pre-1.9. */
const wireCaller = (dialect: 'invoker' | 'legacy', first: number) => `
  local nextId, waiting = ${first}, {}
  RegisterNetEvent('esx:serverCallback', function(id, ...)
    if source == '' then return end
    local cb = waiting[id]
    if cb then waiting[id] = nil cb(...) end
  end)
  function call(name, cb, ...)
    waiting[nextId] = cb
    ${dialect === 'invoker'
      ? "TriggerServerEvent('esx:triggerServerCallback', name, nextId, GetCurrentResourceName(), ...)"
      : "TriggerServerEvent('esx:triggerServerCallback', name, nextId, ...)"}
    nextId = nextId + 1
  end`;

describe('L3: the stand-in object', () => {
  it('is served only when es_extended is missing and named: modes on both sides', async () => {
    await legacy(emu(), 'probe', {
      get: 'none',
      server: `out('modes', exports.callback_bridge:GetAdapterModes())`,
      client: `out('modes', exports.callback_bridge:GetAdapterModes())`,
    });
    const s = await scene(emu(), ['callback_bridge', 'probe'], { esx: false, convars: STANDIN });
    expect(s.server('probe').modes).toEqual([expect.objectContaining({ esx: 'standin' })]);
    expect(s.client('probe').modes).toEqual([expect.objectContaining({ esx: 'standin' })]);
  });

  it('is never active for an es_extended that exists, stopped or running', async () => {
    await legacy(emu(), 'probe', {
      get: 'none',
      server: `out('mode', exports.callback_bridge:GetAdapterModes().esx)
        out('export', pcall(function() return exports['es_extended']:getSharedObject() end))`,
    });
    // Registered (it exists) but not started.
    const s = await scene(emu(), ['callback_bridge', 'probe'], { convars: STANDIN });
    expect(s.server('probe').mode).toEqual([null]);
    expect(s.server('probe').export[0]).toBe(false);
    expect(emu().start('es_extended')).toBe(true);
    await emu().advance(100);
    emu().restart('probe');
    await emu().advance(100);
    expect(s.server('probe').mode).toEqual(['framework']);
  });

  it('runs a callback-only legacy script unmodified: both directions, cb and Await, 0/1/3 values', async () => {
    await legacy(emu(), 'shop', {
      get: 'export',
      server: `
        ESX.RegisterServerCallback('zero', function(source, cb) cb() end)
        ESX.RegisterServerCallback('three', function(source, cb, x) cb(x, nil, source) end)
        ESX.RegisterServerCallback('waits', function(source, cb, x) Wait(100) cb(x, 'later') end)
        RegisterNetEvent('ready', function()
          local player = source
          ESX.TriggerClientCallback(player, 'hud:three', function(...) out('cbClient', ...) end, 'p')
          out('awaitClient', ESX.AwaitClientCallback(player, 'hud:three', 'q'))
          out('exists', ESX.DoesServerCallbackExist('three'), ESX.DoesServerCallbackExist('nope'))
        end)`,
    });
    await legacy(emu(), 'buyer', {
      get: 'event',
      client: `
        ESX.RegisterClientCallback('hud:three', function(cb, x) cb(x, nil, 'c') end)
        CreateThread(function()
          Wait(300)
          ESX.TriggerServerCallback('zero', function(...) out('cbZero', ...) end)
          ESX.TriggerServerCallback('three', function(...) out('cbThree', ...) end, 'bread')
          out('zero', ESX.AwaitServerCallback('zero'))
          out('three', ESX.AwaitServerCallback('three', 'milk'))
          out('waits', ESX.AwaitServerCallback('waits', 'tea'))
          out('exists', ESX.DoesClientCallbackExist('hud:three'), ESX.DoesClientCallbackExist('nope'))
          TriggerServerEvent('ready')
        end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'buyer'], { esx: false, convars: STANDIN, settle: 1500 });
    const id = s.player.netId;
    // Await returns the values as one async return value (ref §1.4): the nil in the middle keeps its place.
    expect(s.client('buyer')).toEqual({
      cbZero: [], cbThree: ['bread', null, id], zero: [], three: ['milk', null, id], waits: ['tea', 'later'], exists: [true, false],
    });
    expect(s.server('shop')).toEqual({ cbClient: ['p', null, 'c'], awaitClient: ['q', null, 'c'], exists: [true, false] });
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('failures: cb not called and the reason printed; Await raises; a stopped resource takes its callbacks along', async () => {
    await legacy(emu(), 'shop', {
      get: 'export',
      server: `ESX.RegisterServerCallback('boom', function(source, cb) error('kaput') end)
        ESX.RegisterServerCallback('gone', function(source, cb) cb('here') end)`,
    });
    await legacy(emu(), 'buyer', {
      get: 'export',
      client: `RegisterNetEvent('ask', function()
        ESX.TriggerServerCallback('boom', function(...) out('cbBoom', ...) end)
        out('awaitBoom', pcall(ESX.AwaitServerCallback, 'boom'))
        out('gone', pcall(ESX.AwaitServerCallback, 'gone'))
      end)`,
      server: `RegisterCommand('ask', function() TriggerClientEvent('ask', -1) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'buyer'], { esx: false, convars: { ...STANDIN, 'callback_bridge:timeout': '1000' } });
    emu().stop('shop');
    await emu().advance(100);
    emu().executeCommand(emu().server, 'ask');
    await emu().advance(2500);
    const r = s.client('buyer');
    expect(r.cbBoom).toBeUndefined();
    // The name went with its resource: asked over ESX's wire, where nobody answers either, until the timeout.
    expect(r.awaitBoom).toEqual([false, expect.stringMatching(/AwaitServerCallback\('boom'\) failed: .*TIMEOUT/)]);
    expect(r.gone).toEqual([false, expect.stringMatching(/AwaitServerCallback\('gone'\) failed/)]);
    expect(logged(emu(), /TriggerServerCallback\('boom'\) from buyer failed, cb not called/)).toHaveLength(1);
  });

  it('a handler error reaches the caller as HANDLER_ERROR; one raised after waiting as TIMEOUT (printed)', async () => {
    await legacy(emu(), 'shop', {
      get: 'export',
      server: `ESX.RegisterServerCallback('boom', function(source, cb) error('kaput') end)
        ESX.RegisterServerCallback('lateBoom', function(source, cb) Wait(50) error('late') end)`,
    });
    await legacy(emu(), 'buyer', {
      get: 'export',
      client: `CreateThread(function() Wait(300)
        out('await', pcall(ESX.AwaitServerCallback, 'boom'))
        out('late', pcall(ESX.AwaitServerCallback, 'lateBoom'))
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'buyer'], {
      esx: false, convars: { ...STANDIN, 'callback_bridge:timeout': '1000' }, settle: 1800,
    });
    expect(s.client('buyer').await).toEqual([false, expect.stringMatching(/'boom'\) failed: HANDLER_ERROR/)]);
    expect(s.client('buyer').late).toEqual([false, expect.stringMatching(/'lateBoom'\) failed: TIMEOUT/)]);
    expect(logged(emu(), /ESX callback 'lateBoom' \(shop\) failed after waiting/)).toHaveLength(1);
  });
});

describe("L3: ESX's wire answered by the bridge", () => {
  it('in both dialects, each answered in its own; names from any API; unknown names get nothing', async () => {
    await legacy(emu(), 'shop', { get: 'export', server: `ESX.RegisterServerCallback('three', function(source, cb, x) cb(x, nil, source) end)` });
    await legacy(emu(), 'native', { get: 'none', aliased: true, server: `RegisterCallback('native', function(source, x) return x * 2 end)` });
    await legacy(emu(), 'newer', {
      get: 'none',
      client: `${wireCaller('invoker', 0)}
        CreateThread(function()
          Wait(300)
          call('three', function(...) out('three', ...) end, 'bread')
          call('native', function(...) out('native', ...) end, 21)
          call('nope', function(...) out('nope', ...) end)
        end)`,
    });
    await legacy(emu(), 'older', {
      get: 'none',
      client: `${wireCaller('legacy', 100)}
        CreateThread(function()
          Wait(300)
          call('three', function(...) out('three', ...) end, 'milk')
          call('three', function(...) out('noArgs', ...) end)
        end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop', 'native', 'newer', 'older'], { esx: false, convars: STANDIN, settle: 1000 });
    const id = s.player.netId;
    expect(s.client('newer')).toEqual({ three: ['newer', 'bread', null, id], native: ['newer', 42] });
    expect(s.client('older')).toEqual({ three: ['milk', null, id], noArgs: [null, null, id] });
    expect(logged(emu(), /ESX wire request 'nope' from player 1 \(newer\) got no reply: NOT_FOUND/)).toHaveLength(1);
  });

  it('server wire callers reach client callbacks served through the bridge; a local spoof is ignored', async () => {
    await legacy(emu(), 'hud', { get: 'export', client: `ESX.RegisterClientCallback('hud:x', function(cb, a) cb(a, 'ok') end)
      CreateThread(function() Wait(200) TriggerEvent('esx:triggerClientCallback', 'hud:x', 9, 'spoof', 'local') end)` });
    await legacy(emu(), 'boss', {
      get: 'none',
      server: `RegisterNetEvent('esx:clientCallback', function(id, invoker, ...) out('reply' .. id, source, invoker, ...) end)
        RegisterNetEvent('go', function() TriggerClientEvent('esx:triggerClientCallback', source, 'hud:x', 7, 'boss', 'a') end)`,
      client: `CreateThread(function() Wait(300) TriggerServerEvent('go') end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'hud', 'boss'], { esx: false, convars: STANDIN, settle: 800 });
    expect(s.server('boss')).toEqual({ reply7: [s.player.netId, 'boss', 'a', 'ok'] });
  });

  it('stand-in requests over the wire (a wire-only handler) accept the reply only from the player asked', async () => {
    const WIRE_HANDLER = `
      RegisterNetEvent('esx:triggerClientCallback', function(name, id, invoker, ...)
        if name == 'wireOnly' then out('asked', id) end
      end)
      RegisterNetEvent('answer', function(id, value) TriggerServerEvent('esx:clientCallback', id, 'x', value) end)`;
    await legacy(emu(), 'wired', {
      get: 'none',
      client: WIRE_HANDLER,
      server: `RegisterCommand('answer', function(_, a) TriggerClientEvent('answer', tonumber(a[1]), math.tointeger(tonumber(a[2])), a[3]) end)`,
    });
    await legacy(emu(), 'boss', {
      get: 'export',
      server: `RegisterCommand('ask', function() ESX.TriggerClientCallback(1, 'wireOnly', function(...) out('got', ...) end) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'wired', 'boss'], { esx: false, convars: STANDIN });
    const other = emu().connect();
    await emu().advance(300);
    emu().executeCommand(emu().server, 'ask');
    await emu().advance(300);
    const [id] = s.client('wired').asked as [number];
    expect(id).toBeGreaterThan(1000); // not ESX's sequential counter
    emu().executeCommand(emu().server, `answer ${other.netId} ${id} forged`);
    await emu().advance(300);
    expect(s.server('boss')).toEqual({});
    emu().executeCommand(emu().server, `answer ${s.player.netId} ${id} real`);
    await emu().advance(300);
    expect(s.server('boss')).toEqual({ got: ['real'] });
  });
});
