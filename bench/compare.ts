/**
 * Before/after on a busy machine: the steady cases against two builds of the bridge, round by round (A, B, A, B...),
 * in one process, so both see the same machine. Medians of server CPU (tick wall time, and process CPU time) and of
 * the whole world's process CPU per call.
 *
 *   git worktree add /tmp/before <commit> && (cd /tmp/before && npm ci && npm run build)
 *   npx tsx bench/compare.ts /tmp/before bridge-js,bridge-lua 5
 */
import { CASES } from './cases/index.ts';
import { steadyRound, type Round } from './harness/steady.ts';
import { median } from './harness/stats.ts';
import { FULL, type SteadyScenario } from './harness/types.ts';
import { REPO_ROOT, setBridgeRoot } from './harness/world.ts';

const [before, names = 'bridge-js', roundsArg = '3', secondsArg = '10'] = process.argv.slice(2);
if (!before) {
  console.error('usage: npx tsx bench/compare.ts <other build root> [cases] [rounds] [virtual seconds]');
  process.exit(1);
}
const sizes = { ...FULL, measureMs: Number(secondsArg) * 1000 };
const builds = { before, after: REPO_ROOT };
const scenarios = names.split(',').map((n) => CASES.find((c) => c.name === n && c.kind === 'steady') as SteadyScenario | undefined);
if (scenarios.some((s) => !s)) throw new Error(`unknown or custom case in ${names}`);

const runs = new Map<string, Round[]>();
for (let r = 0; r < Number(roundsArg); r++) {
  for (const s of scenarios as SteadyScenario[]) {
    for (const [label, root] of Object.entries(builds)) {
      setBridgeRoot(root);
      const key = `${s.name} ${label}`;
      runs.set(key, [...(runs.get(key) ?? []), await steadyRound(s, sizes)]);
      console.error(`compare: round ${r + 1} ${key}`);
    }
  }
}
const per = (rs: Round[], f: (r: Round) => number) => median(rs.map((r) => (f(r) * 1000) / r.window.done));
const rows = [...runs].map(([key, rs]) => ({
  run: key,
  'server µs/call (wall)': +per(rs, (r) => r.cpuMs).toFixed(2),
  'server µs/call (cpu)': +per(rs, (r) => r.serverProcessCpuMs).toFixed(2),
  'world cpu µs/call': +per(rs, (r) => r.processCpuMs).toFixed(1),
}));
console.table(rows);
