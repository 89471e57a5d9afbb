/**
 * `engine.metrics` (contract §8): per callback and per side, calls, errors by code, in flight, latency quantiles, and
 * tables that no client can grow.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { delay, record, registerOnServer, world } from './js-world.ts';

const emu = useEmulator();

const entry = (engine: any, role: string, name: string) => engine.metrics.snapshot().find((m: any) => m.role === role && m.name === name);

describe('metrics', () => {
  it('count calls and give sensible p50/p95/p99 on both sides', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    let n = 0;
    // 90 answers at once, 10 after 500 ms.
    await registerOnServer(emu(), w, 'shop', 'mixed', () => (++n > 90 ? delay(emu(), 500, 'slow') : 'fast'), { rateLimit: false });
    const caller = w.client(w.players[0], 'caller');
    const rs = Array.from({ length: 100 }, () => record(emu(), caller.triggerServer('mixed')));
    await emu().advance(2000);
    expect(rs.every((r) => r.settled && !r.code)).toBe(true);
    const c = entry(caller.engine, 'caller', 'mixed');
    const h = entry(w.server('shop').engine, 'handler', 'mixed');
    expect([c.calls, c.inFlight, c.errors, h.calls, h.inFlight, h.errors]).toEqual([100, 0, {}, 100, 0, {}]);
    const rtt = Math.min(...rs.map((r) => r.took!));
    expect(c.p50).toBeGreaterThanOrEqual(rtt);
    expect(c.p50).toBeLessThan(rtt * 1.3); // the histogram's buckets are 25% wide
    expect(c.p95).toBeGreaterThanOrEqual(500);
    expect(c.p99).toBeGreaterThanOrEqual(c.p95);
    expect(c.max).toBeGreaterThanOrEqual(c.p99);
    expect(h.p50).toBeLessThanOrEqual(1); // the handler's own time: immediate
    expect(h.p95).toBeGreaterThanOrEqual(500);
    expect(h.p95).toBeLessThan(650);
  });

  it('show calls in flight while they run', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'slow', () => delay(emu(), 500, 'ok'));
    const caller = w.client(w.players[0], 'caller');
    for (let i = 0; i < 5; i++) caller.triggerServer('slow');
    await emu().advance(200);
    expect(entry(caller.engine, 'caller', 'slow').inFlight).toBe(5);
    expect(entry(w.server('shop').engine, 'handler', 'slow').inFlight).toBe(5);
    await emu().advance(1000);
    expect(entry(caller.engine, 'caller', 'slow').inFlight).toBe(0);
  });

  it('count errors by code, refusals included, on the side that saw them', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'limited', () => 'ok', { rateLimit: { rate: 1, burst: 2 } });
    await registerOnServer(emu(), w, 'shop', 'boom', () => {
      throw new Error('x');
    });
    const caller = w.client(w.players[0], 'caller');
    for (let i = 0; i < 5; i++) caller.triggerServer('limited').catch(() => undefined);
    for (let i = 0; i < 3; i++) caller.triggerServer('boom').catch(() => undefined);
    caller.triggerServer('nobody').catch(() => undefined);
    await emu().advance(500);
    const shop = w.server('shop').engine;
    expect(entry(shop, 'handler', 'limited')).toMatchObject({ calls: 5, inFlight: 0, errors: { RATE_LIMITED: 3 } });
    expect(entry(shop, 'handler', 'boom')).toMatchObject({ calls: 3, errors: { HANDLER_ERROR: 3 } });
    expect(entry(caller.engine, 'caller', 'limited')).toMatchObject({ calls: 5, errors: { RATE_LIMITED: 3 } });
    expect(entry(caller.engine, 'caller', 'nobody')).toMatchObject({ calls: 1, errors: { NOT_FOUND: 1 } });
  });

  it("a client sending 1,000 unknown names does not grow the handler side's table", async () => {
    const w = await world(emu(), { shop: {} });
    await registerOnServer(emu(), w, 'shop', 'real', () => 'ok');
    const spoof = w.globals(w.players[0].machine, 'shop');
    const frames: unknown[] = [];
    for (let i = 0; i < 1000; i++) frames.push(1, i + 1, `junk:${i}`, 0);
    spoof.emitNet('cbb:q:shop', 1, 'shop', ...frames.slice(0, 2000), 0);
    spoof.emitNet('cbb:q:shop', 1, 'shop', ...frames.slice(2000), 0);
    await emu().advance(500);
    const shop = w.server('shop').engine;
    expect(shop.metrics.snapshot().length).toBeLessThanOrEqual(1);
    expect(shop.metrics.counters.notFound).toBe(1000);
  });
});
