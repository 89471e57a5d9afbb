/**
 * Recent metrics: what calls/s and "latency now" need. The engines only keep totals since they started (or since
 * `cbmetrics_reset`); the bridge pulls them about once a second while someone watches (the dashboard, the JSON view,
 * the console command) and keeps, bounded:
 * - the last {@link WINDOW_SAMPLES} + 1 pulls whole (histograms included), for the values over the last seconds;
 * - per row, {@link SERIES_POINTS} points of calls/s, p50 and p99 over that window, for the dashboard's charts.
 * A total that went down means its engine restarted or was reset: the new total counts from zero.
 */
import type { CallbackErrorCode } from '../core/errors.ts';
import { HISTOGRAM_BOUNDS } from '../core/histogram.ts';
import type { CallbackMetricsDetail } from '../engine/metrics.ts';
import type { MetricsPull } from './metrics-pull.ts';

/** Values over the last this many pulls (about seconds) make "now": calls/s, p50/p99, recent errors. */
export const WINDOW_SAMPLES = 5;
/** Points kept per series (about two minutes at one pull a second). */
export const SERIES_POINTS = 120;
/** At most this many rows are followed; past it, new rows are left out of the window (never out of the totals). */
export const MAX_ROWS = 500;

type Errors = Partial<Record<CallbackErrorCode, number>>;

/** The key of a row: role, resource and name. */
export const rowKey = (r: { role: string; resource: string; name: string }) => `${r.role} ${r.resource} ${r.name}`;

interface Sample {
  t: number;
  rows: Map<string, CallbackMetricsDetail>;
  limited: Map<number, number>;
}

/** A row's values over the window; `null` where the window holds no finished call. */
export interface WindowValues {
  rate: number;
  p50: number | null;
  p99: number | null;
  errors: Errors;
}

/** One series per row: times are shared (`MetricsWindow.times`), values line up with them. */
export interface RowSeries {
  rate: Array<number | null>;
  p50: Array<number | null>;
  p99: Array<number | null>;
}

/** The quantile `q` of bucket counts, as a bucket's upper bound capped at `max` (ms); null if empty. */
export function bucketQuantile(counts: number[], q: number, max: number): number | null {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return null;
  const target = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    // Never above the largest latency seen (calls that took 0 ms report 0, not the first bucket's bound).
    if (seen >= target) return i < HISTOGRAM_BOUNDS.length ? Math.min(HISTOGRAM_BOUNDS[i], max) : max;
  }
  return max;
}

/** Whether `now` counts from zero against `before` (its engine restarted or was reset). */
const restarted = (now: CallbackMetricsDetail, before: CallbackMetricsDetail | undefined) => !before || now.calls < before.calls;

export class MetricsWindow {
  private readonly samples: Sample[] = [];
  /** Pull times of the series points. */
  readonly times: number[] = [];
  readonly series = new Map<string, RowSeries>();
  private readonly current = new Map<string, WindowValues>();

  /** Takes one pull made at `t` (ms). */
  add(t: number, pull: MetricsPull): void {
    const rows = new Map<string, CallbackMetricsDetail>();
    for (const r of pull.rows) {
      const key = rowKey(r);
      if (rows.size < MAX_ROWS || this.series.has(key)) rows.set(key, r);
    }
    this.samples.push({ t, rows, limited: new Map(pull.limited) });
    if (this.samples.length > WINDOW_SAMPLES + 1) this.samples.shift();
    this.current.clear();
    const oldest = this.samples[0];
    const seconds = (t - oldest.t) / 1000;
    for (const [key, row] of rows) if (seconds > 0) this.current.set(key, this.valuesOver(row, oldest.rows.get(key), seconds));
    this.appendPoint(t, seconds > 0);
  }

  /** The values of one row over the window, or undefined before two pulls. */
  values(key: string): WindowValues | undefined {
    return this.current.get(key);
  }

  /** Seconds the window spans now (0 before the second pull). */
  get spanSeconds(): number {
    return this.samples.length < 2 ? 0 : (this.samples[this.samples.length - 1].t - this.samples[0].t) / 1000;
  }

  /** RATE_LIMITED refusals per player over the window (players with none left out). */
  recentLimited(): Map<number, number> {
    const out = new Map<number, number>();
    if (this.samples.length < 2) return out;
    const first = this.samples[0].limited;
    for (const [player, n] of this.samples[this.samples.length - 1].limited) {
      const before = first.get(player) ?? 0;
      const d = n >= before ? n - before : n;
      if (d > 0) out.set(player, d);
    }
    return out;
  }

  /** Forgets everything (after `cbmetrics_reset`). */
  clear(): void {
    this.samples.length = 0;
    this.times.length = 0;
    this.series.clear();
    this.current.clear();
  }

  private valuesOver(row: CallbackMetricsDetail, before: CallbackMetricsDetail | undefined, seconds: number): WindowValues {
    const fresh = restarted(row, before);
    const calls = fresh ? row.calls : row.calls - before!.calls;
    const buckets = fresh ? row.buckets : row.buckets.map((c, i) => Math.max(0, c - before!.buckets[i]));
    const errors: Errors = {};
    for (const [code, n] of Object.entries(row.errors) as Array<[CallbackErrorCode, number]>) {
      const d = fresh ? n : n - (before!.errors[code] ?? 0);
      if (d > 0) errors[code] = d;
    }
    return { rate: calls / seconds, p50: bucketQuantile(buckets, 0.5, row.max), p99: bucketQuantile(buckets, 0.99, row.max), errors };
  }

  private appendPoint(t: number, ready: boolean): void {
    if (!ready) return;
    this.times.push(t);
    const drop = this.times.length > SERIES_POINTS;
    if (drop) this.times.shift();
    for (const [key, v] of this.current) {
      if (!this.series.has(key)) {
        const pad = () => new Array<number | null>(this.times.length - 1).fill(null);
        this.series.set(key, { rate: pad(), p50: pad(), p99: pad() });
      }
    }
    for (const [key, s] of this.series) {
      const v = this.current.get(key);
      s.rate.push(v ? v.rate : null);
      s.p50.push(v ? v.p50 : null);
      s.p99.push(v ? v.p99 : null);
      if (drop) {
        s.rate.shift();
        s.p50.shift();
        s.p99.shift();
      }
      // A row gone for the whole series (its resource stopped two minutes ago) is forgotten.
      if (s.rate.every((x) => x === null)) this.series.delete(key);
    }
  }
}
