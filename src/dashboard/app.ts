/**
 * The dashboard page: polls `metrics.json` once a second (with the token of the page's own `?token=`), keeps the
 * chart points in the browser (up to ten minutes) and draws calls/s, p50 and p99 per callback, the errors by code,
 * the slowest callbacks, the rate-limited players and every callback's row. Built into the server bundle by
 * scripts/rollup-dashboard.mjs; nothing is loaded from elsewhere.
 */
import type { MetricsView, ViewRow } from '../bridge/metrics-view.ts';
import type { RowSeries } from '../bridge/metrics-window.ts';
import { drawChart, type ChartLine } from './chart.ts';
import { callbacksTable, countersLine, el, errorBars, fill, limitedTable, slowTable } from './panels.ts';

const POLL_MS = 1000;
const KEEP_POINTS = 600;
const LINES_PER_CHART = 8;
const PALETTE = ['#4e9af1', '#f1a94e', '#5cc98a', '#e8616b', '#b48cf2', '#4fd1d9', '#f2d04e', '#f27fc0', '#9bb0c9', '#8fd14f', '#ff8a5c', '#6f7cf7'];

const token = new URLSearchParams(location.search).get('token');
/** `/callback_bridge/` whether the page is at `/callback_bridge`, `/callback_bridge/` or `/callback_bridge/dashboard`. */
const base = location.pathname.replace(/\/(dashboard)?\/?$/, '') + '/';

const times: number[] = [];
const series = new Map<string, RowSeries>();
const colors = new Map<string, string>();
let lastNow = -1;
let updates = 0;

const colorOf = (key: string) => {
  let c = colors.get(key);
  if (!c) colors.set(key, (c = PALETTE[colors.size % PALETTE.length]));
  return c;
};

/** Adds the view's new chart points; a server that restarted (time went back) starts the charts over. */
function merge(view: MetricsView): void {
  if (view.now < lastNow) {
    times.length = 0;
    series.clear();
  }
  lastNow = view.now;
  const newest = times[times.length - 1] ?? -Infinity;
  const start = view.series.t.findIndex((t) => t > newest);
  if (start < 0) return;
  const added = view.series.t.length - start;
  const before = times.length;
  times.push(...view.series.t.slice(start));
  for (const [key, s] of Object.entries(view.series.rows)) {
    let mine = series.get(key);
    if (!mine) series.set(key, (mine = { rate: Array(before).fill(null), p50: Array(before).fill(null), p99: Array(before).fill(null) }));
    // The server's lists end at the newest point: their last `added` values are the new ones.
    const tail = (list: Array<number | null>) => list.slice(Math.max(0, list.length - added));
    mine.rate.push(...pad(tail(s.rate), added));
    mine.p50.push(...pad(tail(s.p50), added));
    mine.p99.push(...pad(tail(s.p99), added));
  }
  for (const [key, s] of series) {
    if (!(key in view.series.rows)) for (const list of [s.rate, s.p50, s.p99]) list.push(...Array(added).fill(null));
  }
  const drop = times.length - KEEP_POINTS;
  if (drop > 0) {
    times.splice(0, drop);
    for (const s of series.values()) for (const list of [s.rate, s.p50, s.p99]) list.splice(0, drop);
  }
}

const pad = (list: Array<number | null>, n: number) => (list.length >= n ? list : [...Array(n - list.length).fill(null), ...list]);

const label = (r: ViewRow) => `${r.name} (${r.role === 'handler' ? 'served' : 'called'} in ${r.resource})`;

/** The chart's lines: the rows ranked by `rank`, those with points only. */
function lines(view: MetricsView, field: keyof RowSeries, rank: (r: ViewRow) => number): ChartLine[] {
  return view.rows
    .filter((r) => series.has(r.key))
    .sort((a, b) => rank(b) - rank(a))
    .slice(0, LINES_PER_CHART)
    .map((r) => ({ label: label(r), color: colorOf(r.key), values: series.get(r.key)![field] }));
}

function chart(id: string, chartLines: ChartLine[], unit: string): void {
  drawChart(document.getElementById(`${id}-chart`) as HTMLCanvasElement, times, chartLines, unit);
  fill(`${id}-legend`, ...chartLines.map((l) => el('li', {}, el('i', { class: 'dot', style: `background:${l.color}` }), l.label)));
}

function render(view: MetricsView): void {
  chart('rate', lines(view, 'rate', (r) => r.rate ?? 0), '/s');
  chart('p50', lines(view, 'p50', (r) => r.recentP50 ?? 0), 'ms');
  chart('p99', lines(view, 'p99', (r) => r.recentP99 ?? 0), 'ms');
  fill('errors', errorBars(view.errors, view.recentErrors));
  fill('slow', slowTable(view));
  fill('limited', limitedTable(view.limited));
  fill('callbacks', callbacksTable(view, colorOf));
  fill('counters', countersLine(view));
  const window = view.windowSeconds > 0 ? `calls/s and latency over the last ${Math.round(view.windowSeconds)} s` : 'collecting the first seconds...';
  fill('status', el('span', { class: 'live' }, 'live'), ` v${view.version} · ${view.players} players · ${view.rows.length} callbacks · ${window}`);
  document.body.dataset.updates = String(++updates);
}

async function poll(): Promise<void> {
  try {
    const since = times.length ? `?since=${times[times.length - 1]}` : '';
    const response = await fetch(`${base}metrics.json${since}`, { headers: token ? { Authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
    if (!response.ok) throw new Error(`${response.status}: ${(await response.text()).trim()}`);
    const view = (await response.json()) as MetricsView;
    merge(view);
    render(view);
  } catch (e) {
    fill('status', el('span', { class: 'down' }, 'no data'), ` ${e instanceof Error ? e.message : String(e)} (retrying)`);
  }
  setTimeout(() => void poll(), POLL_MS);
}

void poll();
