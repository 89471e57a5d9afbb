/**
 * One request's life on the caller's side (contract §3, §6): deadlines per call and per callback, late and duplicate
 * replies, cancelling with an AbortSignal, and opt-in retries with backoff.
 */
import { describe, expect, it } from 'vitest';
import { jsServer, useEmulator } from '../support/cfx.ts';
import { delay, record, registerOnServer, world } from './js-world.ts';

const emu = useEmulator();

/** The caller resource's engine on the first player. */
const callerEngine = (w: Awaited<ReturnType<typeof world>>) => w.client(w.players[0], 'caller').engine;

describe('deadlines', () => {
  it('a handler that never answers gives TIMEOUT at the per-call deadline', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined));
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ timeout: 500 }).triggerServer('never'));
    await emu().advance(1000);
    expect(r.code).toBe('TIMEOUT');
    expect(r.took).toBeGreaterThanOrEqual(500);
    expect(r.took).toBeLessThan(550);
    expect(callerEngine(w).pending.size).toBe(0);
  });

  it("a callback's own timeout ends calls that give none, long before the default", async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined), { timeout: 300 });
    const r = record(emu(), w.client(w.players[0], 'caller').triggerServer('never'));
    await emu().advance(1000);
    expect(r.code).toBe('TIMEOUT');
    expect(r.took).toBeGreaterThanOrEqual(300);
    expect(r.took).toBeLessThan(450);
  });

  it("a per-call timeout shorter than the callback's wins", async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined), { timeout: 5000 });
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ timeout: 200 }).triggerServer('never'));
    await emu().advance(1000);
    expect(r.code).toBe('TIMEOUT');
    expect(r.took).toBeLessThan(250);
  });

  it("a handler that never answers frees its in-flight slot at the callback's deadline", async () => {
    const w = await world(emu(), { shop: {}, caller: {} }, { convars: { 'callback_bridge:maxInFlight': '1' } });
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined), { timeout: 300 });
    const caller = w.client(w.players[0], 'caller');
    const first = record(emu(), caller.triggerServer('never'));
    await emu().advance(1000);
    const handler = w.server('shop').engine.metrics.snapshot().find((m: any) => m.role === 'handler' && m.name === 'never');
    expect(handler.inFlight).toBe(0);
    const second = record(emu(), caller.triggerServer('never'));
    await emu().advance(1000);
    expect([first.code, second.code]).toEqual(['TIMEOUT', 'TIMEOUT']); // not BUSY: the slot was given back
  });
});

describe('late and duplicate replies', () => {
  it('a reply after the deadline is ignored and counted as late', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'slow', () => delay(emu(), 500, 'late'));
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ timeout: 200 }).triggerServer('slow'));
    await emu().advance(1000);
    expect(r.code).toBe('TIMEOUT');
    expect(callerEngine(w).metrics.counters.lateReplies).toBe(1);
  });

  it('a duplicate of a reply already taken is ignored and counted', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    // A server resource copies each request id it sees and answers it again 300 ms later.
    await jsServer(emu(), 'echoer', `onNet('cbb:q:shop', (...args) => { const player = source, id = args[3];
      setTimeout(() => emitNet('cbb:r:caller', player, 1, 'shop', 2, id, 1, 'duplicate', 0), 300); });`);
    await registerOnServer(emu(), w, 'shop', 'price', () => 'real');
    const r = record(emu(), w.client(w.players[0], 'caller').triggerServer('price'));
    await emu().advance(1000);
    expect(r.value).toBe('real');
    expect(callerEngine(w).metrics.counters.lateReplies).toBe(1);
  });

  it('a reply meant for a previous run of the calling resource is not taken by a new call', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'slow', (_src: number, ms: number, tag: string) => delay(emu(), ms, tag));
    const machine = w.players[0].machine;
    record(emu(), w.client(w.players[0], 'caller').triggerServer('slow', 300, 'old run'));
    await emu().advance(50);
    machine.stop('caller'); // only on this client: the server still answers the old request
    machine.start('caller');
    await emu().advance(50);
    const r = record(emu(), w.client(w.players[0], 'caller').triggerServer('slow', 600, 'new run'));
    await emu().advance(1000);
    expect(r.value).toBe('new run');
  });
});

describe('AbortSignal', () => {
  it('aborting ends the call at once with the reason; the reply that follows is ignored', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'slow', () => delay(emu(), 300, 'done'));
    const ctl = new AbortController();
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ signal: ctl.signal }).triggerServer('slow'));
    await emu().advance(100);
    ctl.abort(new Error('user left the menu'));
    await emu().advance(0);
    expect(r).toMatchObject({ settled: true, message: 'user left the menu', took: 100 });
    await emu().advance(600);
    expect(callerEngine(w).metrics.counters.lateReplies).toBe(1);
    expect(callerEngine(w).pending.size).toBe(0);
  });

  it('an already aborted signal fails the call without sending it', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    let ran = 0;
    await registerOnServer(emu(), w, 'shop', 'count', () => ++ran);
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ signal: AbortSignal.abort(new Error('no')) }).triggerServer('count'));
    await emu().advance(500);
    expect(r.message).toBe('no');
    expect(ran).toBe(0);
  });
});

describe('retries', () => {
  /** A callback that ignores its first `silent` calls, then answers with the attempt number. */
  const flaky = (silent: number) => {
    let n = 0;
    return () => (++n <= silent ? new Promise(() => undefined) : n);
  };

  it('are off by default: a TIMEOUT is not retried', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    let ran = 0;
    await registerOnServer(emu(), w, 'shop', 'never', () => (ran++, new Promise(() => undefined)));
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ timeout: 200 }).triggerServer('never'));
    await emu().advance(2000);
    expect([r.code, ran]).toEqual(['TIMEOUT', 1]);
  });

  it('when asked, retry a TIMEOUT after the backoff and succeed', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'flaky', flaky(2));
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ timeout: 200, retries: 3, backoff: 100 }).triggerServer('flaky'));
    await emu().advance(3000);
    expect(r.value).toBe(3);
    // 200 (timeout) + 100 (backoff) + 200 (timeout) + 200 (backoff doubled) + one round trip
    expect(r.took).toBeGreaterThanOrEqual(700);
    expect(r.took).toBeLessThan(850);
  });

  it('give up after the last attempt with the last error', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'flaky', flaky(10));
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ timeout: 100, retries: 2, backoff: 50 }).triggerServer('flaky'));
    await emu().advance(3000);
    expect(r.code).toBe('TIMEOUT');
  });

  it('retry BUSY', async () => {
    const w = await world(emu(), { shop: {}, caller: {} }, { convars: { 'callback_bridge:maxInFlight': '1' } });
    await registerOnServer(emu(), w, 'shop', 'slow', () => delay(emu(), 150, 'ok'));
    const caller = w.client(w.players[0], 'caller').withOptions({ retries: 3, backoff: 100 });
    const a = record(emu(), caller.triggerServer('slow'));
    const b = record(emu(), caller.triggerServer('slow'));
    await emu().advance(2000);
    expect([a.value, b.value]).toEqual(['ok', 'ok']);
    expect(w.server('shop').engine.metrics.snapshot().find((m: any) => m.role === 'handler').errors.BUSY).toBeGreaterThanOrEqual(1);
  });

  it('never retry other errors (HANDLER_ERROR runs the handler once)', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    let ran = 0;
    await registerOnServer(emu(), w, 'shop', 'boom', () => {
      ran++;
      throw new Error('boom');
    });
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ retries: 3, backoff: 50 }).triggerServer('boom'));
    await emu().advance(2000);
    expect([r.code, ran]).toEqual(['HANDLER_ERROR', 1]);
  });

  it('an abort while waiting for the backoff ends the call at once', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined));
    const ctl = new AbortController();
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ timeout: 100, retries: 3, backoff: 1000, signal: ctl.signal }).triggerServer('never'));
    await emu().advance(300); // first attempt timed out; the retry waits until ~1100
    expect(r.settled).toBe(false);
    ctl.abort(new Error('stop'));
    await emu().advance(20);
    expect(r).toMatchObject({ settled: true, message: 'stop' });
  });
});

describe('a caller that stops', () => {
  it('ends a call waiting out its retry backoff with RESOURCE_STOPPED at once', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined));
    const engine = w.client(w.players[0], 'caller').engine;
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ timeout: 100, retries: 3, backoff: 10_000 }).triggerServer('never'));
    await emu().advance(400);
    expect(r.settled).toBe(false);
    emu().stop('caller');
    await emu().advance(20);
    expect(r).toMatchObject({ settled: true, code: 'RESOURCE_STOPPED' });
    expect(r.took).toBeLessThan(1000);
    expect(engine.pending.size).toBe(0);
  });
});
