/**
 * The bridge's directory with JS engines (dist/callbacks.js): client announcements coalesced per tick, requests
 * the bridge forwards to the owner while a caller's replica does not know it yet, and a bridge restart.
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { addBridge, announcementScene, jsResource, ownerRestartScene, startAll } from './lua-support.ts';

const emu = useEmulator();

describe('client announcements', () => {
  it('300 client callbacks registered at start go out coalesced: nothing dropped or kicked, all in the directory', async () => {
    const { player, spy } = await announcementScene(emu(), jsResource, 'many', {
      client: `for (let i = 0; i < 300; i++) CallbackBridge.registerClient('many:' + i, () => i);`,
    });
    expect(emu().counters).toMatchObject({ dropped: 0, kicked: 0 });
    expect(spy.announces).toBeLessThanOrEqual(2);
    expect(spy.clientDirectory(player.netId)).toHaveLength(300);
  });

  it('a registration, a removal and a re-registration in one tick reach the server as their final state', async () => {
    const { player, spy } = await announcementScene(emu(), jsResource, 'flip', {
      client: `CallbackBridge.registerClient('gone', () => 1);
        CallbackBridge.registerClient('back', () => 1);
        CallbackBridge.unregister('gone');
        CallbackBridge.unregister('back');
        CallbackBridge.registerClient('back', () => 2);`,
    });
    expect(spy.announces).toBe(1);
    expect(spy.clientDirectory(player.netId)).toEqual([['back', 'flip']]);
  });
});

/** Counts the request batches addressed to the bridge on the machine it runs on (they are what gets forwarded). */
const BRIDGE_SPY = `globalThis.toBridge = 0; onNet('cbb:q:callback_bridge', () => { toBridge++; });`;

describe('requests the bridge forwards to the owner (a replica that does not know the owner yet)', () => {
  it('a client script calling at load time, before the hello reply, reaches the server handler; unknown names stay NOT_FOUND', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'spy', { server: BRIDGE_SPY });
    await jsResource(emu(), 'shop', { server: `CallbackBridge.register('shop:price', (source, item) => [item, source]);` });
    await jsResource(emu(), 'caller', {
      client: `globalThis.got = {};
        CallbackBridge.triggerServer('shop:price', 'bread').then((v) => { got.price = v; }, (e) => { got.price = e.code; });
        CallbackBridge.triggerServer('ghost').then((v) => { got.ghost = v; }, (e) => { got.ghost = e.code; });`,
    });
    startAll(emu(), 'callback_bridge', 'spy', 'shop', 'caller');
    const player = emu().connect();
    await emu().advance(500);
    expect(jsGlobals(player.machine, 'caller').got).toEqual({ price: ['bread', player.netId], ghost: 'NOT_FOUND' });
    expect(jsGlobals(emu().server, 'spy').toBridge).toBeGreaterThanOrEqual(1);
  });

  it("a server call to a client callback the server's replica does not know yet is forwarded by the client bridge", async () => {
    await addBridge(emu());
    await jsResource(emu(), 'spy', { client: BRIDGE_SPY });
    await jsResource(emu(), 'shop', { client: `CallbackBridge.registerClient('ui:ask', (q) => q + '?');` });
    await jsResource(emu(), 'boss', {
      server: `globalThis.got = null;
        onNet('boss:go', () => CallbackBridge.triggerClient(source, 'ui:ask', 'sure').then((v) => { got = v; }, (e) => { got = e.code; }));`,
      // Sent at load: it reaches the server before the coalesced announcement of 'ui:ask'.
      client: `emitNet('boss:go');`,
    });
    startAll(emu(), 'callback_bridge', 'spy', 'shop', 'boss');
    const player = emu().connect();
    await emu().advance(500);
    expect(jsGlobals(emu().server, 'boss').got).toBe('sure?');
    expect(jsGlobals(player.machine, 'spy').toBridge).toBeGreaterThanOrEqual(1);
  });

  it('the owner restarting during a forwarded call ends it with RESOURCE_STOPPED at once', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'shop', { server: `CallbackBridge.register('slow', () => new Promise((r) => setTimeout(() => r('late'), 2000)));` });
    await jsResource(emu(), 'caller', {
      client: `globalThis.got = null; CallbackBridge.triggerServer('slow').then((v) => { got = v; }, (e) => { got = [e.code, GetGameTimer()]; });`,
    });
    const { player, at } = await ownerRestartScene(emu());
    const got = jsGlobals(player.machine, 'caller').got;
    expect(got[0]).toBe('RESOURCE_STOPPED');
    expect(got[1] - at).toBeLessThanOrEqual(50);
  });
});

describe('cbb:fwd:<resource> is believed only from the bridge', () => {
  it('a request another resource raises locally, on the server or on a client, never reaches the handler', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'shop', {
      server: `globalThis.ran = 0; CallbackBridge.register('shop:give', () => ++ran);`,
      client: `globalThis.ran = 0; CallbackBridge.registerClient('ui:give', () => ++ran);`,
    });
    await jsResource(emu(), 'evil', {
      server: `globalThis.spoof = (player) => emit('cbb:fwd:shop', player, 'evil', 7, 'shop:give', 1, 'gold');`,
      client: `globalThis.spoof = () => emit('cbb:fwd:shop', 0, 'evil', 7, 'ui:give', 1, 'gold');`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'evil');
    const player = emu().connect();
    await emu().advance(300);
    jsGlobals(emu().server, 'evil').spoof(player.netId);
    jsGlobals(player.machine, 'evil').spoof();
    await emu().advance(300);
    for (const machine of [emu().server, player.machine]) {
      const shop = jsGlobals(machine, 'shop');
      expect(shop.ran).toBe(0);
      expect(shop.CallbackBridge.engine.metrics.counters.spoofed).toBe(1);
    }
  });
});

describe('a bridge restart', () => {
  const shop = {
    server: `CallbackBridge.register('shop:price', (source, item) => item + ':12');
      CallbackBridge.register('shop:slow', () => new Promise((r) => setTimeout(() => r('slow done'), 500)));
      exports.callback_bridge.RegisterServerCallback('ex:never', () => undefined);
      globalThis.got = {};
      globalThis.ask = (player, key) => CallbackBridge.triggerClient(player, 'ui:ask', key).then((v) => { got[key] = v; }, (e) => { got[key] = e.code; });
      globalThis.directory = () => exports.callback_bridge.GetDirectory('server');`,
    client: `CallbackBridge.registerClient('ui:ask', (q) => q + '!');
      globalThis.got = {};
      globalThis.call = (key, name, ...args) => CallbackBridge.triggerServer(name, ...args).then((v) => { got[key] = v; }, (e) => { got[key] = e.code; });`,
  };

  it('engines claim their names again: a player who joins afterwards calls and is called; calls in flight end with a code', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'shop', shop);
    startAll(emu(), 'callback_bridge', 'shop');
    const early = emu().connect();
    await emu().advance(300);
    // In flight across the restart: a call straight to shop, and one waiting on the bridge's own engine.
    jsGlobals(early.machine, 'shop').call('direct', 'shop:slow');
    jsGlobals(early.machine, 'shop').call('viaBridge', 'ex:never');
    await emu().advance(100);
    expect(emu().restart('callback_bridge')).toBe(true);
    await emu().advance(1000);
    expect(jsGlobals(early.machine, 'shop').got).toEqual({ direct: 'slow done', viaBridge: 'RESOURCE_STOPPED' });
    expect(jsGlobals(emu().server, 'shop').directory()).toEqual(expect.arrayContaining([['shop:price', 'shop'], ['shop:slow', 'shop']]));
    const late = emu().connect();
    await emu().advance(300);
    jsGlobals(late.machine, 'shop').call('price', 'shop:price', 'bread');
    const server = jsGlobals(emu().server, 'shop');
    server.ask(late.netId, 'late');
    server.ask(early.netId, 'early');
    await emu().advance(500);
    expect(jsGlobals(late.machine, 'shop').got).toEqual({ price: 'bread:12' });
    expect(server.got).toEqual({ late: 'late!', early: 'early!' });
    expect(emu().output(/could not be claimed again/)).toEqual([]);
  });
});

describe("a server engine's replica of a player's client names", () => {
  it('starts from a full snapshot even when a change of that player arrived before its first call', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'shop', { client: `CallbackBridge.registerClient('ui:a', () => 'a');` });
    await jsResource(emu(), 'boss', { server: `globalThis.owner = (player, name) => CallbackBridge.engine.coordinator.ownerOnOtherSide(name, player);` });
    await jsResource(emu(), 'other', { client: `CallbackBridge.registerClient('ui:b', () => 'b');` });
    startAll(emu(), 'callback_bridge', 'shop');
    const player = emu().connect();
    await emu().advance(300);
    startAll(emu(), 'boss', 'other'); // boss hears of 'ui:b' before it ever called this player
    await emu().advance(300);
    const boss = jsGlobals(emu().server, 'boss');
    expect([boss.owner(player.netId, 'ui:a'), boss.owner(player.netId, 'ui:b')]).toEqual(['shop', 'other']);
  });
});
