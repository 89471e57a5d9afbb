/**
 * The Lua twin end to end, Lua on both ends, through the emulated network: handler styles and value counts (nils
 * in the middle and at the end kept), cb and await forms, per-call options through the table name, server→client
 * calls, the seed forms and the shared helpers.
 */
import { describe, expect, it } from 'vitest';
import { manifest, useEmulator } from '../support/cfx.ts';
import { addBridge, J_LUA, luaResource, outs, scriptErrors, startAll } from './lua-support.ts';

const emu = useEmulator();

/** The bridge, a Lua `shop` (handlers) and a Lua `caller` (calls), one player; returns what each recorded. */
async function world(shop: { server?: string; client?: string }, caller: { server?: string; client?: string }) {
  await addBridge(emu());
  await luaResource(emu(), 'shop', shop);
  await luaResource(emu(), 'caller', caller);
  startAll(emu(), 'callback_bridge', 'shop', 'caller');
  const player = emu().connect();
  return {
    player,
    client: (res = 'caller') => outs(player.machine, res),
    server: (res = 'caller') => outs(emu().server, res),
  };
}

describe('Lua caller → Lua handler, client to server', () => {
  it('return style: 0, 1 and 3 values, nils in the middle and at the end, in cb and await forms', async () => {
    const { client } = await world(
      {
        server: `
          RegisterCallback('zero', function(source) end)
          RegisterCallback('one', function(source, x) return x end)
          RegisterCallback('nilOne', function(source) return nil end)
          RegisterCallback('three', function(source) return 1, nil, 3 end)
          RegisterCallback('trailing', function(source) return nil, 'b', nil end)
          RegisterCallback('echo', function(source, ...) return select('#', ...), ... end)`,
      },
      {
        client: `CreateThread(function()
          Wait(300)
          out('zero', TriggerServerCallbackPromise('zero'))
          out('one', TriggerServerCallbackPromise('one', 'bread'))
          out('nilOne', TriggerServerCallbackPromise('nilOne'))
          out('three', TriggerServerCallbackPromise('three'))
          out('trailing', TriggerServerCallbackPromise('trailing'))
          out('echo', TriggerServerCallbackPromise('echo', nil, 2, nil))
          TriggerServerCallback('zero', function(...) out('cbZero', ...) end)
          TriggerServerCallback('three', function(...) out('cbThree', ...) end)
          TriggerServerCallback('trailing', function(...) out('cbTrailing', ...) end)
          TriggerServerCallback('echo', function(...) out('cbEcho', ...) end, { a = { 1, 2 } }, nil)
        end)`,
      },
    );
    await emu().advance(2000);
    expect(client()).toEqual({
      zero: [],
      one: ['bread'],
      nilOne: [null],
      three: [1, null, 3],
      trailing: [null, 'b', null],
      echo: [3, null, 2, null],
      cbZero: [],
      cbThree: [1, null, 3],
      cbTrailing: [null, 'b', null],
      cbEcho: [2, { a: [1, 2] }, null],
    });
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('cb style: values as given to cb (0, 1, 3 with nils); the first cb call wins; the handler may wait', async () => {
    const { client } = await world(
      {
        server: `
          RegisterServerCallback('cbZero', function(source, cb) cb() end)
          RegisterServerCallback('cbOne', function(source, cb, x) cb(x * 2) end)
          RegisterServerCallback('cbThree', function(source, cb) cb(nil, source, nil) end)
          RegisterServerCallback('twice', function(source, cb) cb('first') cb('second') end)
          RegisterServerCallback('later', function(source, cb, ms) Wait(ms) cb('waited', ms) end)`,
      },
      {
        client: `CreateThread(function()
          Wait(300)
          out('zero', TriggerServerCallbackPromise('cbZero'))
          out('one', TriggerServerCallbackPromise('cbOne', 21))
          out('three', TriggerServerCallbackPromise('cbThree'))
          out('twice', TriggerServerCallbackPromise('twice'))
          local t0 = GetGameTimer()
          local a, b = TriggerServerCallbackPromise('later', 400)
          out('later', a, b, GetGameTimer() - t0 >= 400)
        end)`,
      },
    );
    await emu().advance(3000);
    expect(client()).toEqual({ zero: [], one: [42], three: [null, 1, null], twice: ['first'], later: ['waited', 400, true] });
  });

  it('RegisterCallback handlers may yield (Wait) before returning', async () => {
    const { client } = await world(
      { server: `RegisterCallback('slow', function(source, x) Wait(250) return x, 'slow' end)` },
      { client: `CreateThread(function() Wait(300) out('slow', TriggerServerCallbackPromise('slow', 5)) end)` },
    );
    await emu().advance(2000);
    expect(client().slow).toEqual([5, 'slow']);
  });

  it('the table name carries per-call options: a per-call timeout in cb and await forms', async () => {
    const { client } = await world(
      { server: `RegisterServerCallback('never', function(source, cb) end)` },
      {
        client: `CreateThread(function()
          Wait(300)
          local t0 = GetGameTimer()
          TriggerServerCallback({ name = 'never', timeout = 300 }, function(...) out('cb', GetGameTimer() - t0, ...) end)
          local v, err = TriggerServerCallbackPromise({ name = 'never', timeout = 500 })
          out('await', GetGameTimer() - t0, v, err)
        end)`,
      },
    );
    await emu().advance(3000);
    const { cb, await: awaited } = client();
    expect(cb.slice(1)).toEqual([null, "callback 'never' timed out", true]);
    expect(cb[0]).toBeGreaterThanOrEqual(300);
    expect(cb[0]).toBeLessThan(300 + 40);
    expect(awaited.slice(1)).toEqual([null, "callback 'never' timed out"]);
    expect(awaited[0]).toBeGreaterThanOrEqual(500);
    expect(awaited[0]).toBeLessThan(500 + 40);
  });

  it('a bad table name is refused at the calling line', async () => {
    const { client } = await world(
      { server: `` },
      {
        client: `CreateThread(function()
          Wait(300)
          out('noName', pcall(TriggerServerCallbackPromise, { timeout = 5 }))
          out('badTimeout', pcall(TriggerServerCallback, { name = 'x', timeout = 'soon' }, print))
          out('trailingNumberIsAnArgument', select('#', pcall(TriggerServerCallbackPromise, 'nothing', 5000)))
        end)`,
      },
    );
    await emu().advance(1500);
    const o = client();
    expect(o.noName[0]).toBe(false);
    expect(o.noName[1]).toMatch(/callback name must be a non-empty string or \{ name = string/);
    expect(o.badTimeout).toEqual([false, "callback option 'timeout' must be a non-negative number"]);
  });

  it('retries on TIMEOUT only when the call asks, then succeeds', async () => {
    const { client } = await world(
      {
        server: `
          local seen = 0
          RegisterServerCallback('flaky', function(source, cb) seen = seen + 1 if seen >= 2 then cb('ok', seen) end end)`,
      },
      {
        client: `CreateThread(function()
          Wait(300)
          out('retried', TriggerServerCallbackPromise({ name = 'flaky', timeout = 200, retries = 2, backoff = 100 }))
        end)`,
      },
    );
    await emu().advance(3000);
    expect(client().retried).toEqual(['ok', 2]);
  });
});

describe('Lua caller → Lua handler, server to client', () => {
  it('AwaitClientCallback and TriggerClientCallback reach RegisterClientCallback / RegisterCallback on the client', async () => {
    const { player, server } = await world(
      {
        client: `
          RegisterClientCallback('ask', function(cb, q) cb('answer to ' .. q, nil, GetPlayerServerId(PlayerId())) end)
          RegisterCallback('sum', function(a, b) Wait(100) return a + b, nil end)
          RegisterCallback('none', function() end)`,
      },
      {
        server: `
          RegisterNetEvent('caller:go', function()
            local src = source
            out('ask', AwaitClientCallback(src, 'ask', 'life'))
            out('sum', AwaitClientCallback(src, { name = 'sum', timeout = 1000 }, 2, 3))
            out('none', AwaitClientCallback(src, 'none'))
            out('missing', AwaitClientCallback(src, 'missing'))
            TriggerClientCallback(src, 'ask', function(...) out('cb', ...) end, 'cb')
          end)`,
        client: `CreateThread(function() Wait(300) TriggerServerEvent('caller:go') end)`,
      },
    );
    await emu().advance(2000);
    const id = player.netId;
    expect(server()).toEqual({
      ask: ['answer to life', null, id],
      sum: [5, null],
      none: [],
      missing: [null, "callback 'missing' does not exist"],
      cb: ['answer to cb', null, id],
    });
  });
});

describe('the seed forms and the shared helpers', () => {
  it('register_callback(name, fn(source, data, cb)) and trigger_callback(name, data, cb)', async () => {
    const { client } = await world(
      { server: `register_callback('get_player_data', function(source, data, cb) cb({ id = data.player_id, source = source }) end)` },
      { client: `CreateThread(function() Wait(300) trigger_callback('get_player_data', { player_id = 7 }, function(r) out('seed', r) end) end)` },
    );
    await emu().advance(1500);
    expect(client().seed).toEqual([{ id: 7, source: 1 }]);
  });

  it('DoesCallbackExist, UnregisterCallback (then NOT_FOUND), ValidateCallbackData, and the CallbackBridge table', async () => {
    const { client, server } = await world(
      {
        server: `
          RegisterCallback('temp', function() return 'here' end)
          RegisterNetEvent('shop:drop', function() UnregisterCallback('temp') end)`,
      },
      {
        server: `
          out('exists', DoesCallbackExist('mine'), RegisterCallback('mine', function() end), DoesCallbackExist('mine'),
            CallbackBridge.DoesCallbackExist('mine'), CallbackBridge.RegisterCallback == RegisterCallback)
          out('validate', ValidateCallbackData({ action = 'buy' }, { required = { 'action', 'amount' }, types = { amount = 'number' } }))`,
        client: `CreateThread(function()
          Wait(300)
          out('before', TriggerServerCallbackPromise('temp'))
          TriggerServerEvent('shop:drop')
          Wait(300)
          out('after', TriggerServerCallbackPromise('temp'))
          out('unregisterElsewhere', UnregisterCallback('temp'))
        end)`,
      },
    );
    await emu().advance(2000);
    expect(server()).toEqual({
      exists: [false, true, true, true, true],
      validate: [{ valid: false, errors: ["missing required field 'amount'"] }],
    });
    expect(client()).toEqual({ before: ['here'], after: [null, "callback 'temp' does not exist"], unregisterElsewhere: [false] });
  });

  it('a name owned by another resource is refused with a warning; allowOverride takes it over', async () => {
    const { server } = await world(
      { server: `RegisterCallback('shared:name', function() return 'shop' end)` },
      {
        server: `
          out('refused', RegisterCallback('shared:name', function() return 'caller' end))
          out('taken', RegisterCallback('shared:name', function() return 'caller' end, { allowOverride = true }))`,
      },
    );
    await emu().advance(100);
    expect(server()).toEqual({ refused: [false], taken: [true] });
    expect(emu().output(/caller tried to register callback 'shared:name', owned by shop: refused \(set allowOverride to take it over\)/)).toHaveLength(1);
  });

  it('without the bridge running, names are claimed locally (registration works, a warning is not printed)', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'alone', {
      server: `out('registered', RegisterCallback('solo', function() return 1 end), DoesCallbackExist('solo'), UnregisterCallback('solo'))`,
    });
    startAll(emu(), 'alone');
    await emu().advance(100);
    expect(outs(emu().server, 'alone').registered).toEqual([true, true, true]);
    expect(emu().output(/tried to register/)).toEqual([]);
    expect(scriptErrors(emu())).toEqual([]);
  });

  it("the manifest line users write, shared_script '@callback_bridge/import.lua', serves both sides; a second include is a no-op", async () => {
    await addBridge(emu());
    await emu().addInlineResource('plain', {
      'fxmanifest.lua': manifest(
        "shared_scripts { '@callback_bridge/import.lua', 'probe.lua', 'first.lua' }\n" +
          "server_scripts { '@callback_bridge/import.lua', 'server.lua' }\nclient_script 'client.lua'",
      ),
      'probe.lua': J_LUA,
      'first.lua': 'FIRST_ENGINE = CallbackBridge.engine',
      'server.lua': `RegisterCallback('plain:hi', function(source, who) return 'hi ' .. who end)
        out('sameEngine', CallbackBridge.engine == FIRST_ENGINE)`,
      'client.lua': `CreateThread(function() Wait(300) out('hi', TriggerServerCallbackPromise('plain:hi', 'there')) end)`,
    });
    startAll(emu(), 'callback_bridge', 'plain');
    const player = emu().connect();
    await emu().advance(1000);
    expect(outs(emu().server, 'plain').sameEngine).toEqual([true]);
    expect(outs(player.machine, 'plain').hi).toEqual(['hi there']);
    expect(scriptErrors(emu())).toEqual([]);
  });
});
