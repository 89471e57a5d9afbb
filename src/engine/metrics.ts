/**
 * Per-callback metrics of one engine: calls, errors by code, in flight, latency (contract §8). Kept in the engine that
 * sees the call and pulled by the bridge when asked, never pushed per call (contract §10).
 */
import type { CallbackErrorCode } from '../core/errors.ts';
import { Histogram } from '../core/histogram.ts';

/** Which end of a call an engine saw: it made the call, or it ran the handler. */
export type Role = 'caller' | 'handler';

export interface CallbackMetrics {
  name: string;
  role: Role;
  resource: string;
  calls: number;
  errors: Partial<Record<CallbackErrorCode, number>>;
  inFlight: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** A row as the bridge's pull carries it: the public row, plus what Prometheus and windowed quantiles need. */
export interface CallbackMetricsDetail extends CallbackMetrics {
  /** Sum of the recorded latencies, ms. */
  sum: number;
  /** Count of each latency bucket (`HISTOGRAM_BOUNDS` of src/core/histogram.ts, then one for past them). */
  buckets: number[];
}

/** The bridge raises it to have every engine on the machine start counting again (`cbmetrics_reset`). */
export const METRICS_RESET_EVENT = 'cbb:metrics:reset';

/** Players refused RATE_LIMITED the most, kept per engine: at most this many (the dashboard's top list). */
export const LIMITED_PLAYERS_KEPT = 16;

/** One row: a callback name seen in one role. Calls keep theirs while in flight (a reset keeps rows in flight). */
export class MetricsRow {
  calls = 0;
  inFlight = 0;
  readonly errors: Partial<Record<CallbackErrorCode, number>> = {};
  readonly latency = new Histogram();
}

export class MetricsTable {
  private readonly entries = new Map<string, MetricsRow>();
  /**
   * Events that belong to no callback: malformed batches, late (or duplicate) replies, replies from the wrong player,
   * locally spoofed net events, requests for names this engine does not serve.
   */
  readonly counters = { malformed: 0, lateReplies: 0, forgedReplies: 0, spoofed: 0, notFound: 0 };

  /**
   * RATE_LIMITED refusals per player, at most {@link LIMITED_PLAYERS_KEPT} players (space-saving top-k: a newcomer
   * takes the place of the smallest count, plus one). Counting an existing player allocates nothing.
   */
  private readonly limited = new Map<number, number>();

  constructor(private readonly resource: string) {}

  /** The same entries by role and name: the per-call path looks up without making a key string. */
  private readonly byRole: Record<Role, Map<string, MetricsRow>> = { caller: new Map(), handler: new Map() };

  private entry(role: Role, name: string): MetricsRow {
    let e = this.byRole[role].get(name);
    if (!e) {
      e = new MetricsRow();
      this.byRole[role].set(name, e);
      this.entries.set(`${role}\u0000${name}`, e);
    }
    return e;
  }

  /** A call started; returns its row, for `end` (no second lookup per call). */
  started(role: Role, name: string): MetricsRow {
    const e = this.entry(role, name);
    e.calls++;
    e.inFlight++;
    return e;
  }

  finished(role: Role, name: string, ms: number, code?: CallbackErrorCode): void {
    this.end(this.entry(role, name), ms, code);
  }

  /** A call that `started` returned `e` for ended after `ms`, with `code` when it failed. */
  end(e: MetricsRow, ms: number, code?: CallbackErrorCode): void {
    e.inFlight = Math.max(0, e.inFlight - 1);
    e.latency.record(ms);
    if (code) e.errors[code] = (e.errors[code] ?? 0) + 1;
  }

  /** A call refused before it started (rate limit, size, validation...): counted, never in flight. */
  refused(role: Role, name: string, code: CallbackErrorCode, player = 0): void {
    const e = this.entry(role, name);
    e.calls++;
    e.errors[code] = (e.errors[code] ?? 0) + 1;
    if (code === 'RATE_LIMITED' && player > 0) this.countLimited(player);
  }

  private countLimited(player: number): void {
    const n = this.limited.get(player);
    if (n !== undefined) {
      this.limited.set(player, n + 1);
      return;
    }
    let floor = 0;
    if (this.limited.size >= LIMITED_PLAYERS_KEPT) {
      let smallest = 0;
      floor = Infinity;
      for (const [p, c] of this.limited) if (c < floor) [smallest, floor] = [p, c];
      this.limited.delete(smallest);
    }
    this.limited.set(player, floor + 1);
  }

  /** `[player, RATE_LIMITED refusals]`, the most refused first. */
  limitedPlayers(): Array<[number, number]> {
    return [...this.limited].sort((a, b) => b[1] - a[1]);
  }

  snapshot(): CallbackMetricsDetail[] {
    const out: CallbackMetricsDetail[] = [];
    for (const [key, e] of this.entries) {
      const [role, name] = key.split('\u0000') as [Role, string];
      out.push({
        name, role, resource: this.resource, calls: e.calls, errors: { ...e.errors }, inFlight: e.inFlight,
        p50: e.latency.quantile(0.5), p95: e.latency.quantile(0.95), p99: e.latency.quantile(0.99), max: e.latency.max,
        sum: e.latency.sum, buckets: e.latency.buckets(),
      });
    }
    return out;
  }

  /** Starts counting again (the bridge's `cbmetrics_reset`); calls still in flight stay counted as such. */
  reset(): void {
    for (const [key, e] of this.entries) {
      if (e.inFlight === 0) {
        this.entries.delete(key);
        const [role, name] = key.split('\u0000') as [Role, string];
        this.byRole[role].delete(name);
        continue;
      }
      e.calls = 0;
      for (const code of Object.keys(e.errors) as CallbackErrorCode[]) delete e.errors[code];
      e.latency.reset();
    }
    this.limited.clear();
    for (const k of Object.keys(this.counters) as Array<keyof MetricsTable['counters']>) this.counters[k] = 0;
  }
}
