/**
 * The steady-load run shared by cases 1–6: `clients` clients, each calling `rate` times per second at evenly spread
 * phases, for `measureMs` virtual ms after a warm-up; the world's wall time, the server's CPU, every call's latency
 * and the heap left afterwards. Then, in a world of its own, the memory of calls left waiting.
 */
import type { Player } from '../../test/emulator/emulator.ts';
import { readStats, type CallerStats } from './callers.ts';
import { allLuaHeapBytes, heapBytes, jsGlobals, luaEval } from './probe.ts';
import { startProfile, stopProfile } from './profiler.ts';
import { latencyOf, median, since, total, type Histogram, type Totals } from './stats.ts';
import type { CaseResult, Sizes, SteadyScenario } from './types.ts';
import { BenchWorld, LATENCY_MS } from './world.ts';

/**
 * The handlers' per-player rate limit is raised above the offered rate (20 calls per second per client, the
 * default allows 10): the cases measure the path, and every call must be served.
 */
const STEADY_CONVARS = { 'callback_bridge:rate': '100', 'callback_bridge:burst': '200' };

/** Virtual ms given to calls in flight to finish after the load stops. */
const SETTLE_MS = 1_000;

/** One round's raw figures. */
interface Round {
  window: Totals;
  wallMs: number;
  /** CPU time of the process (user + system) over the window, ms: steadier than wall time on a busy machine. */
  processCpuMs: number;
  cpuMs: number;
  /** Server CPU in process CPU time, ms. */
  serverProcessCpuMs: number;
  retainedBytes: number;
}

/** Reads the caller's `BENCH` on one client. */
export function callerStats(s: Pick<SteadyScenario, 'caller'>, p: Player): CallerStats {
  const { resource, kind } = s.caller;
  return readStats(kind === 'js' ? jsGlobals(p.machine, resource)?.BENCH : luaEval(p.machine, resource, null, 'BENCH'));
}

/** Totals over every connected client. */
export function allStats(s: Pick<SteadyScenario, 'caller'>, players: Player[]): Totals {
  return total(players.map((p) => callerStats(s, p)));
}

/** Starts (or stops) the load on every client, phases spread evenly over one period. */
export function startLoad(players: Player[], rate: number): void {
  const period = 1000 / rate;
  players.forEach((p, i) => p.machine.triggerLocal('bench:start', period, 1 + Math.floor((i * period) / players.length)));
}

export function stopLoad(players: Player[]): void {
  for (const p of players) p.machine.triggerLocal('bench:stop');
}

/** Heap of the process plus every Lua state of the world, bytes. */
async function worldHeap(world: BenchWorld): Promise<number> {
  return (await heapBytes()) + allLuaHeapBytes([world.emu.server, ...world.players.map((p) => p.machine)]);
}

/** A world with the scenario installed and `clients` clients connected and settled. */
export async function setUp(s: SteadyScenario, clients: number): Promise<BenchWorld> {
  const world = await BenchWorld.create({ convars: { ...STEADY_CONVARS, ...s.convars } });
  await s.install(world);
  world.connect(clients);
  await world.advance(500);
  return world;
}

async function round(s: SteadyScenario, sizes: Sizes): Promise<Round> {
  const world = await setUp(s, sizes.clients);
  const players = world.players;
  try {
    // Warm-up (JIT, lazily made tables, directories), then stop and let it settle: the baseline has nothing in flight.
    startLoad(players, sizes.rate);
    await world.advance(sizes.warmupMs);
    stopLoad(players);
    await world.advance(SETTLE_MS);
    const heapBefore = await worldHeap(world);
    const before = allStats(s, players);
    await startProfile();
    world.cpu.reset();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    startLoad(players, sizes.rate);
    await world.advance(sizes.measureMs);
    stopLoad(players);
    await world.advance(SETTLE_MS);
    const wallMs = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    const processCpuMs = (c1.user + c1.system) / 1000;
    const cpuMs = world.cpu.ms;
    const serverProcessCpuMs = world.cpu.cpuMs;
    await stopProfile(s.name);
    const window = since(allStats(s, players), before);
    const retainedBytes = (await worldHeap(world)) - heapBefore;
    if (world.emu.counters.kicked || world.emu.counters.dropped) {
      throw new Error(`${s.name}: the server dropped ${world.emu.counters.dropped} events and kicked ${world.emu.counters.kicked} players`);
    }
    return { window, wallMs, processCpuMs, cpuMs, serverProcessCpuMs, retainedBytes };
  } finally {
    await world.close();
  }
}

/**
 * Heap per call left waiting: one client, its link to the server cut, `n` calls fired (a few hundred per frame),
 * the growth of the process heap and of the client's Lua states after a full collection, divided by `n`.
 */
export async function pendingBytes(s: SteadyScenario, n: number): Promise<number> {
  const world = await setUp(s, 1);
  const [p] = world.players;
  try {
    p.machine.triggerLocal('bench:fire', 1); // lazily made tables are not counted
    await world.advance(500);
    p.up.close();
    const measure = async () => (await heapBytes()) + allLuaHeapBytes([p.machine]);
    const before = await measure();
    for (let left = n; left > 0; left -= 250) {
      p.machine.triggerLocal('bench:fire', Math.min(250, left));
      await world.advance(16);
    }
    await world.advance(200); // the frames leave (into the cut link): what waits for the replies stays
    const after = await measure();
    const stats = callerStats(s, p);
    if (stats.done + stats.failed !== 1) throw new Error(`${s.name}: ${stats.done + stats.failed - 1} of the cut-off calls ended`);
    return (after - before) / n;
  } finally {
    // The waiting calls end with the world; nobody listens for them.
    await world.close();
  }
}

/** One round of a steady scenario (the runner interleaves rounds of all cases so that drift hits them alike). */
export function steadyRound(s: SteadyScenario, sizes: Sizes): Promise<Round> {
  return round(s, sizes);
}

export type { Round };

/** The case's figures from its rounds: medians of the per-round figures, latency from all rounds' calls. */
export function summarize(s: SteadyScenario, sizes: Sizes, rounds: Round[], perPending: number | null): CaseResult {
  const lat: Histogram = new Map();
  let sent = 0;
  let served = 0;
  let failed = 0;
  for (const r of rounds) {
    for (const [ms, n] of r.window.lat) lat.set(ms, (lat.get(ms) ?? 0) + n);
    sent += r.window.sent;
    served += r.window.done;
    failed += r.window.failed;
  }
  const perRound = {
    throughput: rounds.map((r) => (r.window.done / r.wallMs) * 1000),
    worldUsPerCall: rounds.map((r) => (r.wallMs * 1000) / r.window.done),
    serverCpuUsPerCall: rounds.map((r) => (r.cpuMs * 1000) / r.window.done),
  };
  const throughput = median(perRound.throughput);
  return {
    name: s.name,
    baseline: s.baseline,
    description: s.description,
    load: { clients: sizes.clients, callsPerClientPerSecond: sizes.rate, virtualSeconds: sizes.measureMs / 1000, rounds: rounds.length },
    calls: { sent, served, failed, lost: sent - served - failed },
    throughput,
    worldUsPerCall: 1e6 / throughput,
    serverCpuUsPerCall: median(perRound.serverCpuUsPerCall),
    latency: latencyOf(lat, 2 * LATENCY_MS),
    memory: { bytesPerPending: perPending, retainedBytesPerCall: median(rounds.map((r) => r.retainedBytes / r.window.done)) },
    checks: { allServed: served === sent && failed === 0 },
    perRound,
    extra: {
      processCpuUsPerCall: median(rounds.map((r) => (r.processCpuMs * 1000) / r.window.done)),
      serverProcessCpuUsPerCall: median(rounds.map((r) => (r.serverProcessCpuMs * 1000) / r.window.done)),
    },
  };
}
