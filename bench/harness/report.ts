/**
 * The report: every case against its baseline, the issue's targets met or not, and the one table (markdown, the same
 * in the terminal, in BENCHMARKS.md and, as numbers, in bench/results.json).
 */
import { median } from './stats.ts';
import type { CaseResult } from './types.ts';
import type { Results } from './suite.ts';

/** One of the issue's targets, with the figure it was judged on. */
export interface Target {
  target: string;
  value: string;
  met: boolean | null;
}

/** Memory targets: under 1 KiB per pending request; "zero" retained, within the measurement's noise. */
export const PENDING_LIMIT = 1024;
export const RETAINED_NOISE = 16;

/** Cases whose caller is ox_lib's own package, not one of our engines. */
const OX_CALLER = new Set(['ox-peer', 'ox-on-bridge']);

type Figure = keyof NonNullable<CaseResult['perRound']>;

/** `a`'s figure over `b`'s: round by round when both ran in the same passes (CaseResult.perRound), else the medians'. */
export function pairedRatio(a: CaseResult, b: CaseResult, f: Figure): number {
  const x = a.perRound?.[f];
  const y = b.perRound?.[f];
  return x && y && x.length === y.length ? median(x.map((v, i) => v / y[i])) : a[f] / b[f];
}

/** Fills `ratio` of every case whose baseline ran. */
export function addRatios(results: CaseResult[]): void {
  const byName = new Map(results.map((r) => [r.name, r]));
  for (const r of results) {
    const base = r.baseline ? byName.get(r.baseline) : undefined;
    if (!base || !r.baseline) continue;
    r.ratio = {
      to: r.baseline,
      worldCost: pairedRatio(r, base, 'worldUsPerCall'),
      serverCpu: pairedRatio(r, base, 'serverCpuUsPerCall'),
      throughput: pairedRatio(r, base, 'throughput'),
    };
  }
}

const x = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(2)}×`);

/** The issue's targets, judged on this run. Targets whose cases did not run are left out. */
export function evaluateTargets(results: CaseResult[]): Target[] {
  const get = (name: string) => results.find((r) => r.name === name);
  const out: Target[] = [];
  const costTarget = (name: string, limit: number) => {
    const r = get(name);
    if (!r?.ratio) return;
    out.push({
      target: `${name} costs at most ${limit}× raw per round trip (world wall time)`,
      value: x(r.ratio.worldCost),
      met: r.ratio.worldCost <= limit,
    });
    out.push({ target: `${name} costs at most ${limit}× raw per round trip (server CPU)`, value: x(r.ratio.serverCpu), met: r.ratio.serverCpu <= limit });
  };
  costTarget('bridge-js', 1.25);
  costTarget('bridge-lua', 1.5);
  // Context, not a target: the Lua cases against the same bare events written in Lua (the emulated Lua VM's floor).
  const rawLua = get('raw-lua');
  for (const name of ['bridge-lua', 'esx-alias', 'qb-alias']) {
    const r = get(name);
    if (!r || !rawLua) continue;
    out.push({
      target: `(context) ${name} against raw-lua, the same bare events in Lua`,
      value: `${x(pairedRatio(r, rawLua, 'worldUsPerCall'))} world, ${x(pairedRatio(r, rawLua, 'serverCpuUsPerCall'))} server CPU`,
      met: null,
    });
  }
  const peer = get('ox-peer');
  for (const name of ['bridge-js', 'ox-on-bridge']) {
    const r = get(name);
    if (!r || !peer) continue;
    const ratio = pairedRatio(r, peer, 'throughput');
    out.push({ target: `${name} throughput at least ox-peer's`, value: `${Math.round(r.throughput)} vs ${Math.round(peer.throughput)} rt/s (${x(ratio)} round by round)`, met: ratio >= 1 });
  }
  const scale = get('scale');
  if (scale) {
    const e = scale.extra as { offeredPerSecond: number; sustainedPerSecond: number };
    out.push({ target: `scale sustains ${e.offeredPerSecond} calls/s`, value: `${Math.round(e.sustainedPerSecond)} calls/s served`, met: scale.checks.sustained });
    out.push({
      target: 'scale p99 under two ticks above the emulated latency',
      value: `p99 ${scale.latency.p99Ms} ms = ${scale.latency.p99AboveNetworkTicks.toFixed(2)} ticks above ${scale.latency.networkMs} ms`,
      met: scale.checks.p99UnderTwoTicks,
    });
    out.push({ target: 'scale: the server tables are back to baseline after the run', value: JSON.stringify(scale.extra.tablesAfter), met: scale.checks.tablesBackToBaseline });
  }
  // The memory targets are about our engines, so they are judged where our engine makes the call: in the ox cases
  // the caller is ox_lib's package, which keeps a 300 s setTimeout per call and never clears it (its
  // client/callback/index.js), so its pending and retained bytes are ox_lib's; `scale` adds and drops players (new
  // machines), so its heap is judged by its tables being back to baseline instead.
  const bridgeCases = results.filter((r) => (r.baseline !== null || r.name.startsWith('bridge')) && !OX_CALLER.has(r.name));
  const pending = bridgeCases.filter((r) => r.memory.bytesPerPending !== null);
  if (pending.length) {
    const worst = pending.reduce((a, b) => (a.memory.bytesPerPending! >= b.memory.bytesPerPending! ? a : b));
    out.push({ target: 'under 1 KiB per pending request (bridge cases)', value: `at most ${Math.round(worst.memory.bytesPerPending!)} B (${worst.name})`, met: worst.memory.bytesPerPending! < PENDING_LIMIT });
  }
  const retained = bridgeCases.filter((r) => r.memory.retainedBytesPerCall !== null && r.name !== 'scale');
  if (retained.length) {
    const worst = retained.reduce((a, b) => (a.memory.retainedBytesPerCall! >= b.memory.retainedBytesPerCall! ? a : b));
    out.push({
      target: `nothing outlives a settled request (bridge cases, within ±${RETAINED_NOISE} B per call of noise)`,
      value: `at most ${worst.memory.retainedBytesPerCall!.toFixed(1)} B per call (${worst.name})`,
      met: worst.memory.retainedBytesPerCall! < RETAINED_NOISE,
    });
  }
  return out;
}

const n = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const lat = (ms: number) => `${n(ms / 50, 2)} (${ms})`;
const mem = (b: number | null, digits = 0) => (b === null ? '–' : n(b, digits));

/** The table, markdown. */
export function table(results: Results): string {
  const head = [
    'case', 'served / sent', 'rt/s (wall)', 'world µs/rt', '×', 'server µs/call', '×', 'p50 ticks (ms)', 'p99 ticks (ms)', 'B/pending', 'retained B/call',
  ];
  const rows = results.cases.map((r) => [
    r.ratio ? `${r.name} (vs ${r.ratio.to})` : r.name,
    `${n(r.calls.served)} / ${n(r.calls.sent)}`,
    n(r.throughput),
    n(r.worldUsPerCall, 1),
    r.ratio ? x(r.ratio.worldCost) : '1',
    n(r.serverCpuUsPerCall, 2),
    r.ratio ? x(r.ratio.serverCpu) : '1',
    lat(r.latency.p50Ms),
    lat(r.latency.p99Ms),
    mem(r.memory.bytesPerPending),
    mem(r.memory.retainedBytesPerCall, 1),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** The targets, markdown. */
export function targetList(results: Results): string {
  return results.targets.map((t) => `- ${t.met === null ? 'ℹ️' : t.met ? '✅' : '❌'} ${t.target}: ${t.value}`).join('\n');
}

/** Notes per case (extra figures, the load), markdown. */
export function caseNotes(results: Results): string {
  return results.cases
    .map((r) => {
      const load = Object.entries(r.load).map(([k, v]) => `${k} ${v}`).join(', ');
      const extra = Object.entries(r.extra)
        .filter(([, v]) => typeof v !== 'object')
        .map(([k, v]) => `${k} ${typeof v === 'number' ? n(v, 2) : v}`)
        .join(', ');
      const checks = Object.entries(r.checks).map(([k, v]) => `${k} ${v ? 'yes' : 'NO'}`).join(', ');
      return `- **${r.name}**: ${r.description}. Load: ${load}. Checks: ${checks}.${extra ? ` ${extra}.` : ''}`;
    })
    .join('\n');
}

/** The machine line. */
export function machineLine(results: Results): string {
  const m = results.machine;
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; \`${results.command}\`, ${results.generatedAt.slice(0, 16).replace('T', ' ')} UTC, ${n(results.wallSeconds)} s`;
}
