/**
 * L1 for JS resources on the in-resource TS engine (`@callback_bridge/dist/callbacks.js`; adapters/ox/include.ts): a
 * call that ends NOT_FOUND is tried over the ox wire from that resource, so it reaches handlers only ox_lib knows
 * (unmodified `lib.callback.register`, the real JS package), both directions, with what is left of its timeout; the
 * wire's replies are believed only from the player asked and never from a local spoof; 'cb_invalid' is NOT_FOUND.
 */
import { describe, expect, it } from 'vitest';
import type { Player } from '../../emulator/emulator.ts';
import { jsGlobals, useEmulator } from '../../support/cfx.ts';
import { jsResource } from '../../engine/lua-support.ts';
import { addBridge, addOxDouble, expectNoScriptErrors, luaResource, oxJsResource, plainResource, scene, startAll } from './support.ts';

const emu = useEmulator();

/** `note(key, () => promise)`: how the call settled and after how long (virtual ms), as JSON under `got[key]`. */
const NOTE = `globalThis.got = {};
  globalThis.note = (key, start) => {
    const t0 = GetGameTimer();
    // Started at once: a call from the test runs outside the resource's callbacks, where no microtask is flushed.
    let p;
    try { p = start(); } catch (e) { p = Promise.reject(e); }
    p.then(
      (value) => { got[key] = JSON.stringify({ value, ms: GetGameTimer() - t0 }); },
      (e) => { got[key] = JSON.stringify({ code: e.code, message: e.message, ms: GetGameTimer() - t0 }); });
  };
  globalThis.counters = () => ({ ...CallbackBridge.engine.metrics.counters });`;

/** What `note` recorded in `res` on `machine`. */
function got(machine: Player['machine'], res: string): Record<string, { value?: unknown; code?: string; message?: string; ms: number }> {
  const all = jsGlobals(machine, res).got as Record<string, string>;
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, JSON.parse(v)]));
}

describe('a JS include caller reaches handlers only ox_lib knows', () => {
  it('client → server: an unmodified Lua handler (every value, nils in place) and the real package (one value)', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'oxshop', 'ox', { server: `lib.callback.register('ox3', function(source, x) return x, nil, source end)` });
    await oxJsResource(emu(), 'jsshop', { server: `OxServer.onClientCallback('js1', (src, x) => [x, src]);` });
    await jsResource(emu(), 'buyer', {
      client: `${NOTE}
        setTimeout(() => {
          note('ox3', () => CallbackBridge.triggerServerValues('ox3', 'a'));
          note('js1', () => CallbackBridge.triggerServer('js1', 'b'));
          note('native', () => CallbackBridge.triggerServer('nat', 1));
        }, 300);`,
    });
    await jsResource(emu(), 'natshop', { server: `CallbackBridge.register('nat', (src, x) => x + 1);` });
    const [p] = await scene(emu(), ['oxshop', 'jsshop', 'natshop', 'buyer']);
    await emu().advance(1500);
    expect(got(p.machine, 'buyer')).toEqual({
      ox3: { value: ['a', null, p.netId], ms: expect.any(Number) },
      js1: { value: ['b', p.netId], ms: expect.any(Number) },
      native: { value: 2, ms: expect.any(Number) },
    });
    expectNoScriptErrors(emu());
  });

  it('server → client: an unmodified Lua client handler and the real package on the client', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'oxmenu', 'ox', { client: `lib.callback.register('oxc', function(a, b) return b, a end)` });
    await oxJsResource(emu(), 'jsmenu', { client: `OxClient.onServerCallback('jsc', (x) => x * 2);` });
    await jsResource(emu(), 'boss', {
      server: `${NOTE}
        onNet('go', () => {
          const src = source;
          note('oxc', () => CallbackBridge.triggerClientValues(src, 'oxc', 1, 2));
          note('jsc', () => CallbackBridge.triggerClient(src, 'jsc', 21));
        });`,
      client: `setTimeout(() => emitNet('go'), 300);`,
    });
    await scene(emu(), ['oxmenu', 'jsmenu', 'boss']);
    await emu().advance(1500);
    expect(got(emu().server, 'boss')).toEqual({
      oxc: { value: [2, 1], ms: expect.any(Number) },
      jsc: { value: 42, ms: expect.any(Number) },
    });
    expectNoScriptErrors(emu());
  });
});

describe('what the ox wire answers, and what it is not believed', () => {
  it("'cb_invalid' is NOT_FOUND, the engine's own; without ox_lib NOT_FOUND comes at once and nothing goes on the ox wire", async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await plainResource(emu(), 'spy', { server: ['server.js', `globalThis.asked = []; onNet('ox_lib:validateCallback', (name, res) => asked.push(name + '@' + res));`] });
    await jsResource(emu(), 'buyer', {
      client: `${NOTE}
        globalThis.ask = (key) => note(key, () => CallbackBridge.triggerServer('nope'));
        setTimeout(() => ask('with'), 300);`,
    });
    const [p] = await scene(emu(), ['spy', 'buyer']);
    await emu().advance(1000);
    const notFound = { code: 'NOT_FOUND', message: "callback 'nope' does not exist", ms: expect.any(Number) };
    expect(got(p.machine, 'buyer')).toEqual({ with: notFound });
    // Two round trips (the engine's, the ox wire's), not a wait for the 30 s timeout.
    expect(got(p.machine, 'buyer').with.ms).toBeLessThan(500);
    expect(jsGlobals(emu().server, 'spy').asked).toEqual(['nope@buyer']);
    emu().stop('ox_lib');
    await emu().advance(300);
    jsGlobals(p.machine, 'buyer').ask('without');
    await emu().advance(1000);
    expect(got(p.machine, 'buyer').without).toEqual(notFound);
    expect(jsGlobals(emu().server, 'spy').asked).toEqual(['nope@buyer']);
  });

  it('a reply forged by another player, or spoofed locally on the client, is ignored and counted', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'menu', 'ox', { client: `lib.callback.register('pick', function() Wait(500) return 'real' end)` });
    await luaResource(emu(), 'shop', 'ox', { server: `lib.callback.register('slow', function() Wait(500) return 'real' end)` });
    // Spies note the keys requests carry; `forge` answers as a player over the net, `spoof` raises the reply locally.
    await plainResource(emu(), 'spy', {
      client: ['client.js', `globalThis.keys = {}; onNet('__ox_cb_pick', (caller, key) => { keys[caller] = key; });
        globalThis.forge = (caller, key) => emitNet('__ox_cb_' + caller, key, 'forged');
        globalThis.spoof = (caller, key) => emit('__ox_cb_' + caller, key, 'spoofed');`],
      server: ['server.js', `globalThis.keys = {}; onNet('__ox_cb_slow', (caller, key) => { keys[caller] = key; });`],
    });
    await jsResource(emu(), 'boss', { server: `${NOTE} on('go', (target) => note('pick', () => CallbackBridge.triggerClient(target, 'pick')));` });
    await jsResource(emu(), 'buyer', { client: `${NOTE} globalThis.go = () => note('slow', () => CallbackBridge.triggerServer('slow'));` });
    await plainResource(emu(), 'kick', { server: ['server.js', `globalThis.go = (target) => emit('go', target);`] });
    const [victim, forger] = await scene(emu(), ['menu', 'shop', 'spy', 'boss', 'buyer', 'kick'], { players: 2 });
    jsGlobals(emu().server, 'kick').go(victim.netId);
    jsGlobals(victim.machine, 'buyer').go();
    await emu().advance(250);
    const pickKey = (jsGlobals(victim.machine, 'spy').keys as Record<string, string>).boss;
    const slowKey = (jsGlobals(emu().server, 'spy').keys as Record<string, string>).buyer;
    expect([typeof pickKey, typeof slowKey]).toEqual(['string', 'string']);
    jsGlobals(forger.machine, 'spy').forge('boss', pickKey);
    jsGlobals(victim.machine, 'spy').spoof('buyer', slowKey);
    await emu().advance(1000);
    expect(got(emu().server, 'boss').pick.value).toBe('real');
    expect(got(victim.machine, 'buyer').slow.value).toBe('real');
    expect(jsGlobals(emu().server, 'boss').counters()).toMatchObject({ forgedReplies: 1 });
    expect(jsGlobals(victim.machine, 'buyer').counters()).toMatchObject({ spoofed: 1 });
  });
});

describe('the budget', () => {
  it("the ox wire gets what is left of the call's timeout, not a new one", async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'ox', { server: `lib.callback.register('slow', function() Wait(10000) return 1 end)` });
    await jsResource(emu(), 'buyer', {
      client: `${NOTE} setTimeout(() => note('slow', () => CallbackBridge.withOptions({ timeout: 2000 }).triggerServer('slow')), 300);`,
    });
    startAll(emu(), 'callback_bridge', 'ox_lib', 'shop', 'buyer');
    // 150 ms each way: the engine's NOT_FOUND alone takes 300 ms, which a fresh timeout would add.
    const p = emu().connect({ latency: 150 });
    await emu().advance(3000);
    const slow = got(p.machine, 'buyer').slow;
    expect(slow.code).toBe('TIMEOUT');
    expect(slow.ms).toBeGreaterThanOrEqual(2000);
    expect(slow.ms).toBeLessThan(2100);
  });

  it('100 calls at once from a JS client to an unmodified handler: all answered, paced under the engine budget, no kick', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'ox', { server: `lib.callback.register('echo', function(source, i) Wait(i % 7) return i * 2 end)` });
    await jsResource(emu(), 'buyer', {
      client: `globalThis.result = null;
        setTimeout(async () => {
          const t0 = GetGameTimer();
          const all = await Promise.all(Array.from({ length: 100 }, (_, i) => CallbackBridge.triggerServer('echo', i).catch((e) => e.code)));
          result = JSON.stringify({ good: all.filter((v, i) => v === i * 2).length, ms: GetGameTimer() - t0 });
        }, 300);`,
    });
    const [p] = await scene(emu(), ['shop', 'buyer']);
    await emu().advance(15_000);
    const { good, ms } = JSON.parse(jsGlobals(p.machine, 'buyer').result);
    expect(good).toBe(100);
    // Two events per call over the ox wire, 200 in all: within 20/s after a burst of 40, not in one frame.
    expect(ms).toBeGreaterThan(5000);
    expect(emu().counters).toMatchObject({ kicked: 0 });
  });
});
