import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { world } from './js-world.ts';

const emu = useEmulator();

/** Calls `callLocal` on a resource's engine and resolves with [ok, values or code]. */
function callLocal(bridge: any, player: number, name: string, ...args: unknown[]): Promise<[boolean, unknown]> {
  return new Promise((resolve) =>
    bridge.engine.callLocal(player, name, args, {}, (o: any) => resolve(o.ok ? [true, o.values] : [false, o.error.code])),
  );
}

describe('calls between resources on one machine (callLocal, cbb:local)', () => {
  it('reaches a handler in another resource, as the given player, with every value and nils in place', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    w.server('shop').registerWithCallback('stock', (source: number, cb: Function, item: string) => cb(item, null, source));
    await emu().advance(100);
    const p = callLocal(w.server('caller'), w.players[0].netId, 'stock', 'bread');
    await emu().advance(50);
    expect(await p).toEqual([true, ['bread', null, w.players[0].netId]]);
  });

  it('serves a handler of the calling engine itself without an event', async () => {
    const w = await world(emu(), { shop: {} });
    w.server('shop').register('self', (_source: number, x: number) => x * 2);
    const p = callLocal(w.server('shop'), 0, 'self', 21);
    await emu().advance(50);
    expect(await p).toEqual([true, [42]]);
  });

  it('answers NOT_FOUND for a name nobody serves, and HANDLER_ERROR for a throwing handler', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    w.server('shop').register('boom', () => {
      throw new Error('x');
    });
    await emu().advance(100);
    const missing = callLocal(w.server('caller'), 0, 'nope');
    const boom = callLocal(w.server('caller'), 0, 'boom');
    await emu().advance(50);
    expect([await missing, await boom]).toEqual([
      [false, 'NOT_FOUND'],
      [false, 'HANDLER_ERROR'],
    ]);
  });

  it('applies the handler-side checks as that player (rate limit)', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    w.server('shop').register('limited', () => 1, { rateLimit: { rate: 1, burst: 1 } });
    await emu().advance(100);
    const first = callLocal(w.server('caller'), w.players[0].netId, 'limited');
    const second = callLocal(w.server('caller'), w.players[0].netId, 'limited');
    await emu().advance(50);
    expect([await first, await second]).toEqual([
      [true, [1]],
      [false, 'RATE_LIMITED'],
    ]);
  });

  it('ends at once with RESOURCE_STOPPED when the serving resource stops (the caller cannot tell who serves it)', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    w.server('shop').register('never', () => new Promise(() => {}));
    await emu().advance(100);
    let ended: unknown;
    void callLocal(w.server('caller'), 0, 'never').then((r) => (ended = r));
    await emu().advance(50);
    expect(emu().restart('shop')).toBe(true);
    await emu().advance(50);
    expect(ended).toEqual([false, 'RESOURCE_STOPPED']);
  });

  it('refuses more than 255 arguments at once with INVALID_ARGUMENTS (a listener would drop the call as malformed)', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    w.server('shop').register('count', (_source: number, ...args: unknown[]) => args.length);
    await emu().advance(100);
    const many = callLocal(w.server('caller'), 0, 'count', ...new Array(256).fill(1));
    const most = callLocal(w.server('caller'), 0, 'count', ...new Array(255).fill(1));
    await emu().advance(50);
    expect([await many, await most]).toEqual([
      [false, 'INVALID_ARGUMENTS'],
      [true, [255]],
    ]);
  });
});
