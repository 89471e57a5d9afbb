/**
 * `npm run bench`: every case in the emulation (virtual time, one process), one table on stdout, the same figures in
 * `bench/results.json`, and the table with the machine and the command in BENCHMARKS.md (between its markers).
 *
 *   npm run bench                          the full run (a few minutes)
 *   npm run bench -- --only=bridge-js      some cases (their baselines are added), nothing written
 *   npm run bench -- --smoke               tiny sizes, seconds, nothing written
 *   npm run bench -- --only=bridge-js --clients=32 --rate=40 --warmup=60000   another steady load, nothing written
 *   node --cpu-prof --import tsx bench/run.ts --only=bridge-js     a profile of one case (see BENCHMARKS.md)
 *
 * Needs `npm run build` first (the resources include dist/). The process re-runs itself once with a larger young
 * generation: 2,048 emulated clients keep a gigabyte of heap, and the default one makes the collector dominate.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CASES } from './cases/index.ts';
import { caseNotes, machineLine, table, targetList } from './harness/report.ts';
import { runSuite, type Results } from './harness/suite.ts';
import { FULL, SMOKE } from './harness/types.ts';
import { REPO_ROOT } from './harness/world.ts';

const V8_FLAGS = ['--max-semi-space-size=64', '--max-old-space-size=6144'];

if (!process.execArgv.includes(V8_FLAGS[0]) && !process.env.CBB_BENCH_CHILD) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...V8_FLAGS, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, CBB_BENCH_CHILD: '1' },
  });
  process.exit(child.status ?? 1);
}

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))?.split('=')[1] ?? (args.includes(`--${name}`) ? '' : undefined);
const only = flag('only')?.split(',').filter(Boolean);
const smoke = flag('smoke') !== undefined;
const rounds = flag('rounds');
const write = !only?.length && !smoke && flag('no-write') === undefined && !flag('clients') && !flag('rate') && !flag('warmup');

if (!fs.existsSync(path.join(REPO_ROOT, 'dist/callbacks.js'))) {
  console.error('bench: dist/ is missing; run `npm run build` first (npm run bench does).');
  process.exit(1);
}

const clients = flag('clients');
const rate = flag('rate');
const warmup = flag('warmup');
const sizes = {
  ...(smoke ? SMOKE : FULL),
  ...(rounds ? { rounds: Number(rounds) } : {}),
  ...(clients ? { clients: Number(clients) } : {}),
  ...(rate ? { rate: Number(rate) } : {}),
  ...(warmup ? { warmupMs: Number(warmup) } : {}),
};
const results: Results = await runSuite(CASES, sizes, {
  only,
  command: 'npm run bench',
  progress: (line) => console.error(`bench: ${line}`),
});

const markdown = `${table(results)}\n\n${machineLine(results)}`;
console.log(`\n${markdown}\n\nTargets:\n${targetList(results)}\n`);

if (write) {
  fs.writeFileSync(path.join(REPO_ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const doc = path.join(REPO_ROOT, 'BENCHMARKS.md');
  if (fs.existsSync(doc)) {
    const text = fs.readFileSync(doc, 'utf8');
    const block = `<!-- bench:table -->\n${markdown}\n\n${targetList(results)}\n\n${caseNotes(results)}\n<!-- /bench:table -->`;
    fs.writeFileSync(doc, text.replace(/<!-- bench:table -->[\s\S]*?<!-- \/bench:table -->/, block));
  }
  console.error('bench: wrote bench/results.json and the table in BENCHMARKS.md');
}
