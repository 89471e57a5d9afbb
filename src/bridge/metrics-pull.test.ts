import { describe, expect, it } from 'vitest';
import { normaliseRows } from './metrics-pull.ts';

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
    expect(rows[0]).toEqual({
      name: 'shop:price', role: 'handler', resource: 'shop', calls: 5, inFlight: 1, errors: { TIMEOUT: 3, BUSY: 1 }, p50: 10, p95: 50, p99: 50, max: 60,
    });
  });

  it('drops what is not a row and repairs damaged numbers', () => {
    const rows = normaliseRows([null, 7, 'row', [], row({ role: 'spy' }), row({ name: 3 }), row({ calls: -1, inFlight: NaN, p50: 9, p95: 1, p99: undefined, max: 2 })]);
    expect(rows).toEqual([{ ...row(), calls: 0, inFlight: 0, p50: 9, p95: 9, p99: 9, max: 9 }]);
  });
});
