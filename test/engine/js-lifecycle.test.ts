/**
 * Requests that cannot be answered any more end at once (contract §6): a player who drops, a resource that stops or
 * restarts. Nothing waits for a timeout that cannot come, and nothing stays behind in the tables.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { delay, record, registerOnClients, registerOnServer, world } from './js-world.ts';

const emu = useEmulator();

describe('a player who drops', () => {
  it('ends a server→client request to them with PLAYER_DROPPED within one server tick', async () => {
    const w = await world(emu(), { shop: {} });
    await registerOnClients(emu(), w, 'shop', 'never', () => () => new Promise(() => undefined));
    const r = record(emu(), w.server('shop').triggerClient(w.players[0].netId, 'never'));
    await emu().advance(200);
    const droppedAt = emu().clock.now();
    emu().drop(w.players[0].netId, 'left');
    await emu().advance(50);
    expect(r.code).toBe('PLAYER_DROPPED');
    expect(r.at! - droppedAt).toBeLessThanOrEqual(50);
    expect(w.server('shop').engine.pending.size).toBe(0);
  });

  it("frees the slots of their requests running in a server handler, and forgets their limits", async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined));
    const caller = w.client(w.players[0], 'caller');
    for (let i = 0; i < 5; i++) caller.triggerServer('never').catch(() => undefined);
    await emu().advance(200);
    const handler = () => w.server('shop').engine.metrics.snapshot().find((m: any) => m.role === 'handler' && m.name === 'never');
    expect(handler().inFlight).toBe(5);
    emu().drop(w.players[0].netId, 'left');
    await emu().advance(0);
    expect(handler().inFlight).toBe(0);
    expect(handler().errors.PLAYER_DROPPED).toBe(5);
  });

  it('who drops while their request is being validated never reaches the handler', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    let ran = 0;
    const slowSchema = { '~standard': { version: 1, vendor: 'test', validate: (v: unknown) => delay(emu(), 100, { value: v }) } };
    await registerOnServer(emu(), w, 'shop', 'give', () => ++ran, { validate: slowSchema });
    w.client(w.players[0], 'caller').triggerServer('give', 'item').catch(() => undefined);
    await emu().advance(80); // arrived, validating
    emu().drop(w.players[0].netId, 'left');
    await emu().advance(300);
    expect(ran).toBe(0);
  });

  it("does not disturb another player's calls", async () => {
    const w = await world(emu(), { shop: {}, caller: {} }, { players: 2 });
    await registerOnServer(emu(), w, 'shop', 'slow', () => delay(emu(), 200, 'ok'));
    const [a, b] = w.players;
    record(emu(), w.client(a, 'caller').triggerServer('slow'));
    const rb = record(emu(), w.client(b, 'caller').triggerServer('slow'));
    await emu().advance(50);
    emu().drop(a.netId, 'left');
    await emu().advance(500);
    expect(rb.value).toBe('ok');
  });
});

describe("the handler's resource stopping", () => {
  const shop = {
    server: `CallbackBridge.register('slow', (source, ms) => new Promise((res) => setTimeout(() => res('served'), ms)));`,
  };

  it('restarting it mid-request gives RESOURCE_STOPPED; after the restart the callback works again', async () => {
    const w = await world(emu(), { shop, caller: {} });
    const caller = () => w.client(w.players[0], 'caller');
    const r = record(emu(), caller().triggerServer('slow', 1000));
    await emu().advance(200);
    const restartAt = emu().clock.now();
    emu().restart('shop');
    await emu().advance(50);
    expect(r.code).toBe('RESOURCE_STOPPED');
    expect(r.at! - restartAt).toBeLessThanOrEqual(50);
    await emu().advance(200);
    const again = record(emu(), caller().triggerServer('slow', 10));
    await emu().advance(500);
    expect(again.value).toBe('served');
  });

  it('stopping the caller ends its own pending calls and the handler side drops nothing on the floor', async () => {
    const w = await world(emu(), { shop, caller: {} });
    const engine = w.client(w.players[0], 'caller').engine;
    const r = record(emu(), w.client(w.players[0], 'caller').triggerServer('slow', 300));
    await emu().advance(100);
    emu().stop('caller');
    await emu().advance(0);
    expect(r.code).toBe('RESOURCE_STOPPED');
    expect(engine.pending.size).toBe(0);
    await emu().advance(500);
    expect(emu().scriptErrors).toEqual([]);
  });

  it('a server→client request ends with RESOURCE_STOPPED when the client resource that serves it stops', async () => {
    const w = await world(emu(), { shop: {}, admin: {} });
    await registerOnClients(emu(), w, 'shop', 'never', () => () => new Promise(() => undefined));
    const r = record(emu(), w.server('admin').triggerClient(w.players[0].netId, 'never'));
    await emu().advance(200);
    emu().stop('shop');
    await emu().advance(50);
    expect(r.code).toBe('RESOURCE_STOPPED');
  });
});
