import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsGlobals, luaGlobal, manifest, useEmulator } from '../support/cfx.ts';

const repoRoot = path.resolve(__dirname, '../..');
const emu = useEmulator();

async function bridgeAnd(resources: Record<string, Record<string, string>>) {
  await emu().addResource('callback_bridge', repoRoot);
  expect(emu().start('callback_bridge')).toBe(true);
  for (const [name, files] of Object.entries(resources)) {
    await emu().addInlineResource(name, files);
    expect(emu().start(name)).toBe(true);
  }
  return emu().connect();
}

describe('native exports of contract §3 (the convenience path)', () => {
  it('Lua: RegisterServerCallback on the server, TriggerServerCallback on the client, every value and nils in place', async () => {
    const player = await bridgeAnd({
      money: {
        'fxmanifest.lua': manifest("server_script 's.lua'\nclient_script 'c.lua'"),
        's.lua': `exports.callback_bridge:RegisterServerCallback('money:get', function(source, cb, account)
            cb(account, nil, 500, source)
          end)`,
        'c.lua': `result = nil
          SetTimeout(100, function()
            exports.callback_bridge:TriggerServerCallback('money:get', function(a, b, c, d)
              result = { a, tostring(b), c, d }
            end, 'bank')
          end)`,
      },
    });
    await emu().advance(1000);
    expect(luaGlobal(player.machine, 'money', 'result')).toEqual(['bank', 'nil', 500, player.netId]);
  });

  it('cb forms get (nil, message, timedOut) on failure; a name table gives the call its own timeout', async () => {
    const player = await bridgeAnd({
      slow: {
        'fxmanifest.lua': manifest("server_script 's.lua'\nclient_script 'c.lua'"),
        's.lua': `exports.callback_bridge:RegisterServerCallback('slow', function(source, cb) end)`,
        'c.lua': `result = nil
          SetTimeout(100, function()
            exports.callback_bridge:TriggerServerCallback({ name = 'slow', timeout = 300 }, function(value, err, timedOut)
              result = { tostring(value), err, timedOut, GetGameTimer() }
            end)
          end)`,
      },
    });
    await emu().advance(1500);
    const [value, err, timedOut, at] = luaGlobal(player.machine, 'slow', 'result') as [string, string, boolean, number];
    expect([value, err, timedOut]).toEqual(['nil', "callback 'slow' timed out", true]);
    expect(at).toBeLessThan(600);
  });

  it('JS: RegisterCallback (return style) and TriggerServerCallbackPromise', async () => {
    const player = await bridgeAnd({
      calc: {
        'fxmanifest.lua': manifest("server_script 's.js'\nclient_script 'c.js'"),
        's.js': `exports.callback_bridge.RegisterCallback('calc:add', (source, a, b) => a + b);
          globalThis.metrics = () => exports.callback_bridge.GetCallbackMetrics();`,
        'c.js': `globalThis.sum = null;
          setTimeout(() => exports.callback_bridge.TriggerServerCallbackPromise('calc:add', 2, 3).then((v) => { globalThis.sum = v; }), 100);`,
      },
    });
    await emu().advance(1000);
    expect(jsGlobals(player.machine, 'calc').sum).toBe(5);
    const served = jsGlobals(emu().server, 'calc').metrics().find((m: { name: string; role: string }) => m.name === 'calc:add' && m.role === 'handler');
    expect(served).toMatchObject({ resource: 'callback_bridge', calls: 1, inFlight: 0, errors: {} });
  });

  it('seed style: register_callback(name, fn(source, data, cb)) and trigger_callback(name, data, cb)', async () => {
    const player = await bridgeAnd({
      seed: {
        'fxmanifest.lua': manifest("server_script 's.lua'\nclient_script 'c.lua'"),
        's.lua': `exports.callback_bridge:register_callback('seed:echo', function(source, data, cb) cb({ got = data.key, from = source }) end)`,
        'c.lua': `result = nil
          SetTimeout(100, function()
            exports.callback_bridge:trigger_callback('seed:echo', { key = 'value' }, function(response) result = response end)
          end)`,
      },
    });
    await emu().advance(1000);
    expect(luaGlobal(player.machine, 'seed', 'result')).toEqual({ got: 'value', from: player.netId });
  });

  it('a name registered by one resource is refused to another, with a warning; DoesCallbackExist sees it', async () => {
    await bridgeAnd({
      first: { 'fxmanifest.lua': manifest("server_script 's.lua'"), 's.lua': `ok = exports.callback_bridge:RegisterServerCallback('shared', function(s, cb) cb(1) end)` },
      second: {
        'fxmanifest.lua': manifest("server_script 's.lua'"),
        's.lua': `ok = exports.callback_bridge:RegisterServerCallback('shared', function(s, cb) cb(2) end)
          exists = exports.callback_bridge:DoesCallbackExist('shared')
          missing = exports.callback_bridge:DoesCallbackExist('nope')`,
      },
    });
    expect(luaGlobal(emu().server, 'first', 'ok')).toBe(true);
    expect(luaGlobal(emu().server, 'second', 'ok')).toBe(false);
    expect(luaGlobal(emu().server, 'second', 'exists')).toBe(true);
    expect(luaGlobal(emu().server, 'second', 'missing')).toBe(false);
    expect(emu().output(/second tried to register callback 'shared', owned by first: refused/)).toHaveLength(1);
  });

  it('a resource that stops loses the callbacks it registered through the exports', async () => {
    const player = await bridgeAnd({
      owner: { 'fxmanifest.lua': manifest("server_script 's.lua'"), 's.lua': `exports.callback_bridge:RegisterServerCallback('owned', function(s, cb) cb('here') end)` },
      caller: {
        'fxmanifest.lua': manifest("client_script 'c.js'"),
        'c.js': `globalThis.ask = () => exports.callback_bridge.TriggerServerCallbackPromise('owned').then((v) => { globalThis.got = v; }, (e) => { globalThis.got = e.message; });`,
      },
    });
    await emu().advance(200);
    const client = jsGlobals(player.machine, 'caller');
    client.ask();
    await emu().advance(500);
    expect(client.got).toBe('here');
    emu().stop('owner');
    client.ask();
    await emu().advance(500);
    expect(client.got).toMatch(/does not exist/);
  });

  it('ValidateCallbackData applies the seed rules; GetCallbackMetrics pulls every engine', async () => {
    await bridgeAnd({
      v: {
        'fxmanifest.lua': manifest("server_script 's.lua'"),
        's.lua': `check = exports.callback_bridge:ValidateCallbackData({ action = 1 }, { required = { 'action', 'parameters' }, types = { action = 'string' } })`,
      },
    });
    expect(luaGlobal(emu().server, 'v', 'check')).toEqual({
      valid: false,
      errors: ["missing required field 'parameters'", "field 'action' must be string (got number)"],
    });
  });
});
