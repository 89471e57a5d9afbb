/**
 * L1, handler side, inside JS resources (adapters/ox/self-answer.ts): a name a JS resource registers in its in-resource
 * engine (`dist/callbacks.js`) answers unmodified ox callers (the REAL npm package, ox's Lua `lib.callback.await`) in
 * that resource, through its engine's checks, while the bridge stays silent: no `cbb:local:*` hop, no relay row in the
 * bridge's metrics, the handler run once per call, ox_lib's registry naming the resource as the owner.
 */
import { describe, expect, it } from 'vitest';
import type { Emulator, Player } from '../../emulator/emulator.ts';
import { jsGlobals, useEmulator } from '../../support/cfx.ts';
import { jsResource } from '../../engine/lua-support.ts';
import { addBridge, addOxDouble, expectNoScriptErrors, luaResource, oxJsResource, plainResource, scene, seen, startAll } from './support.ts';

const emu = useEmulator();

/** The JS resource `shop`: handlers that count their runs; `counters()`, `valid(name)` (asked of ox_lib as shop). */
const SHOP = `globalThis.runs = {};
  const count = (n) => { runs[n] = (runs[n] || 0) + 1; };
  CallbackBridge.register('price', (src, item) => { count('price'); return item + '@' + src; });
  CallbackBridge.register('limited', () => { count('limited'); return 'ok'; }, { rateLimit: { rate: 1, burst: 1 } });
  CallbackBridge.register('checked', (src, a) => { count('checked'); return a.n * 2; }, { validate: { required: ['n'], types: { n: 'number' } } });
  CallbackBridge.register('boom', () => { count('boom'); throw new Error('shop secret'); });
  globalThis.counters = () => ({ ...CallbackBridge.engine.metrics.counters });
  globalThis.valid = (name) => exports.ox_lib.isCallbackValid(name);
  globalThis.drop = (name) => CallbackBridge.unregister(name);`;

/** The real package's client caller: `ask(key, name, ...args)` notes how the call settled under `got[key]`. */
const BUYER = `globalThis.got = {};
  globalThis.ask = (key, name, ...args) => Promise.resolve(OxClient.triggerServerCallback(name, null, ...args)).then(
    (v) => { got[key] = v === undefined ? 'undefined' : JSON.stringify(v); },
    (e) => { got[key] = 'rejected: ' + String(e); });`;

/** Spies on the server: local-call hops either way (bridge → shop, shop → bridge), and the bridge's metrics rows. */
const SPY = `globalThis.hops = 0; on('cbb:local:shop', () => { hops++; }); on('cbb:local:callback_bridge', () => { hops++; });
  globalThis.bridgeRows = () => exports.callback_bridge.GetCallbackMetrics().filter((r) => r.resource === 'callback_bridge');`;

/**
 * The world: bridge, ox double (started unless `ox: false`; not even installed with `standin`), shop, the package's
 * caller `buyer`, the spy.
 */
async function world(e: Emulator, { ox = true, players = 1, standin = false } = {}): Promise<Player[]> {
  await addBridge(e);
  if (!standin) await addOxDouble(e);
  await jsResource(e, 'shop', { server: SHOP });
  await oxJsResource(e, 'buyer', { client: BUYER });
  await plainResource(e, 'spy', { server: ['server.js', SPY] });
  return scene(e, ['shop', 'buyer', 'spy'], { ox: ox && !standin, players });
}

const ask = (p: Player, key: string, name: string, ...args: unknown[]) => jsGlobals(p.machine, 'buyer').ask(key, name, ...args);
const got = (p: Player) => jsGlobals(p.machine, 'buyer').got as Record<string, string>;
const shop = () => jsGlobals(emu().server, 'shop');
const spy = () => jsGlobals(emu().server, 'spy');

/** Asks `price` as `key` and expects the answer, the handler run exactly once more, and no hop through the bridge. */
async function answeredInShop(p: Player, key: string): Promise<void> {
  const before = shop().runs.price ?? 0;
  ask(p, key, 'price', key);
  await emu().advance(400);
  expect(got(p)[key]).toBe(JSON.stringify(`${key}@${p.netId}`));
  expect(shop().runs.price).toBe(before + 1);
  expect(spy().hops).toBe(0);
}

describe('a JS resource answers ox callers of its own names itself', () => {
  it('the real package caller → CallbackBridge.register: answered by the resource, once, the bridge silent', async () => {
    const [p] = await world(emu());
    for (const key of ['a', 'b', 'c']) await answeredInShop(p, key);
    expect(spy().bridgeRows()).toEqual([]);
    // ox_lib records the real owner: the resource claimed the name before the bridge could.
    expect(shop().valid('price')).toBe(true);
    expect(emu().output(/attempted to overwrite callback/)).toEqual([]);
    expectNoScriptErrors(emu());
  });

  it("ox's Lua lib.callback.await reaches it too; an unknown name is still 'cb_invalid' (does not exist)", async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await jsResource(emu(), 'shop', { server: SHOP });
    await plainResource(emu(), 'spy', { server: ['server.js', SPY] });
    await luaResource(emu(), 'oxbuyer', 'ox', {
      client: `CreateThread(function() Wait(300)
        out('price', lib.callback.await('price', false, 'w'))
        out('boom', lib.callback.await('boom', false))
        out('nope', pcall(lib.callback.await, 'nope', false))
      end)`,
    });
    const [p] = await scene(emu(), ['shop', 'spy', 'oxbuyer']);
    await emu().advance(1500);
    expect(seen(p.machine, 'oxbuyer')).toEqual({
      price: [`w@${p.netId}`],
      boom: [],
      nope: [false, expect.stringMatching(/callback 'nope' does not exist$/)],
    });
    expect(shop().runs).toEqual({ price: 1, boom: 1 });
    expect(spy().hops).toBe(0);
    expect(emu().output(/\[shop\].*callback 'boom' \(resource shop\) failed/)).toHaveLength(1);
  });

  it('refusals of the engine reach the ox caller as ox shows a failure (nil): rate limit, schema; the handler never runs', async () => {
    const [p] = await world(emu());
    ask(p, 'l1', 'limited');
    ask(p, 'l2', 'limited');
    ask(p, 'c1', 'checked', { n: 2 });
    ask(p, 'c2', 'checked', { n: 'two' });
    ask(p, 'nope', 'nope');
    await emu().advance(500);
    expect(got(p)).toEqual({ l1: '"ok"', l2: 'undefined', c1: '4', c2: 'undefined', nope: '"cb_invalid"' });
    expect(shop().runs).toEqual({ limited: 1, checked: 1 });
    expect(spy().hops).toBe(0);
    const handler = shop().CallbackBridge.engine.metrics.snapshot() as Array<{ name: string; role: string; errors: Record<string, number> }>;
    expect(handler.find((r) => r.name === 'limited' && r.role === 'handler')?.errors).toEqual({ RATE_LIMITED: 1 });
    expect(handler.find((r) => r.name === 'checked' && r.role === 'handler')?.errors).toEqual({ INVALID_ARGUMENTS: 1 });
  });

  it('spoofed local events are dropped and counted; malformed requests counted; a reply goes only to the asker', async () => {
    const [victim, other] = await world(emu(), { players: 2 });
    await plainResource(emu(), 'prober', {
      server: ['server.js', `globalThis.spoof = () => emit('__ox_cb_price', 'buyer', 'k1', 'x');`],
      client: ['client.js', `globalThis.replies = []; onNet('__ox_cb_buyer', (key, v) => replies.push([key, v]));
        globalThis.send = (...args) => emitNet('__ox_cb_price', ...args);`],
    });
    emu().start('prober');
    await emu().advance(300);
    const before = shop().counters();
    jsGlobals(emu().server, 'prober').spoof();
    jsGlobals(other.machine, 'prober').send(42, 'k2');
    jsGlobals(other.machine, 'prober').send('no such/resource', 'k3');
    jsGlobals(other.machine, 'prober').send('buyer', 'k4', 'mine');
    await emu().advance(400);
    const after = shop().counters();
    expect(after.spoofed - before.spoofed).toBe(1);
    expect(after.malformed - before.malformed).toBe(2);
    expect(shop().runs.price).toBe(1);
    expect(jsGlobals(other.machine, 'prober').replies).toEqual([['k4', `mine@${other.netId}`]]);
    expect(jsGlobals(victim.machine, 'prober').replies).toEqual([]);
  });
});

describe('restarts, and ox_lib coming late', () => {
  it('the resource restarts: announced and claimed again, still answered once', async () => {
    const [p] = await world(emu());
    await answeredInShop(p, 'a');
    emu().restart('shop');
    await emu().advance(300);
    await answeredInShop(p, 'b');
    expect(emu().output(/attempted to overwrite callback/)).toEqual([]);
  });

  it('ox_lib restarts with an empty registry: the resource claims its names again', async () => {
    const [p] = await world(emu());
    emu().restart('ox_lib');
    await emu().advance(300);
    expect(shop().valid('price')).toBe(true);
    await answeredInShop(p, 'a');
    expect(emu().output(/attempted to overwrite callback/)).toEqual([]);
  });

  it('the bridge restarts: its hello is answered, it stays silent, the resource keeps answering', async () => {
    const [p] = await world(emu());
    emu().restart('callback_bridge');
    await emu().advance(500);
    await answeredInShop(p, 'a');
    await answeredInShop(p, 'b');
    expect(spy().bridgeRows()).toEqual([]);
    expect(emu().output(/attempted to overwrite callback/)).toEqual([]);
  });

  it('ox_lib starts after the names were registered: the resource claims and answers them from then on', async () => {
    const [p] = await world(emu(), { ox: false });
    startAll(emu(), 'ox_lib');
    await emu().advance(300);
    expect(shop().valid('price')).toBe(true);
    await answeredInShop(p, 'a');
    expect(emu().output(/attempted to overwrite callback/)).toEqual([]);
  });

  it("unregister: the resource stops answering; the bridge answers 'cb_invalid' for the name ox_lib still holds", async () => {
    const [p] = await world(emu());
    await answeredInShop(p, 'a');
    expect(shop().drop('price')).toBe(true);
    await emu().advance(100);
    ask(p, 'gone', 'price', 'x');
    await emu().advance(400);
    expect(got(p).gone).toBe('"cb_invalid"');
    expect(shop().runs.price).toBe(1);
  });
});

describe('under the ox stand-in (no ox_lib, callback_bridge:standin ox_lib)', () => {
  it('answered by the resource too; an unregistered name is taken back from the stand-in and is "cb_invalid"', async () => {
    emu().setConvar('callback_bridge:standin', 'ox_lib', true);
    const [p] = await world(emu(), { standin: true });
    await answeredInShop(p, 'a');
    expect(shop().valid('price')).toBe(true);
    expect(shop().drop('price')).toBe(true);
    await emu().advance(100);
    expect(shop().valid('price')).toBe(false);
    ask(p, 'gone', 'price', 'x');
    await emu().advance(400);
    expect(got(p).gone).toBe('"cb_invalid"');
    expect(shop().runs.price).toBe(1);
    expect(emu().output(/attempted to overwrite callback/)).toEqual([]);
    expectNoScriptErrors(emu());
  });
});

describe('the client side', () => {
  it("a server ox caller (Lua lib.callback.await) → registerClient in a JS client resource, answered there", async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await jsResource(emu(), 'menu', {
      client: `globalThis.runs = 0; CallbackBridge.registerClient('pick', (a, b) => { runs++; return [b, a]; });`,
    });
    await plainResource(emu(), 'cspy', {
      client: ['client.js', `globalThis.hops = 0; on('cbb:local:menu', () => { hops++; }); on('cbb:local:callback_bridge', () => { hops++; });`],
    });
    const server = `RegisterNetEvent('go', function() local src = source
        out('pick', lib.callback.await('pick', src, 1, 2))
        out('nope', pcall(lib.callback.await, 'nope', src))
      end)`;
    await luaResource(emu(), 'boss', 'ox', { server, client: `CreateThread(function() Wait(300) TriggerServerEvent('go') end)` });
    const [p] = await scene(emu(), ['menu', 'cspy', 'boss']);
    await emu().advance(1500);
    expect(seen(emu().server, 'boss')).toEqual({ pick: [[2, 1]], nope: [false, expect.stringMatching(/callback 'nope' does not exist$/)] });
    expect(jsGlobals(p.machine, 'menu').runs).toBe(1);
    expect(jsGlobals(p.machine, 'cspy').hops).toBe(0);
    expect(emu().output(/attempted to overwrite callback/)).toEqual([]);
  });
});
