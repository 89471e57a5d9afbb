/**
 * The top frames of a V8 CPU profile by self time, grouped by function and file, for BENCHMARKS.md:
 *
 *   CBB_BENCH_PROFILE=prof npx tsx bench/run.ts --only=bridge-js --rounds=1
 *   npx tsx bench/profile.ts prof/<file>.cpuprofile [count] [filter] [--side=server|client] [--by=file]
 *
 * `filter` keeps frames whose file contains it (e.g. `callbacks.js`, the engine's build, or `@callback_bridge`).
 * `--side` keeps the samples taken inside that side's machine ticks (the bench names them serverTick / clientTick);
 * `--by=file` sums self time per file instead of per function.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const [file, countArg, filter] = args.filter((a) => !a.startsWith('--'));
const side = option('side');
const byFile = option('by') === 'file';
if (!file) {
  console.error('usage: npx tsx bench/profile.ts <file.cpuprofile> [count] [filter] [--side=server|client] [--by=file]');
  process.exit(1);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Whether a node runs inside a function named `fn` (esbuild may add a digit; memoised per node). */
const inside = new Map<number, boolean>();
function under(id: number, fn: string): boolean {
  const known = inside.get(id);
  if (known !== undefined) return known;
  const up = parent.get(id);
  const result = nodes.get(id)!.callFrame.functionName.startsWith(fn) || (up !== undefined && under(up, fn));
  inside.set(id, result);
  return result;
}

const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  if (side && !under(id, `${side}Tick`)) return;
  const us = profile.timeDeltas[i] ?? 0;
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
  const where = url.replace(/^.*\/(node_modules|test|src|bench|adapters|dist|lua)\//, '$1/');
  const key = byFile ? where || `(${functionName})` : `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
});
const rows = [...self].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 30));
console.log(`| self ms | % | frame |\n| ---: | ---: | --- |`);
for (const [key, us] of rows) console.log(`| ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)} | \`${key}\` |`);
console.log(`\ntotal ${(total / 1000).toFixed(0)} ms sampled${side ? ` in ${side} ticks` : ''}`);
