/**
 * `/callback_bridge/metrics` in the Prometheus text exposition format (version 0.0.4), written here from the format's
 * specification rather than with `prom-client`. prom-client bundles (about 190 KB, with the CommonJS plugin and Node's
 * cluster, http and zlib loaded for nothing), but its metrics are fed one observation at a time (`inc`, `observe`) in
 * the process that owns them, while ours live in every resource's engine (Lua ones included) and reach the bridge as
 * totals and histogram bucket counts when asked: prom-client can neither set a counter's total nor a histogram's
 * buckets. The format itself is a few lines of text per family.
 */
import type { CallbackErrorCode } from '../core/errors.ts';
import { HISTOGRAM_BOUNDS } from '../core/histogram.ts';
import type { MetricsPull } from './metrics-pull.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Latency bucket edges exported, in seconds: the engine buckets (ms) nearest to these. */
const WANTED_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const EXPORTED: Array<{ index: number; le: string }> = [...new Set(WANTED_SECONDS.map((s) => nearestBucket(s * 1000)))].map((index) => ({
  index,
  le: formatValue(HISTOGRAM_BOUNDS[index] / 1000),
}));

function nearestBucket(ms: number): number {
  let best = 0;
  for (let i = 0; i < HISTOGRAM_BOUNDS.length; i++) if (Math.abs(Math.log(HISTOGRAM_BOUNDS[i] / ms)) < Math.abs(Math.log(HISTOGRAM_BOUNDS[best] / ms))) best = i;
  return best;
}

/** A sample value as the format wants it: Go-style floats, `+Inf`, `-Inf`, `NaN`. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}

/** A label value with `\`, `"` and line feeds escaped. */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

type Labels = Record<string, string>;

const labelText = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

/** Collects the families, each written once with its HELP and TYPE lines first. */
class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string, samples: Array<[string, Labels, number]>): void {
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
    for (const [suffix, labels, value] of samples) this.lines.push(`${name}${suffix}${labelText(labels)} ${formatValue(value)}`);
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** The exposition of one pull. Labels: `callback`, `side` (`handler` or `caller`), `resource`, `code`. */
export function formatPrometheus(pull: MetricsPull, version: string): string {
  const out = new Exposition();
  const rows = pull.rows;
  const base = (r: (typeof rows)[number]): Labels => ({ callback: r.name, side: r.role, resource: r.resource });

  out.family('callback_bridge_info', 'gauge', 'The bridge version.', [['', { version }, 1]]);
  out.family('callback_bridge_calls_total', 'counter', 'Calls seen by an engine: side handler ran them here, side caller made them here (refused ones included).',
    rows.map((r) => ['', base(r), r.calls]));
  const errors: Array<[string, Labels, number]> = [];
  for (const r of rows) {
    for (const [code, n] of Object.entries(r.errors) as Array<[CallbackErrorCode, number]>) errors.push(['', { ...base(r), code }, n]);
  }
  out.family('callback_bridge_errors_total', 'counter', 'Calls that ended with an error code.', errors);
  out.family('callback_bridge_in_flight', 'gauge', 'Calls started and not finished yet.', rows.map((r) => ['', base(r), r.inFlight]));

  const latency: Array<[string, Labels, number]> = [];
  for (const r of rows) {
    let seen = 0;
    let next = 0;
    const count = r.buckets.reduce((a, b) => a + b, 0);
    for (const { index, le } of EXPORTED) {
      while (next <= index) seen += r.buckets[next++];
      latency.push(['_bucket', { ...base(r), le }, seen]);
    }
    latency.push(['_bucket', { ...base(r), le: '+Inf' }, count], ['_sum', base(r), r.sum / 1000], ['_count', base(r), count]);
  }
  out.family('callback_bridge_latency_seconds', 'histogram', 'Time from start to end of finished calls (a caller sees the round trip, a handler its run).', latency);

  const c = pull.counters;
  out.family('callback_bridge_unknown_requests_total', 'counter', 'Requests for names no engine here serves.', [['', {}, c.notFound]]);
  out.family('callback_bridge_forged_replies_total', 'counter', 'Replies from a player other than the one asked (dropped).', [['', {}, c.forgedReplies]]);
  out.family('callback_bridge_late_replies_total', 'counter', 'Replies to calls that had already ended (dropped).', [['', {}, c.lateReplies]]);
  out.family('callback_bridge_malformed_total', 'counter', 'Batches that could not be read (dropped).', [['', {}, c.malformed]]);
  out.family('callback_bridge_spoofed_events_total', 'counter', 'Net events raised locally by a script (ignored).', [['', {}, c.spoofed]]);
  return out.text();
}
