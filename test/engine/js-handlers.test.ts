/**
 * The two handler shapes (contract §3) on both sides: cb style, where the first cb call is the reply, and return
 * style, sync or async. Every handler runs protected.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { delay, record, world } from './js-world.ts';

const emu = useEmulator();

async function setup() {
  const w = await world(emu(), { shop: {}, caller: {} });
  return { w, caller: w.client(w.players[0], 'caller'), shop: w.server('shop') };
}

describe('cb-style handlers', () => {
  it('get (source, cb, ...args) on the server; the first cb call is the reply and a second is ignored', async () => {
    const { w, caller, shop } = await setup();
    let seen: unknown[] = [];
    shop.registerWithCallback('pick', (source: number, cb: Function, a: number, b: number) => {
      seen = [source, a, b];
      cb('first');
      cb('second');
    });
    await emu().advance(100);
    const r = record(emu(), caller.triggerServer('pick', 1, 2));
    await emu().advance(400);
    expect(seen).toEqual([w.players[0].netId, 1, 2]);
    expect(r.value).toBe('first');
    expect(caller.engine.metrics.counters.lateReplies).toBe(0); // the second cb sent nothing
  });

  it('get (cb, ...args) on a client, and may answer later', async () => {
    const { w, shop } = await setup();
    w.client(w.players[0], 'caller').registerWithCallback('later', (cb: Function, x: number) => void delay(emu(), 100).then(() => cb(x + 1)));
    await emu().advance(150);
    const r = record(emu(), shop.triggerClient(w.players[0].netId, 'later', 41));
    await emu().advance(400);
    expect(r.value).toBe(42);
  });

  it('send every value of cb, nils kept in place', async () => {
    const { caller, shop } = await setup();
    shop.registerWithCallback('many', (_s: number, cb: Function) => cb(1, undefined, 'three'));
    await emu().advance(100);
    const r = record(emu(), caller.triggerServerValues('many'));
    await emu().advance(400);
    expect(r.value).toEqual([1, null, 'three']);
  });

  it('an error thrown after the cb call does not change the reply, and is still printed', async () => {
    const { caller, shop } = await setup();
    shop.registerWithCallback('oops', (_s: number, cb: Function) => {
      cb('answered');
      throw new Error('after the answer');
    });
    await emu().advance(100);
    const r = record(emu(), caller.triggerServer('oops'));
    await emu().advance(400);
    expect(r.value).toBe('answered');
    expect(emu().output(/callback 'oops' \(resource shop\) failed: .*after the answer/)).toHaveLength(1);
  });
});

describe('return-style handlers', () => {
  it('reply with what they return', async () => {
    const { caller, shop } = await setup();
    shop.register('sum', (_s: number, a: number, b: number) => a + b);
    await emu().advance(100);
    const r = record(emu(), caller.triggerServer('sum', 2, 3));
    await emu().advance(400);
    expect(r.value).toBe(5);
  });

  it('may be async: the resolved value is the reply', async () => {
    const { caller, shop } = await setup();
    shop.register('slowSum', async (_s: number, a: number, b: number) => {
      await delay(emu(), 200);
      return a + b;
    });
    await emu().advance(100);
    const r = record(emu(), caller.triggerServer('slowSum', 2, 3));
    await emu().advance(600);
    expect(r.value).toBe(5);
    expect(r.took).toBeGreaterThanOrEqual(200);
  });

  it('a rejected promise gives HANDLER_ERROR to the caller and prints the reason on the server', async () => {
    const { caller, shop } = await setup();
    shop.register('reject', async () => {
      await delay(emu(), 50);
      throw new Error('database down');
    });
    await emu().advance(100);
    const r = record(emu(), caller.triggerServer('reject'));
    await emu().advance(600);
    expect(r.code).toBe('HANDLER_ERROR');
    expect(r.message).not.toContain('database down');
    expect(emu().output(/callback 'reject' \(resource shop\) failed: .*database down/)).toHaveLength(1);
  });

  it('returning nothing resolves with no value', async () => {
    const { caller, shop } = await setup();
    shop.register('void', () => undefined);
    await emu().advance(100);
    const r = record(emu(), caller.triggerServerValues('void'));
    await emu().advance(400);
    expect(r.value).toEqual([]);
  });

  it('a handler defined in the resource script (its own realm) works the same way', async () => {
    const w = await world(emu(), {
      shop: { server: `CallbackBridge.register('realm', async (source, x) => ({ x, isArray: Array.isArray([x]) }));` },
      caller: {},
    });
    const r = record(emu(), w.client(w.players[0], 'caller').triggerServer('realm', 7));
    await emu().advance(400);
    expect(r.value).toEqual({ x: 7, isArray: true });
  });
});

describe('cb-style handlers that fail asynchronously', () => {
  it('an async cb-style handler that rejects before answering gives HANDLER_ERROR, not a timeout', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    w.server('shop').registerWithCallback('later', async (_source: number, _cb: Function) => {
      await Promise.resolve();
      throw new Error('after an await');
    });
    await emu().advance(100);
    const r = record(emu(), w.client(w.players[0], 'caller').triggerServer('later'));
    await emu().advance(500);
    expect(r).toMatchObject({ settled: true, code: 'HANDLER_ERROR' });
    expect(emu().output(/callback 'later' \(resource shop\) failed: Error: after an await/)).toHaveLength(1);
  });
});
