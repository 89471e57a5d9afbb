/**
 * The Lua twin and the TS engine speak one protocol: a Lua caller reaches a JS handler (`dist/callbacks.js`) and a
 * JS caller reaches a Lua handler, both ways across the network, with values, nils and coded errors intact.
 * Needs `npm run build` (the JS include is the built `dist/callbacks.js`).
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { addBridge, jsResource, luaResource, outs, scriptErrors, startAll } from './lua-support.ts';

const emu = useEmulator();

describe('Lua caller → JS handler', () => {
  it('client Lua calls server JS: return and cb styles, async handlers, nils, coded errors', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'jsshop', {
      server: `
        CallbackBridge.register('js:sum', (source, a, b) => ({ sum: a + b, source }));
        CallbackBridge.register('js:later', async (source, x) => { await new Promise((r) => setTimeout(r, 100)); return [x, null]; });
        CallbackBridge.registerWithCallback('js:multi', (source, cb, x) => cb(x, null, 'z', null));
        CallbackBridge.register('js:boom', () => { throw new Error('js secret'); });
        CallbackBridge.register('js:typed', (source, order) => order.item, { validate: { required: ['item'], types: { item: 'string' } } });`,
    });
    await luaResource(emu(), 'caller', {
      client: `CreateThread(function()
        Wait(300)
        out('sum', TriggerServerCallbackPromise('js:sum', 1, 2))
        out('later', TriggerServerCallbackPromise('js:later', 'x'))
        out('multi', TriggerServerCallbackPromise('js:multi', 7))
        out('boom', TriggerServerCallbackPromise('js:boom'))
        out('typed', TriggerServerCallbackPromise('js:typed', { item = 5 }))
        TriggerServerCallback({ name = 'js:multi', timeout = 1000 }, function(...) out('cb', ...) end, 'c')
      end)`,
    });
    startAll(emu(), 'callback_bridge', 'jsshop', 'caller');
    const player = emu().connect();
    await emu().advance(2000);
    expect(outs(player.machine, 'caller')).toEqual({
      sum: [{ source: 1, sum: 3 }],
      // Inside a nested table a trailing nil is gone in Lua; only the top-level values keep their count.
      later: [['x']],
      multi: [7, null, 'z', null],
      boom: [null, "callback 'js:boom' failed on the other side"],
      typed: [null, "callback 'js:typed' received invalid arguments: field 'item' must be string (got number)"],
      cb: ['c', null, 'z', null],
    });
    expect(emu().output(/callback 'js:boom' \(resource jsshop\) failed: Error: js secret/)).toHaveLength(1);
  });

  it('server Lua calls client JS with AwaitClientCallback', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'jsshop', {
      client: `CallbackBridge.registerClient('js:whoami', (greeting) => [greeting, GetPlayerServerId(PlayerId())]);`,
    });
    await luaResource(emu(), 'boss', {
      server: `RegisterNetEvent('boss:go', function()
        local src = source
        out('who', AwaitClientCallback(src, 'js:whoami', 'hi'))
      end)`,
      client: `CreateThread(function() Wait(300) TriggerServerEvent('boss:go') end)`,
    });
    startAll(emu(), 'callback_bridge', 'jsshop', 'boss');
    emu().connect();
    await emu().advance(1500);
    expect(outs(emu().server, 'boss')).toEqual({ who: [['hi', 1]] });
  });
});

describe('JS caller → Lua handler', () => {
  it('client JS calls server Lua: every value (triggerServerValues), the first (triggerServer), coded errors', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      server: `
        RegisterCallback('lua:three', function(source, a) return a, nil, source end)
        RegisterServerCallback('lua:cb', function(source, cb, t) cb(t.n * 2) end)
        RegisterCallback('lua:boom', function() error('lua secret') end)
        RegisterCallback('lua:typed', function(source, order) return order.amount end, { validate = { required = { 'amount' } } })`,
    });
    await jsResource(emu(), 'jscaller', {
      client: `
        globalThis.got = {};
        const note = (key) => [(v) => { got[key] = v; }, (e) => { got[key] = [e.code, e.message, e.timedOut]; }];
        setTimeout(() => {
          CallbackBridge.triggerServerValues('lua:three', 'a').then(...note('three'));
          CallbackBridge.triggerServer('lua:three', 'first').then(...note('first'));
          CallbackBridge.triggerServer('lua:cb', { n: 21 }).then(...note('cb'));
          CallbackBridge.triggerServer('lua:boom').then(...note('boom'));
          CallbackBridge.triggerServer('lua:typed', {}).then(...note('typed'));
          CallbackBridge.withOptions({ timeout: 300 }).triggerServer('lua:none').then(...note('none'));
        }, 300);`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'jscaller');
    const player = emu().connect();
    await emu().advance(2000);
    expect(jsGlobals(player.machine, 'jscaller').got).toEqual({
      three: ['a', null, 1],
      first: 'first',
      cb: 42,
      boom: ['HANDLER_ERROR', "callback 'lua:boom' failed on the other side", false],
      typed: ['INVALID_ARGUMENTS', "callback 'lua:typed' received invalid arguments: missing required field 'amount'", false],
      none: ['NOT_FOUND', "callback 'lua:none' does not exist", false],
    });
    expect(emu().output(/callback 'lua:boom' \(resource shop\) failed: @shop\/server\.lua:\d+: lua secret/)).toHaveLength(1);
  });

  it('server JS calls client Lua (triggerClientValues), nils kept', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      client: `RegisterClientCallback('lua:pos', function(cb, scale) Wait(50) cb(scale * 2, nil, 'z', nil) end)`,
    });
    await jsResource(emu(), 'jsboss', {
      server: `
        globalThis.got = null;
        onNet('jsboss:go', () => {
          const src = source;
          CallbackBridge.triggerClientValues(src, 'lua:pos', 4).then((v) => { got = v; }, (e) => { got = e.code; });
        });`,
      client: `setTimeout(() => emitNet('jsboss:go'), 300);`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'jsboss');
    emu().connect();
    await emu().advance(1500);
    expect(jsGlobals(emu().server, 'jsboss').got).toEqual([8, null, 'z', null]);
    expect(scriptErrors(emu())).toEqual([]);
  });
});
