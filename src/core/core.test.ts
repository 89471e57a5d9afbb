import { describe, expect, it, vi } from 'vitest';
import { BoundedMemo } from './bounded-memo.ts';
import { CallbackError, CALLBACK_ERROR_CODES, isCallbackErrorCode, toCallbackError } from './errors.ts';
import { Histogram } from './histogram.ts';
import { PendingRequests, type Outcome } from './pending-requests.ts';
import { RateLimiter } from './token-bucket.ts';
import { validate, validateData } from './validation.ts';

describe('CallbackError', () => {
  it('carries a code from the closed list and stays an instance of itself', () => {
    const e = new CallbackError('TIMEOUT', 'shop:buy');
    expect(e).toBeInstanceOf(CallbackError);
    expect(e).toBeInstanceOf(Error);
    expect([e.code, e.callback, e.timedOut, e.name]).toEqual(['TIMEOUT', 'shop:buy', true, 'CallbackError']);
    expect(e.message).toBe("callback 'shop:buy' timed out");
  });

  it('turns anything thrown into HANDLER_ERROR and keeps engine errors', () => {
    const boom = new Error('boom');
    const wrapped = toCallbackError(boom, 'x');
    expect([wrapped.code, wrapped.cause]).toEqual(['HANDLER_ERROR', boom]);
    const own = new CallbackError('FORBIDDEN', 'x');
    expect(toCallbackError(own, 'x')).toBe(own);
  });

  it('recognises exactly the ten contract codes', () => {
    expect(CALLBACK_ERROR_CODES).toHaveLength(10);
    expect(isCallbackErrorCode('BUSY')).toBe(true);
    expect(isCallbackErrorCode('busy')).toBe(false);
    expect(isCallbackErrorCode(3)).toBe(false);
  });
});

describe('PendingRequests', () => {
  const make = (id: number, deadline: number, player = 0, done = vi.fn()) => ({
    id, name: `cb${id}`, player, resource: 'res', startedAt: 0, deadline, done,
  });

  it('settles once: a second settle (late or duplicate reply) is refused', () => {
    const table = new PendingRequests();
    const done = vi.fn();
    table.add(make(1, 1000, 0, done));
    const ok: Outcome = { ok: true, values: [1] };
    expect(table.settle(1, ok)).toBe(true);
    expect(table.settle(1, ok)).toBe(false);
    expect(done).toHaveBeenCalledTimes(1);
    expect(table.size).toBe(0);
  });

  it('times out exactly the requests whose deadline has passed', () => {
    const table = new PendingRequests();
    const early = vi.fn();
    const late = vi.fn();
    table.add(make(1, 100, 0, early));
    table.add(make(2, 5000, 0, late));
    expect(table.expire(99)).toBe(0);
    expect(table.expire(100)).toBe(1);
    expect(early.mock.calls[0][0].error.code).toBe('TIMEOUT');
    expect(late).not.toHaveBeenCalled();
    expect(table.nextDeadline()).toBe(5000);
  });

  it('ends every request of a dropped player at once, and only theirs', () => {
    const table = new PendingRequests();
    const a = vi.fn();
    const b = vi.fn();
    table.add(make(1, Infinity, 7, a));
    table.add(make(2, Infinity, 7, a));
    table.add(make(3, Infinity, 8, b));
    expect(table.failPlayer(7)).toBe(2);
    expect(a.mock.calls.map((c) => c[0].error.code)).toEqual(['PLAYER_DROPPED', 'PLAYER_DROPPED']);
    expect(b).not.toHaveBeenCalled();
    expect(table.countFor(7)).toBe(0);
    expect(table.countFor(8)).toBe(1);
  });

  it('leaves nothing behind once settled (no index outlives a request)', () => {
    const table = new PendingRequests();
    for (let i = 1; i <= 1000; i++) table.add(make(i, 100 + i, i % 10));
    for (let i = 1; i <= 1000; i++) table.settle(i, { ok: true, values: [] });
    expect(table.size).toBe(0);
    expect(table.nextDeadline()).toBe(Infinity);
  });
});

describe('RateLimiter', () => {
  it('allows the burst, refuses the next, refills at rate per second', () => {
    const rl = new RateLimiter<string>({ rate: 2, burst: 3 });
    expect([1, 2, 3, 4].map(() => rl.take('p1', 0))).toEqual([true, true, true, false]);
    expect(rl.take('p2', 0)).toBe(true);
    expect(rl.take('p1', 400)).toBe(false);
    expect(rl.take('p1', 500)).toBe(true);
  });

  it('sweeps full buckets away', () => {
    const rl = new RateLimiter<string>({ rate: 10, burst: 5 });
    rl.take('a', 0);
    rl.sweep(10_000);
    expect(rl.size).toBe(0);
  });
});

describe('Histogram', () => {
  it('gives quantiles within one bucket (25%) of the truth', () => {
    const h = new Histogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    expect(h.quantile(0.5)).toBeGreaterThanOrEqual(500);
    expect(h.quantile(0.5)).toBeLessThanOrEqual(625);
    expect(h.quantile(0.99)).toBeGreaterThanOrEqual(990);
    expect(h.quantile(0.99)).toBeLessThanOrEqual(1000);
    expect(h.count).toBe(1000);
  });
});

describe('validation', () => {
  it('reports every missing and mistyped field', () => {
    const r = validateData({ action: 3 }, { required: ['action', 'parameters'], types: { action: 'string', parameters: 'table' } });
    expect(r).toEqual({ valid: false, errors: ["missing required field 'parameters'", "field 'action' must be string (got number)"] });
  });

  it('refuses data that is not a table', () => {
    expect(validateData('x', { required: [] })).toEqual({ valid: false, errors: ['data must be a table (got string)'] });
  });

  it('accepts Standard Schema objects', async () => {
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (v: unknown) => (typeof v === 'number' ? { value: v } : { issues: [{ message: 'expected a number' }] }),
      },
    };
    expect(await validate(3, schema)).toEqual({ valid: true, errors: [] });
    expect(await validate('3', schema)).toEqual({ valid: false, errors: ['expected a number'] });
  });
});

describe('BoundedMemo', () => {
  it('makes a value once per key, and starts again empty when full, so made-up keys cannot grow it', () => {
    const make = vi.fn((k: string) => `cbb:r:${k}`);
    const memo = new BoundedMemo(make, 3);
    expect([memo.get('a'), memo.get('a'), memo.get('b')]).toEqual(['cbb:r:a', 'cbb:r:a', 'cbb:r:b']);
    expect(make).toHaveBeenCalledTimes(2);
    for (const k of ['c', 'd', 'e', 'f', 'g']) memo.get(k);
    expect((memo as unknown as { values: Map<string, string> }).values.size).toBeLessThanOrEqual(3);
    expect(memo.get('g')).toBe('cbb:r:g');
  });
});
