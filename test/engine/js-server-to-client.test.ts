/**
 * Server → client calls (`triggerClient`) and the integrity rules around them (contract §6): a reply is accepted
 * only from the player the request went to, and events raised locally (`source == ''`) never pass for net events.
 */
import { describe, expect, it } from 'vitest';
import { resource, useEmulator } from '../support/cfx.ts';
import { delay, record, registerOnClients, registerOnServer, world } from './js-world.ts';

const emu = useEmulator();

/** A client resource that keeps the id of every request the server sends to `shop` on this client. */
const spy = () =>
  resource(emu(), 'spy', { client: ['client.js', `globalThis.ids = []; onNet('cbb:q:shop', (...args) => ids.push(args[3]));`] });

describe('triggerClient', () => {
  it("calls each player's own client handler and resolves with its reply", async () => {
    const w = await world(emu(), { shop: {}, admin: {} }, { players: 3 });
    await registerOnClients(emu(), w, 'shop', 'whoami', (p) => (greeting: string) => `${greeting} ${p.netId}`);
    const rs = w.players.map((p) => record(emu(), w.server('admin').triggerClient(p.netId, 'whoami', 'hi')));
    await emu().advance(300);
    expect(rs.map((r) => r.value)).toEqual(['hi 1', 'hi 2', 'hi 3']);
  });

  it('a reply forged by another client is ignored and counted, and the real one is accepted', async () => {
    const w = await world(emu(), { shop: {}, admin: {} }, { players: 2 });
    await spy();
    await registerOnClients(emu(), w, 'shop', 'slow', () => () => delay(emu(), 300, 'real'));
    const [target, cheater] = w.players;
    const r = record(emu(), w.server('admin').triggerClient(target.netId, 'slow'));
    await emu().advance(100);
    const [id] = w.globals(target.machine, 'spy').ids; // the worst case: the id leaked to the cheater
    expect(typeof id).toBe('number');
    w.globals(cheater.machine, 'spy').emitNet('cbb:r:admin', 1, 'shop', 2, id, 1, 'forged', 0);
    await emu().advance(100);
    expect(r.settled).toBe(false);
    expect(w.server('admin').engine.metrics.counters.forgedReplies).toBe(1);
    await emu().advance(400);
    expect(r.value).toBe('real');
  });

  it('a player who is not connected fails at once with PLAYER_DROPPED', async () => {
    const w = await world(emu(), { admin: {} });
    const r = record(emu(), w.server('admin').triggerClient(42, 'anything'));
    await emu().advance(100);
    expect(r.code).toBe('PLAYER_DROPPED');
    expect(w.server('admin').engine.pending.size).toBe(0);
  });
});

describe('locally spoofed events are ignored', () => {
  it("on a client: another resource's local reply batch does not settle the call; the server's reply does", async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await resource(emu(), 'spoofer', { client: ['client.js', '// raises events from the test'] });
    await registerOnServer(emu(), w, 'shop', 'slow', () => delay(emu(), 300, 'real'));
    const engine = w.client(w.players[0], 'caller').engine;
    const r = record(emu(), w.client(w.players[0], 'caller').triggerServer('slow'));
    await emu().advance(50);
    const [id] = [...engine.pending.byId.keys()]; // the worst case: the spoofer knows the id
    w.globals(w.players[0].machine, 'spoofer').emit('cbb:r:caller', 1, 'shop', 2, id, 1, 'spoofed', 0);
    await emu().advance(50);
    expect(r.settled).toBe(false);
    expect(engine.metrics.counters.spoofed).toBe(1);
    await emu().advance(500);
    expect(r.value).toBe('real');
  });

  it("on the server: another resource's local request batch never runs the handler", async () => {
    const w = await world(emu(), { shop: {} });
    await resource(emu(), 'spoofer', { server: ['server.js', '// raises events from the test'] });
    let ran = 0;
    await registerOnServer(emu(), w, 'shop', 'admin:give', () => ++ran);
    w.globals(emu().server, 'spoofer').emit('cbb:q:shop', 1, 'spoofer', 1, 7, 'admin:give', 1, 'money', 0);
    await emu().advance(200);
    expect(ran).toBe(0);
    expect(w.server('shop').engine.metrics.counters.spoofed).toBe(1);
  });
});
