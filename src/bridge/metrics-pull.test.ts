import { describe, expect, it } from 'vitest';
import { HISTOGRAM_BOUNDS } from '../core/histogram.ts';
import { normaliseRows, publicRow, pullDetail } from './metrics-pull.ts';

const row = (over: Record<string, unknown> = {}) => ({
  name: 'shop:price', role: 'handler', resource: 'shop', calls: 1, errors: {}, inFlight: 0, p50: 1, p95: 2, p99: 3, max: 4, ...over,
});

describe('normaliseRows', () => {
  it("turns a Lua engine's empty errors (`[]` after msgpack) into {} and keeps only known codes with counts", () => {
    const [a, b] = normaliseRows([row({ errors: [] }), row({ name: 'x', errors: { TIMEOUT: 2, NOPE: 1, BUSY: 'many', RATE_LIMITED: 0 } })]);
    expect(a.errors).toEqual({});
    expect(b.errors).toEqual({ TIMEOUT: 2 });
  });

  it('merges the rows of one (resource, role, name): counts add up, quantiles take the larger', () => {
    const rows = normaliseRows([
      row({ calls: 3, inFlight: 1, errors: { TIMEOUT: 1 }, p50: 10, p95: 20, p99: 30, max: 40 }),
      row({ calls: 2, errors: { TIMEOUT: 2, BUSY: 1 }, p50: 5, p95: 50, p99: 50, max: 60 }),
      row({ role: 'caller' }),
      row({ resource: 'other' }),
    ]);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      name: 'shop:price', role: 'handler', resource: 'shop', calls: 5, inFlight: 1, errors: { TIMEOUT: 3, BUSY: 1 }, p50: 10, p95: 50, p99: 50, max: 60,
    });
  });

  it('drops what is not a row and repairs damaged numbers', () => {
    const rows = normaliseRows([null, 7, 'row', [], row({ role: 'spy' }), row({ name: 3 }), row({ calls: -1, inFlight: NaN, p50: 9, p95: 1, p99: undefined, max: 2 })]);
    expect(rows.map(publicRow)).toEqual([{ ...row(), calls: 0, inFlight: 0, p50: 9, p95: 9, p99: 9, max: 9 }]);
  });

  it('keeps the histograms: bucket lists of the fixed length add up, a damaged one reads as empty', () => {
    const size = HISTOGRAM_BOUNDS.length + 1;
    const a = Array.from({ length: size }, (_, i) => (i === 3 ? 2 : 0));
    const b = Array.from({ length: size }, (_, i) => (i === 3 || i === 9 ? 1 : 0));
    const [merged, damaged] = normaliseRows([row({ sum: 4, buckets: a }), row({ sum: 6, buckets: b }), row({ name: 'x', sum: 'no', buckets: [1, 2] })]);
    expect(merged.sum).toBe(10);
    expect(merged.buckets[3]).toBe(3);
    expect(merged.buckets[9]).toBe(1);
    expect(damaged.buckets).toEqual(new Array(size).fill(0));
    expect(damaged.sum).toBe(0);
  });
});

describe('pullDetail', () => {
  it('sums counters and merges limited players over every engine that answers, ignoring junk', () => {
    const emit = (_event: string, collect: unknown) => {
      const c = collect as (...a: unknown[]) => void;
      c([row()], { notFound: 2, spoofed: 1 }, [[4, 10], [5, 1]]);
      c([], { notFound: 3, malformed: 'x' }, [[4, 5], ['7', 2], [0, 9], 'junk']);
      c([row({ resource: 'other' })]);
    };
    const pull = pullDetail(emit);
    expect(pull.rows).toHaveLength(2);
    expect(pull.counters).toEqual({ malformed: 0, lateReplies: 0, forgedReplies: 0, spoofed: 1, notFound: 5 });
    expect(pull.limited).toEqual([[4, 15], [5, 1]]);
  });
});
