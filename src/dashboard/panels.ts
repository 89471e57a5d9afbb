/**
 * The dashboard's tables and bars, built with DOM calls only: callback and player names come from scripts and
 * players, so nothing here is ever parsed as HTML.
 */
import type { ErrorCounts, LimitedPlayer, MetricsView, ViewRow } from '../bridge/metrics-view.ts';
import { formatErrors, formatMs, formatRate } from '../bridge/metrics-text.ts';

type Child = Node | string;

/** `el('td', { class: 'num' }, '12')`. */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  // Styles through the CSSOM: the page's CSP refuses `style` attributes.
  for (const [k, v] of Object.entries(attrs)) if (k === 'style') node.style.cssText = v;
  else node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

/** Replaces the children of the element with id `id`. */
export function fill(id: string, ...children: Child[]): void {
  document.getElementById(id)!.replaceChildren(...children);
}

const side = (r: ViewRow) => (r.role === 'handler' ? 'served' : 'called');

function table(head: string[], numeric: boolean[], rows: Child[][], empty: string): HTMLElement {
  if (!rows.length) return el('p', { class: 'empty' }, empty);
  return el('table', {},
    el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', numeric[i] ? { class: 'num' } : {}, h)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c, i) => el('td', numeric[i] ? { class: 'num' } : {}, c))))));
}

/** Every callback, the busiest first. */
export function callbacksTable(view: MetricsView, colorOf: (key: string) => string): HTMLElement {
  return table(
    ['callback', 'side', 'resource', 'calls/s', 'calls', 'p50 ms', 'p99 ms', 'max ms', 'busy', 'errors (since start)'],
    [false, false, false, true, true, true, true, true, true, false],
    view.rows.map((r) => [
      el('span', {}, el('i', { class: 'dot', style: `background:${colorOf(r.key)}` }), r.name),
      side(r), r.resource, formatRate(r.rate), String(r.calls), formatMs(r.recentP50 ?? r.p50), formatMs(r.recentP99 ?? r.p99),
      formatMs(r.max), String(r.inFlight), formatErrors(r.errors),
    ]),
    'No callback has been registered or called on the server yet.',
  );
}

/** The slowest callbacks by p99 (over the window when it has calls, else since the start). */
export function slowTable(view: MetricsView): HTMLElement {
  const rows = [...view.rows].filter((r) => r.calls > 0).sort((a, b) => (b.recentP99 ?? b.p99) - (a.recentP99 ?? a.p99)).slice(0, 8);
  return table(['callback', 'side', 'p99 ms', 'p50 ms', 'max ms'], [false, false, true, true, true],
    rows.map((r) => [r.name, side(r), formatMs(r.recentP99 ?? r.p99), formatMs(r.recentP50 ?? r.p50), formatMs(r.max)]),
    'No finished call yet.');
}

/** Players refused with RATE_LIMITED, the most recent offenders first. */
export function limitedTable(players: LimitedPlayer[]): HTMLElement {
  return table(['player', 'name', 'refusals', 'last seconds'], [true, false, true, true],
    players.map((p) => [`#${p.player}`, p.connected ? (p.name ?? '') : `${p.name ?? ''} (left)`, String(p.refusals), String(p.recent)]),
    'No player has been rate limited.');
}

/** Horizontal bars: errors by code since the start, with the window's count beside. */
export function errorBars(total: ErrorCounts, recent: ErrorCounts): HTMLElement {
  const codes = Object.entries(total).filter(([, n]) => (n ?? 0) > 0).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  if (!codes.length) return el('p', { class: 'empty' }, 'No errors.');
  const max = Math.max(...codes.map(([, n]) => n ?? 0));
  return el('div', { class: 'bars' }, ...codes.map(([code, n]) =>
    el('div', { class: 'bar-row', 'data-code': code },
      el('span', { class: 'bar-label' }, code),
      el('span', { class: 'bar-track' }, el('span', { class: `bar code-${code}`, style: `width:${Math.max(2, ((n ?? 0) / max) * 100)}%` })),
      el('span', { class: 'num' }, `${n} (${recent[code as keyof ErrorCounts] ?? 0} recent)`))));
}

/** Events outside any callback, one line. */
export function countersLine(view: MetricsView): string {
  const c = view.counters;
  return `Outside any callback: ${c.notFound} requests for unknown names, ${c.forgedReplies} replies from the wrong player, ` +
    `${c.lateReplies} late replies, ${c.malformed} malformed batches, ${c.spoofed} spoofed events.`;
}
