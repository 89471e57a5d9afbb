/**
 * Small statistics for the bench: latency histograms in virtual ms (exact: virtual time is integer ms), their
 * quantiles, and medians.
 */
import type { CallerStats } from './callers.ts';
import type { CaseResult } from './types.ts';

/** Server frames are 50 ms (reference §1.1): latencies are also given in ticks of it. */
export const TICK_MS = 50;

/** Latency ms → calls. */
export type Histogram = Map<number, number>;

/** Adds `b` into `into` (`sign` -1 subtracts: the part of a run after a snapshot). */
export function addInto(into: Histogram, b: Histogram, sign = 1): Histogram {
  for (const [ms, n] of b) {
    const v = (into.get(ms) ?? 0) + sign * n;
    if (v === 0) into.delete(ms);
    else into.set(ms, v);
  }
  return into;
}

/** The `q` quantile (0..1) of a histogram, ms; 0 when empty. */
export function quantile(h: Histogram, q: number): number {
  let total = 0;
  for (const n of h.values()) total += n;
  if (total === 0) return 0;
  const want = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const ms of [...h.keys()].sort((a, b) => a - b)) {
    seen += h.get(ms)!;
    if (seen >= want) return ms;
  }
  return 0;
}

/** Totals of many callers. */
export interface Totals {
  sent: number;
  done: number;
  failed: number;
  lat: Histogram;
}

export function total(stats: CallerStats[]): Totals {
  const t: Totals = { sent: 0, done: 0, failed: 0, lat: new Map() };
  for (const s of stats) {
    t.sent += s.sent;
    t.done += s.done;
    t.failed += s.failed;
    addInto(t.lat, s.lat);
  }
  return t;
}

/** `after - before`, field by field. */
export function since(after: Totals, before: Totals): Totals {
  return { sent: after.sent - before.sent, done: after.done - before.done, failed: after.failed - before.failed, lat: addInto(new Map(after.lat), before.lat, -1) };
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Rounds to `digits` significant decimals for the report. */
export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The latency block of a result: p50 and p99 in ms and in ticks, and p99 above the network's round trip. */
export function latencyOf(h: Histogram, networkMs: number): CaseResult['latency'] {
  const p50 = quantile(h, 0.5);
  const p99 = quantile(h, 0.99);
  return { p50Ms: p50, p99Ms: p99, p50Ticks: p50 / TICK_MS, p99Ticks: p99 / TICK_MS, networkMs, p99AboveNetworkTicks: (p99 - networkMs) / TICK_MS };
}
