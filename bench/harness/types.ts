/**
 * The shapes the bench passes around and writes to `bench/results.json`.
 */
import type { BenchWorld } from './world.ts';

/** How big a run is. `npm run bench` uses FULL; the smoke test in `npm test` uses SMOKE. */
export interface Sizes {
  /** Steady cases (1–6): clients, calls per client per second, warm-up and measured virtual ms, rounds (median). */
  clients: number;
  rate: number;
  warmupMs: number;
  measureMs: number;
  rounds: number;
  /** Calls left waiting for the memory-per-pending measurement. */
  pendingCalls: number;
  /** Burst: calls fired in one frame, how many bursts, virtual ms between them. */
  burst: { calls: number; repeats: number; gapMs: number };
  /** Scale: clients, calls per client per second, virtual seconds, players dropped (and as many joining) per second. */
  scale: { clients: number; rate: number; seconds: number; churnPerSecond: number };
}

export const FULL: Sizes = {
  clients: 64,
  rate: 20,
  warmupMs: 3_000,
  measureMs: 12_000,
  rounds: 5,
  pendingCalls: 2_000,
  // 30 bursts: what the first ones make once (optimised code, tables sized to a burst) must not read as per-call retention.
  burst: { calls: 500, repeats: 30, gapMs: 2_000 },
  scale: { clients: 2_048, rate: 5, seconds: 60, churnPerSecond: 8 },
};

export const SMOKE: Sizes = {
  clients: 3,
  rate: 20,
  warmupMs: 300,
  measureMs: 1_000,
  rounds: 1,
  pendingCalls: 100,
  burst: { calls: 500, repeats: 1, gapMs: 500 },
  scale: { clients: 8, rate: 5, seconds: 2, churnPerSecond: 2 },
};

/** The case each case is compared to. */
export type Baseline = 'raw' | 'ox-peer';

/** One case's figures (medians over the rounds for the steady cases). */
export interface CaseResult {
  name: string;
  baseline: Baseline | null;
  description: string;
  /** The load, in words and numbers (clients, rate, virtual seconds...). */
  load: Record<string, number | string>;
  calls: {
    /** Calls made in the measured window(s). */
    sent: number;
    /** Calls that got their reply. */
    served: number;
    /** Calls that ended in an error. */
    failed: number;
    /** Calls whose caller left before the reply (scale: dropped players). */
    lost: number;
  };
  /** Round trips per second of wall time of the whole emulated world (server, clients, network; one process). */
  throughput: number;
  /** 1e6 / throughput: the world's wall µs per round trip. */
  worldUsPerCall: number;
  /** Server CPU µs per call: server ticks (plus their Promise continuations) ÷ calls served. */
  serverCpuUsPerCall: number;
  latency: {
    p50Ms: number;
    p99Ms: number;
    p50Ticks: number;
    p99Ticks: number;
    /** The emulated network's round trip (2 × one-way latency), ms. */
    networkMs: number;
    /** p99 above the network round trip, in server ticks (50 ms). */
    p99AboveNetworkTicks: number;
  };
  memory: {
    /** Heap (JS and Lua) per call left waiting for its reply, on the caller's machine, bytes. */
    bytesPerPending: number | null;
    /** Heap left after the measured calls settled, per call, bytes (≈ 0: nothing outlives a request). */
    retainedBytesPerCall: number | null;
  };
  /** Pass/fail facts of the run (all served, nobody kicked, tables empty afterwards...). */
  checks: Record<string, boolean>;
  /** Case-specific figures. */
  extra: Record<string, unknown>;
  /** Filled by the report: this case against its baseline (>1 = costs more / is faster). */
  ratio?: { to: Baseline; worldCost: number; serverCpu: number; throughput: number };
  /**
   * Steady cases: each round's figures, in round order. Round i of every case runs in the same pass over the cases,
   * so a ratio is taken round by round and its median reported: drift of the machine between passes cancels out.
   */
  perRound?: { throughput: number[]; worldUsPerCall: number[]; serverCpuUsPerCall: number[] };
}

/** A steady-load scenario (cases 1–6): what to install; the caller script is in `caller.resource` on every client. */
export interface SteadyScenario {
  name: string;
  baseline: Baseline | null;
  description: string;
  caller: { resource: string; kind: 'js' | 'lua' };
  /** Adds and starts every resource of the scenario (the bridge and the doubles when it needs them). */
  install(world: BenchWorld): Promise<void>;
  /** Convars set (replicated) before anything starts. */
  convars?: Record<string, string>;
}

/** A case with its own run (burst, scale). */
export interface CustomCase {
  name: string;
  baseline: Baseline | null;
  description: string;
  run(sizes: Sizes): Promise<CaseResult>;
}

export type BenchCase = ({ kind: 'steady' } & SteadyScenario) | ({ kind: 'custom' } & CustomCase);
