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

class Entry {
  calls = 0;
  inFlight = 0;
  readonly errors: Partial<Record<CallbackErrorCode, number>> = {};
  readonly latency = new Histogram();
}

export class MetricsTable {
  private readonly entries = new Map<string, Entry>();
  /**
   * Events that belong to no callback: malformed batches, late (or duplicate) replies, replies from the wrong player,
   * locally spoofed net events, requests for names this engine does not serve.
   */
  readonly counters = { malformed: 0, lateReplies: 0, forgedReplies: 0, spoofed: 0, notFound: 0 };

  constructor(private readonly resource: string) {}

  private entry(role: Role, name: string): Entry {
    const key = `${role}\u0000${name}`;
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = new Entry()));
    return e;
  }

  started(role: Role, name: string): void {
    const e = this.entry(role, name);
    e.calls++;
    e.inFlight++;
  }

  finished(role: Role, name: string, ms: number, code?: CallbackErrorCode): void {
    const e = this.entry(role, name);
    e.inFlight = Math.max(0, e.inFlight - 1);
    e.latency.record(ms);
    if (code) e.errors[code] = (e.errors[code] ?? 0) + 1;
  }

  /** A call refused before it started (rate limit, size, validation...): counted, never in flight. */
  refused(role: Role, name: string, code: CallbackErrorCode): void {
    const e = this.entry(role, name);
    e.calls++;
    e.errors[code] = (e.errors[code] ?? 0) + 1;
  }

  snapshot(): CallbackMetrics[] {
    const out: CallbackMetrics[] = [];
    for (const [key, e] of this.entries) {
      const [role, name] = key.split('\u0000') as [Role, string];
      out.push({
        name, role, resource: this.resource, calls: e.calls, errors: { ...e.errors }, inFlight: e.inFlight,
        p50: e.latency.quantile(0.5), p95: e.latency.quantile(0.95), p99: e.latency.quantile(0.99), max: e.latency.max,
      });
    }
    return out;
  }

  reset(): void {
    this.entries.clear();
    for (const k of Object.keys(this.counters) as Array<keyof MetricsTable['counters']>) this.counters[k] = 0;
  }
}
