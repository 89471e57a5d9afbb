/**
 * The REAL npm package `@overextended/ox_lib` (3.39.0) as the TS peer in both directions (reference §6 cases 1-3):
 * its callers resolve the first value only and resolve `'cb_invalid'` for an unknown name; its handlers send exactly
 * one value (§2). Lua callers and handlers are the alias (ours), our ox double (ox's Lua), and the native API (L1).
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, useEmulator } from '../../support/cfx.ts';
import { addBridge, addOxDouble, luaResource, oxJsResource, scene, seen } from './support.ts';

const emu = useEmulator();

/** JS recorder: `note(key, promise)` stores how it settled as text ('undefined', JSON, or 'rejected: ...'). */
const NOTE = `globalThis.got = {};
  globalThis.note = (key, p) => Promise.resolve(p).then(
    (v) => { got[key] = v === undefined ? 'undefined' : JSON.stringify(v); },
    (e) => { got[key] = 'rejected: ' + String(e); });`;

const JS_HANDLERS = `
  OxServer.onClientCallback('js0', () => undefined);
  OxServer.onClientCallback('js1', (src, x) => x);
  OxServer.onClientCallback('js3', (src, a, b, c) => [a, b, c]);
  OxServer.onClientCallback('jssrc', (src) => src);
  OxServer.onClientCallback('jsasync', async (src, x) => { await new Promise((r) => setTimeout(r, 100)); return x * 2; });
  OxServer.onClientCallback('jsboom', () => { throw new Error('js secret'); });`;

const LUA_HANDLERS = (p: string) => `
  lib.callback.register('${p}v0', function() end)
  lib.callback.register('${p}v1', function(source, x) return x end)
  lib.callback.register('${p}v3', function(source, a, b, c) return a, nil, c end)
  lib.callback.register('${p}nilfirst', function() return nil, 'second' end)
  lib.callback.register('${p}boom', function() error('lua secret') end)`;

describe('Lua caller → the real JS package handler', () => {
  it('client → server: one value arrives (nil, a scalar, a table); errors as nil; the alias and ox read the same', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await oxJsResource(emu(), 'jsshop', { server: JS_HANDLERS });
    const client = `CreateThread(function() Wait(300)
        out('js0', lib.callback.await('js0', false))
        out('js1', lib.callback.await('js1', false, 'x'))
        out('js3', lib.callback.await('js3', false, 'a', 'b', 'c'))
        out('jssrc', lib.callback.await('jssrc', false))
        out('jsasync', lib.callback.await('jsasync', false, 21))
        out('jsboom', lib.callback.await('jsboom', false))
        out('nope', pcall(lib.callback.await, 'jsnope', false))
      end)`;
    await luaResource(emu(), 'buyer', 'alias', { client });
    await luaResource(emu(), 'oxbuyer', 'ox', { client });
    const [p] = await scene(emu(), ['jsshop', 'buyer', 'oxbuyer']);
    await emu().advance(2000);
    const same = { js1: ['x'], js3: [['a', 'b', 'c']], jssrc: [p.netId], jsasync: [42] };
    // The JS handler sends (key, undefined): a trailing undefined does not travel, so both read no value (nil).
    expect(seen(p.machine, 'buyer')).toEqual({ ...same, js0: [], jsboom: [], nope: [false, "callback 'jsnope' does not exist"] });
    expect(seen(p.machine, 'oxbuyer')).toEqual({ ...same, js0: [], jsboom: [], nope: [false, expect.stringMatching(/callback 'jsnope' does not exist$/)] });
    expect(emu().output(/an error occurred while handling callback event jsboom/)).toHaveLength(2);
  });

  it('server → client: the alias and the double await a JS client handler', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await oxJsResource(emu(), 'jsmenu', { client: `OxClient.onServerCallback('jsc', (a, b) => [b, a]);` });
    const server = `RegisterNetEvent('go', function() local src = source out('jsc', lib.callback.await('jsc', src, 1, 2)) end)`;
    const client = `CreateThread(function() Wait(300) TriggerServerEvent('go') end)`;
    await luaResource(emu(), 'boss', 'alias', { server, client });
    await luaResource(emu(), 'oxboss', 'ox', { server, client });
    await scene(emu(), ['jsmenu', 'boss', 'oxboss']);
    await emu().advance(1000);
    expect(seen(emu().server, 'boss')).toEqual({ jsc: [[2, 1]] });
    expect(seen(emu().server, 'oxboss')).toEqual({ jsc: [[2, 1]] });
  });
});

describe('the real JS package caller → Lua handler', () => {
  it('client → server: the first value only; an error and no values resolve undefined; an unknown name resolves "cb_invalid"', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: LUA_HANDLERS('') });
    await luaResource(emu(), 'oxshop', 'ox', { server: LUA_HANDLERS('o') });
    await oxJsResource(emu(), 'jsbuyer', {
      client: `${NOTE}
        setTimeout(async () => {
          for (const p of ['', 'o']) for (const n of ['v0', 'v1', 'v3', 'nilfirst', 'boom']) {
            await note(p + n, OxClient.triggerServerCallback(p + n, null, 'a', 'b', 'c'));
          }
          await note('nope', OxClient.triggerServerCallback('nope', null));
        }, 300);`,
    });
    const [p] = await scene(emu(), ['shop', 'oxshop', 'jsbuyer']);
    await emu().advance(2000);
    const expected = { v0: 'undefined', v1: '"a"', v3: '"a"', nilfirst: 'null', boom: 'undefined' };
    expect(jsGlobals(p.machine, 'jsbuyer').got).toEqual({
      ...expected,
      ...Object.fromEntries(Object.entries(expected).map(([k, v]) => [`o${k}`, v])),
      nope: '"cb_invalid"',
    });
  });

  it('server → client: triggerClientCallback reaches an alias client handler and a native one (through the bridge)', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'menu', 'alias', { client: `lib.callback.register('pick', function(a, b) return b, a end)` });
    await luaResource(emu(), 'natmenu', 'native', { client: `RegisterCallback('natpick', function(a) return a .. '!' end)` });
    await oxJsResource(emu(), 'jsboss', {
      server: `${NOTE}
        onNet('go', () => {
          const src = source;
          note('pick', OxServer.triggerClientCallback('pick', src, 'x', 'y'));
          note('natpick', OxServer.triggerClientCallback('natpick', src, 'n'));
          note('nope', OxServer.triggerClientCallback('nope', src));
        });`,
      client: `setTimeout(() => emitNet('go'), 300);`,
    });
    await scene(emu(), ['menu', 'natmenu', 'jsboss']);
    await emu().advance(1000);
    expect(jsGlobals(emu().server, 'jsboss').got).toEqual({ pick: '"y"', natpick: '"n!"', nope: '"cb_invalid"' });
  });
});

describe('the real JS package and the native API (L1 both ways)', () => {
  it('a JS caller reaches native handlers; native and exports callers reach JS handlers (over the ox wire after NOT_FOUND)', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'natshop', 'native', {
      server: `RegisterCallback('n3', function(source, a) return a, nil, source end)
        RegisterServerCallback('ncb', function(source, cb, x) cb(x + 1) end)`,
    });
    await oxJsResource(emu(), 'jsshop', { server: JS_HANDLERS });
    await oxJsResource(emu(), 'jsbuyer', {
      client: `${NOTE} setTimeout(() => { note('n3', OxClient.triggerServerCallback('n3', null, 'a')); note('ncb', OxClient.triggerServerCallback('ncb', null, 1)); }, 300);`,
    });
    await luaResource(emu(), 'natbuyer', 'native', {
      client: `CreateThread(function() Wait(300)
        out('js3', TriggerServerCallbackPromise('js3', 1, 2, 3))
        out('js1', TriggerServerCallbackPromise({ name = 'js1', timeout = 2000 }, 'x'))
        out('nope', TriggerServerCallbackPromise('nope'))
        exports.callback_bridge:TriggerServerCallback('jsasync', function(...) out('export', ...) end, 5)
      end)`,
    });
    const [p] = await scene(emu(), ['natshop', 'jsshop', 'jsbuyer', 'natbuyer']);
    await emu().advance(2000);
    expect(jsGlobals(p.machine, 'jsbuyer').got).toEqual({ n3: '"a"', ncb: '2' });
    expect(seen(p.machine, 'natbuyer')).toEqual({
      js3: [[1, 2, 3]],
      js1: ['x'],
      nope: [null, "callback 'nope' does not exist"],
      export: [10],
    });
  });
});
