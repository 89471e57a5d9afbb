/**
 * The top frames of a V8 CPU profile by self time, grouped by function and file, for BENCHMARKS.md:
 *
 *   node --cpu-prof --cpu-prof-dir=prof --import tsx bench/run.ts --only=bridge-js --rounds=1
 *   npx tsx bench/profile.ts prof/<file>.cpuprofile [count] [filter]
 *
 * `filter` keeps frames whose file contains it (e.g. `callbacks.js`, the engine's build, or `@callback_bridge`).
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, countArg, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/profile.ts <file.cpuprofile> [count] [filter]');
  process.exit(1);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
  const where = url.replace(/^.*\/(node_modules|test|src|bench|adapters|dist)\//, '$1/');
  const key = `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
});
const rows = [...self].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 30));
console.log(`| self ms | % | frame |\n| ---: | ---: | --- |`);
for (const [key, us] of rows) console.log(`| ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)} | \`${key}\` |`);
console.log(`\ntotal ${(total / 1000).toFixed(0)} ms sampled`);
