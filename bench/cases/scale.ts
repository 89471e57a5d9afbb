/**
 * Case 8, `scale`: 2,048 clients each calling 5 times per second (bridge-js) for 60 virtual seconds, while some
 * players drop (mid-call) and as many new ones join and start calling, every second. Reported: the sustained rate,
 * server CPU per call and the server's load, p99 latency, and whether the server engine's tables and the heap are
 * back to their size before the run once the calls settled. Default limits everywhere.
 */
import type { Player } from '../../test/emulator/emulator.ts';
import { jsCaller } from '../harness/callers.ts';
import { allStats, callerStats, pendingBytes, startLoad, stopLoad } from '../harness/steady.ts';
import { heapBytes, jsGlobals } from '../harness/probe.ts';
import { addInto, latencyOf, since, total, type Totals } from '../harness/stats.ts';
import type { CaseResult, CustomCase, Sizes, SteadyScenario } from '../harness/types.ts';
import { BenchWorld, LATENCY_MS } from '../harness/world.ts';
import { installJs, SERVER } from './bridge-js.ts';

const scenario: SteadyScenario = {
  name: 'scale',
  baseline: 'raw',
  description: '',
  caller: { resource: 'shop', kind: 'js' },
  install: (world) => installJs(world, SERVER, jsCaller({ call: `CallbackBridge.triggerServer('bench:price', i, 'bread').then(() => ok(t0), ko);` })),
};

/** Sizes of the server engine's tables (pending calls, running handlers, rate buckets, open batches). */
function engineTables(world: BenchWorld): Record<string, number> {
  const engine = jsGlobals(world.emu.server, 'shop')?.CallbackBridge.engine;
  const responder = engine.responder;
  let buckets = 0;
  for (const limiter of responder.checks.limiters.values()) buckets += limiter.size;
  return {
    pending: engine.pending.size,
    serving: responder.serving.size,
    running: responder.checks.running.size,
    rateBuckets: buckets,
    openBatches: engine.outbox.open.size + engine.outbox.queue.length,
  };
}

async function run(sizes: Sizes): Promise<CaseResult> {
  const { clients, rate, seconds, churnPerSecond } = sizes.scale;
  const world = await BenchWorld.create();
  await scenario.install(world);
  world.connect(clients);
  await world.advance(1_000);
  try {
    // Warm-up, stop, settle: the baseline has nothing in flight.
    startLoad(world.players, rate);
    await world.advance(2_000);
    stopLoad(world.players);
    await world.advance(1_500);
    const tablesBefore = engineTables(world);
    const heapBefore = await heapBytes();
    const before = allStats(scenario, world.players);
    const gone: Totals = { sent: 0, done: 0, failed: 0, lat: new Map() };
    let seed = 7;
    const pick = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % world.players.length;
    world.cpu.reset();
    const t0 = performance.now();
    startLoad(world.players, rate);
    for (let s = 0; s < seconds; s++) {
      await world.advance(1_000);
      const leaving = new Set<Player>();
      while (leaving.size < Math.min(churnPerSecond, world.players.length - 1)) leaving.add(world.players[pick()]);
      for (const p of leaving) {
        const st = callerStats(scenario, p);
        gone.sent += st.sent;
        gone.done += st.done;
        gone.failed += st.failed;
        addInto(gone.lat, st.lat);
        world.drop(p);
      }
      const joined = world.connect(leaving.size);
      startLoad(joined, rate);
    }
    stopLoad(world.players);
    await world.advance(1_500);
    const wallMs = performance.now() - t0;
    const cpuMs = world.cpu.ms;
    const now = total([allStats(scenario, world.players), gone]);
    const w = since(now, before);
    const tablesAfter = engineTables(world);
    const retained = (await heapBytes()) - heapBefore;
    const sustained = w.done / seconds;
    const latency = latencyOf(w.lat, 2 * LATENCY_MS);
    const grew = Object.keys(tablesAfter).filter((k) => tablesAfter[k] > tablesBefore[k]);
    const { kicked, dropped } = world.emu.counters;
    return {
      name: 'scale',
      baseline: 'raw',
      description: `${clients} clients × ${rate} calls/s for ${seconds} virtual s (bridge-js), ${churnPerSecond} players leave and join every second`,
      load: { clients, callsPerClientPerSecond: rate, virtualSeconds: seconds, churnPerSecond },
      calls: { sent: w.sent, served: w.done, failed: w.failed, lost: w.sent - w.done - w.failed },
      throughput: (w.done / wallMs) * 1000,
      worldUsPerCall: (wallMs * 1000) / w.done,
      serverCpuUsPerCall: (cpuMs * 1000) / w.done,
      latency,
      memory: { bytesPerPending: null, retainedBytesPerCall: retained / w.done },
      checks: {
        sustained: sustained >= 0.99 * clients * rate && w.failed === 0,
        p99UnderTwoTicks: latency.p99AboveNetworkTicks < 2,
        tablesBackToBaseline: grew.length === 0 && tablesAfter.pending === 0 && tablesAfter.serving === 0,
        noneKicked: kicked === 0 && dropped === 0,
      },
      extra: {
        offeredPerSecond: clients * rate,
        sustainedPerSecond: sustained,
        serverLoad: cpuMs / (seconds * 1000),
        tablesBefore,
        tablesAfter,
        heapGrowthBytes: retained,
        wallSeconds: wallMs / 1000,
      },
    };
  } finally {
    await world.close();
  }
}

export const scale: CustomCase = {
  name: 'scale',
  baseline: 'raw',
  description: '2,048 clients × 5 calls/s for 60 virtual s, with players leaving and joining',
  async run(sizes) {
    const result = await run(sizes);
    result.memory.bytesPerPending = await pendingBytes(scenario, sizes.pendingCalls);
    return result;
  },
};
