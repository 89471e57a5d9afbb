/**
 * The bridge's metrics pull (contract §8, §10: pulled when asked, never pushed per call). Every engine on this machine
 * answers `cbb:metrics:pull` with its rows; the Lua twin's rows cross msgpack, where an empty table arrives as `[]`
 * and a number may be a float. Rows leave here in one shape, one row per (resource, role, name).
 */
import { isCallbackErrorCode, type CallbackErrorCode } from '../core/errors.ts';
import { METRICS_PULL_EVENT } from '../engine/engine.ts';
import type { CallbackMetrics, Role } from '../engine/metrics.ts';

/** Asks every engine on this machine for its rows (`emit` is the runtime's local TriggerEvent). */
export function pullMetrics(emit: (event: string, ...args: unknown[]) => void): CallbackMetrics[] {
  const raw: unknown[] = [];
  emit(METRICS_PULL_EVENT, (snapshot: unknown) => {
    if (Array.isArray(snapshot)) raw.push(...snapshot);
  });
  return normaliseRows(raw);
}

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** Error counts by code; anything else (`[]` from Lua, unknown keys, junk values) is left out. */
function errorCounts(raw: unknown): Partial<Record<CallbackErrorCode, number>> {
  const out: Partial<Record<CallbackErrorCode, number>> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [code, n] of Object.entries(raw)) if (isCallbackErrorCode(code) && count(n) > 0) out[code] = count(n);
  return out;
}

/** One row in the documented shape, or null for something that is not a row at all. */
function normaliseRow(raw: unknown): CallbackMetrics | null {
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
  };
}

/**
 * Normalises rows and merges those of one (resource, role, name): two engines in one resource (a Lua and a JS
 * script both including the engine). Counts add up; quantiles take the larger value, an upper bound (the
 * histograms themselves do not travel).
 */
export function normaliseRows(raw: unknown[]): CallbackMetrics[] {
  const rows = new Map<string, CallbackMetrics>();
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
  }
  return [...rows.values()];
}
