/**
 * Runs the cases and puts their figures together: the steady cases' rounds interleaved (round 1 of every case, then
 * round 2...) so that a machine getting slower or faster during the run hits every case alike, then their
 * pending-memory worlds, then the custom cases. Used by `bench/run.ts` and by the smoke test.
 */
import os from 'node:os';
import type { BenchCase, CaseResult, Sizes, SteadyScenario } from './types.ts';
import { pendingBytes, steadyRound, summarize, type Round } from './steady.ts';
import { addRatios, evaluateTargets, type Target } from './report.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export interface Results {
  schema: 1;
  generatedAt: string;
  command: string;
  machine: Machine;
  /** The sizes the run used. */
  sizes: Sizes;
  /** Definitions of the columns, in words. */
  definitions: Record<string, string>;
  cases: CaseResult[];
  targets: Target[];
  /** Wall seconds of the whole run. */
  wallSeconds: number;
}

export function machineInfo(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

export const DEFINITIONS: Record<string, string> = {
  throughput: 'round trips per second of wall time of the whole emulated world (server, clients, network: one Node process), at the case\'s fixed load',
  worldUsPerCall: '1e6 / throughput: wall µs of the whole world per round trip (both ends and the emulated network)',
  serverCpuUsPerCall: "wall time of the server machine's ticks (emulator option timeTicks) plus the Promise continuations they leave, ÷ calls served",
  latency: 'virtual time from the call to its reply on the caller, p50 and p99; ticks are server frames of 50 ms; the network alone takes 2 × 20 ms',
  bytesPerPending: "heap (JS and Lua) per call left waiting for its reply on the caller's machine, after a full collection",
  retainedBytesPerCall: 'heap (JS and every Lua state) after the measured calls settled, minus before them, ÷ calls: ≈ 0 when nothing outlives a request',
  ratio: "each case ÷ its baseline (raw for the bridge cases, ox-peer for the ox case): cost ratios > 1 cost more, the throughput ratio > 1 is faster",
};

export interface SuiteOptions {
  /** Only these cases (names); their baselines are added so the ratios can be made. */
  only?: string[];
  /** Called after each step, for progress output. */
  progress?: (line: string) => void;
  command?: string;
}

/** The cases to run: `only` plus the baselines they need, in the suite's order. */
export function selectCases(all: BenchCase[], only?: string[]): BenchCase[] {
  if (!only?.length) return all;
  const want = new Set(only);
  for (const c of all) if (want.has(c.name) && c.baseline) want.add(c.baseline);
  return all.filter((c) => want.has(c.name));
}

export async function runSuite(all: BenchCase[], sizes: Sizes, options: SuiteOptions = {}): Promise<Results> {
  const log = options.progress ?? (() => undefined);
  const t0 = performance.now();
  const cases = selectCases(all, options.only);
  const steady = cases.filter((c): c is BenchCase & SteadyScenario & { kind: 'steady' } => c.kind === 'steady');
  const rounds = new Map<string, Round[]>(steady.map((c) => [c.name, []]));
  for (let r = 0; r < sizes.rounds; r++) {
    for (const c of steady) {
      const t = performance.now();
      rounds.get(c.name)!.push(await steadyRound(c, sizes));
      log(`round ${r + 1}/${sizes.rounds} ${c.name} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
  }
  const results: CaseResult[] = [];
  for (const c of cases) {
    const t = performance.now();
    if (c.kind === 'steady') results.push(summarize(c, sizes, rounds.get(c.name)!, await pendingBytes(c, sizes.pendingCalls)));
    else results.push(await c.run(sizes));
    log(`${c.name} done (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  addRatios(results);
  return {
    schema: 1,
    generatedAt: new Date().toISOString(),
    command: options.command ?? 'npm run bench',
    machine: machineInfo(),
    sizes,
    definitions: DEFINITIONS,
    cases: results,
    targets: evaluateTargets(results),
    wallSeconds: (performance.now() - t0) / 1000,
  };
}
