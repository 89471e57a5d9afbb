/**
 * The metrics as a text table: the console command `cbmetrics` prints it, the sandbox (`npm start`) refreshes it.
 * Plain text, no colour codes; one line per (callback, side, resource).
 */
import type { CallbackErrorCode } from '../core/errors.ts';
import type { ErrorCounts, MetricsView, ViewRow } from './metrics-view.ts';

export interface TableOptions {
  /** Rows shown at most (the busiest first); default all. */
  maxRows?: number;
  /** Only rows whose callback or resource contains this text. */
  filter?: string;
}

/** Milliseconds in a short form: 0.39, 4.8, 120. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  if (ms < 1) return ms.toFixed(2);
  if (ms < 10) return ms.toFixed(1);
  return String(Math.round(ms));
}

/** Calls per second in a short form. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '-';
  return rate >= 100 ? String(Math.round(rate)) : rate.toFixed(1);
}

/** `RATE_LIMITED 12, TIMEOUT 1`, the largest first. */
export function formatErrors(errors: ErrorCounts): string {
  const list = (Object.entries(errors) as Array<[CallbackErrorCode, number]>).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return list.length ? list.map(([code, n]) => `${code} ${n}`).join(', ') : '';
}

const side = (r: ViewRow) => (r.role === 'handler' ? 'served' : 'called');

function pad(cells: string[], widths: number[], right: boolean[]): string {
  return cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
}

/** The table's lines: a title, the header, one line per row, then unknown names and rate-limited players if any. */
export function formatMetricsTable(view: MetricsView, opts: TableOptions = {}): string[] {
  const live = view.windowSeconds > 0;
  let rows = view.rows;
  if (opts.filter) rows = rows.filter((r) => r.name.includes(opts.filter!) || r.resource.includes(opts.filter!));
  const hidden = opts.maxRows !== undefined && rows.length > opts.maxRows ? rows.length - opts.maxRows : 0;
  if (hidden) rows = rows.slice(0, opts.maxRows);

  const when = live ? `over the last ${Math.round(view.windowSeconds)} s` : 'since the start';
  const header = ['callback', 'side', 'resource', 'calls/s', 'calls', `p50 ms`, `p99 ms`, 'busy', 'errors (since start)'];
  const right = [false, false, false, true, true, true, true, true, false];
  const body = rows.map((r) => [
    r.name, side(r), r.resource, formatRate(r.rate), String(r.calls),
    formatMs(live ? r.recentP50 : r.p50), formatMs(live ? r.recentP99 : r.p99), String(r.inFlight), formatErrors(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const lines = [
    `callback_bridge ${view.version}: ${view.rows.length} callbacks, ${view.players} players; calls/s and latency ${when}`,
    pad(header, widths, right),
    pad(widths.map((w) => '-'.repeat(w)), widths, right),
    ...body.map((b) => pad(b, widths, right)),
  ];
  if (!body.length) lines.push(opts.filter ? `(no callback matches '${opts.filter}')` : '(no callback has been registered or called yet)');
  if (hidden) lines.push(`... ${hidden} more (the dashboard shows them all)`);

  const c = view.counters;
  const odd = [
    c.notFound && `${c.notFound} requests for unknown names`,
    c.forgedReplies && `${c.forgedReplies} replies from the wrong player`,
    c.lateReplies && `${c.lateReplies} late replies`,
    c.malformed && `${c.malformed} malformed batches`,
    c.spoofed && `${c.spoofed} spoofed events`,
  ].filter(Boolean);
  if (odd.length) lines.push(`Outside any callback: ${odd.join(', ')}.`);
  if (view.limited.length) {
    const top = view.limited.slice(0, 5).map((p) => `#${p.player} ${p.name ?? '(left)'} ${p.refusals}${live ? ` (${p.recent} recent)` : ''}`);
    lines.push(`Rate-limited players: ${top.join(', ')}`);
  }
  return lines;
}
