/**
 * The JSON view of the metrics (`/callback_bridge/metrics.json`): what the dashboard, the console table and the
 * sandbox show. Totals come from the engines (since they started or since `cbmetrics_reset`); `rate` and the
 * `recent*` fields are over the last seconds the bridge watched ({@link MetricsWindow}).
 */
import type { CallbackErrorCode } from '../core/errors.ts';
import type { Role } from '../engine/metrics.ts';
import type { EngineCounters, MetricsPull } from './metrics-pull.ts';
import { rowKey, type MetricsWindow, type RowSeries } from './metrics-window.ts';

export type ErrorCounts = Partial<Record<CallbackErrorCode, number>>;

/** One (role, resource, callback) row. */
export interface ViewRow {
  key: string;
  name: string;
  /** `handler`: the callback ran here (the server's side of client calls); `caller`: a script here called it. */
  role: Role;
  resource: string;
  calls: number;
  errors: ErrorCounts;
  inFlight: number;
  /** Latency quantiles since the start, ms (bucket upper bounds). */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Calls per second over the window; null before the bridge has two pulls. */
  rate: number | null;
  /** Latency over the window, ms; null when no call finished in it. */
  recentP50: number | null;
  recentP99: number | null;
  recentErrors: ErrorCounts;
}

/** A player refused RATE_LIMITED (the engines keep the top 16 each). */
export interface LimitedPlayer {
  player: number;
  name: string | null;
  connected: boolean;
  refusals: number;
  /** Refusals over the window. */
  recent: number;
}

export interface MetricsView {
  version: string;
  /** Server time of this view, ms (GetGameTimer). */
  now: number;
  /** Seconds the window spans (0 until two pulls). */
  windowSeconds: number;
  players: number;
  rows: ViewRow[];
  /** Errors by code over every row: since the start, and over the window. */
  errors: ErrorCounts;
  recentErrors: ErrorCounts;
  /** Events that belong to no callback (unknown names, forged or late replies, malformed batches, spoofed events). */
  counters: EngineCounters;
  limited: LimitedPlayer[];
  /** Chart points newer than the `since` asked for: shared times, and values per row key. */
  series: { t: number[]; rows: Record<string, RowSeries> };
}

export interface ViewContext {
  version: string;
  now: number;
  players: number;
  playerName(id: number): string | null;
}

function addErrors(into: ErrorCounts, from: ErrorCounts): void {
  for (const [code, n] of Object.entries(from) as Array<[CallbackErrorCode, number]>) into[code] = (into[code] ?? 0) + n;
}

/** Builds the view from the latest pull and the window; `since` keeps only newer chart points. */
export function buildView(pull: MetricsPull, window: MetricsWindow, ctx: ViewContext, since = -Infinity): MetricsView {
  const errors: ErrorCounts = {};
  const recentErrors: ErrorCounts = {};
  const rows: ViewRow[] = pull.rows.map((r) => {
    const key = rowKey(r);
    const w = window.values(key);
    addErrors(errors, r.errors);
    if (w) addErrors(recentErrors, w.errors);
    return {
      key, name: r.name, role: r.role, resource: r.resource, calls: r.calls, errors: r.errors, inFlight: r.inFlight,
      p50: r.p50, p95: r.p95, p99: r.p99, max: r.max,
      rate: w ? w.rate : null, recentP50: w ? w.p50 : null, recentP99: w ? w.p99 : null, recentErrors: w ? w.errors : {},
    };
  });
  rows.sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || b.calls - a.calls || a.key.localeCompare(b.key));

  const recent = window.recentLimited();
  const limited = pull.limited.map(([player, refusals]) => {
    const name = ctx.playerName(player);
    return { player, name, connected: name !== null, refusals, recent: recent.get(player) ?? 0 };
  });
  limited.sort((a, b) => b.recent - a.recent || b.refusals - a.refusals);

  const first = window.times.findIndex((t) => t > since);
  const from = first < 0 ? window.times.length : first;
  const seriesRows: Record<string, RowSeries> = {};
  for (const [key, s] of window.series) {
    seriesRows[key] = { rate: s.rate.slice(from), p50: s.p50.slice(from), p99: s.p99.slice(from) };
  }
  return {
    version: ctx.version, now: ctx.now, windowSeconds: window.spanSeconds, players: ctx.players, rows, errors, recentErrors,
    counters: pull.counters, limited, series: { t: window.times.slice(from), rows: seriesRows },
  };
}
