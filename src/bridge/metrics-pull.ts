/**
 * The bridge's metrics pull (contract §8, §10: pulled when asked, never pushed per call). Every engine on this machine
 * answers `cbb:metrics:pull` with its rows, its counters and its most rate-limited players; the Lua twin's answer
 * crosses msgpack, where an empty table arrives as `[]` and a number may be a float. Rows leave here in one shape,
 * one row per (resource, role, name).
 */
import { isCallbackErrorCode, type CallbackErrorCode } from '../core/errors.ts';
import { HISTOGRAM_BOUNDS } from '../core/histogram.ts';
import { METRICS_PULL_EVENT } from '../engine/engine.ts';
import type { CallbackMetrics, CallbackMetricsDetail, Role } from '../engine/metrics.ts';

/** Events that belong to no callback, summed over every engine of the machine (`MetricsTable.counters`). */
export interface EngineCounters {
  malformed: number;
  lateReplies: number;
  forgedReplies: number;
  spoofed: number;
  notFound: number;
}

/** One pull: every engine's rows (with their histograms), counters and most rate-limited players. */
export interface MetricsPull {
  rows: CallbackMetricsDetail[];
  counters: EngineCounters;
  /** `[player, RATE_LIMITED refusals]` over every engine, the most refused first. */
  limited: Array<[number, number]>;
}

type Emit = (event: string, ...args: unknown[]) => void;

const COUNTER_KEYS: Array<keyof EngineCounters> = ['malformed', 'lateReplies', 'forgedReplies', 'spoofed', 'notFound'];

/** Asks every engine on this machine for its rows, counters and limited players (`emit` is the local TriggerEvent). */
export function pullDetail(emit: Emit): MetricsPull {
  const raw: unknown[] = [];
  const counters: EngineCounters = { malformed: 0, lateReplies: 0, forgedReplies: 0, spoofed: 0, notFound: 0 };
  const limited = new Map<number, number>();
  emit(METRICS_PULL_EVENT, (snapshot: unknown, engineCounters: unknown, players: unknown) => {
    if (Array.isArray(snapshot)) raw.push(...snapshot);
    if (engineCounters && typeof engineCounters === 'object') {
      for (const k of COUNTER_KEYS) counters[k] += count((engineCounters as Record<string, unknown>)[k]);
    }
    if (Array.isArray(players)) {
      for (const pair of players) {
        if (!Array.isArray(pair) || count(pair[0]) < 1 || count(pair[1]) < 1) continue;
        limited.set(pair[0], (limited.get(pair[0]) ?? 0) + count(pair[1]));
      }
    }
  });
  return { rows: normaliseRows(raw), counters, limited: [...limited].sort((a, b) => b[1] - a[1]) };
}

/** Every engine's rows in the documented shape (the `GetCallbackMetrics` export). */
export function pullMetrics(emit: Emit): CallbackMetrics[] {
  return pullDetail(emit).rows.map(publicRow);
}

/** A row without its histogram: the shape `GetCallbackMetrics` documents. */
export function publicRow({ sum: _sum, buckets: _buckets, ...row }: CallbackMetricsDetail): CallbackMetrics {
  return row;
}

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** Error counts by code; anything else (`[]` from Lua, unknown keys, junk values) is left out. */
function errorCounts(raw: unknown): Partial<Record<CallbackErrorCode, number>> {
  const out: Partial<Record<CallbackErrorCode, number>> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [code, n] of Object.entries(raw)) if (isCallbackErrorCode(code) && count(n) > 0) out[code] = count(n);
  return out;
}

/** Bucket counts of the fixed layout; a missing or damaged list reads as empty. */
function bucketCounts(raw: unknown): number[] {
  const out = new Array<number>(HISTOGRAM_BOUNDS.length + 1).fill(0);
  if (Array.isArray(raw) && raw.length === out.length) for (let i = 0; i < out.length; i++) out[i] = count(raw[i]);
  return out;
}

/** One row in the documented shape, or null for something that is not a row at all. */
function normaliseRow(raw: unknown): CallbackMetricsDetail | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.name !== 'string' || typeof r.resource !== 'string' || (r.role !== 'caller' && r.role !== 'handler')) return null;
  // Quantiles kept in order even if a row came damaged: p50 <= p95 <= p99 <= max.
  const p50 = count(r.p50);
  const p95 = Math.max(p50, count(r.p95));
  const p99 = Math.max(p95, count(r.p99));
  return {
    name: r.name, role: r.role as Role, resource: r.resource, calls: count(r.calls), errors: errorCounts(r.errors),
    inFlight: count(r.inFlight), p50, p95, p99, max: Math.max(p99, count(r.max)),
    sum: count(r.sum), buckets: bucketCounts(r.buckets),
  };
}

/**
 * Normalises rows and merges those of one (resource, role, name): two engines in one resource (a Lua and a JS
 * script both including the engine). Counts and histograms add up; quantiles take the larger value, an upper bound.
 */
export function normaliseRows(raw: unknown[]): CallbackMetricsDetail[] {
  const rows = new Map<string, CallbackMetricsDetail>();
  for (const item of raw) {
    const row = normaliseRow(item);
    if (!row) continue;
    const key = `${row.resource}\u0000${row.role}\u0000${row.name}`;
    const seen = rows.get(key);
    if (!seen) {
      rows.set(key, row);
      continue;
    }
    seen.calls += row.calls;
    seen.inFlight += row.inFlight;
    for (const [code, n] of Object.entries(row.errors) as Array<[CallbackErrorCode, number]>) seen.errors[code] = (seen.errors[code] ?? 0) + n;
    seen.p50 = Math.max(seen.p50, row.p50);
    seen.p95 = Math.max(seen.p95, row.p95);
    seen.p99 = Math.max(seen.p99, row.p99);
    seen.max = Math.max(seen.max, row.max);
    seen.sum += row.sum;
    for (let i = 0; i < seen.buckets.length; i++) seen.buckets[i] += row.buckets[i];
  }
  return [...rows.values()];
}
