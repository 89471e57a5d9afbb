/**
 * Case 7, `burst`: one client fires 500 calls in one frame (bridge-js: the TS engine on both ends), a few times, with
 * FiveM's net-event limiters at their defaults. All must be served and the client never kicked: the 500 requests
 * leave as one net event, the 500 replies come back as one. For scale, the same burst as 500 bare `emitNet` events.
 */
import { jsCaller } from '../harness/callers.ts';
import { allStats, pendingBytes, setUp } from '../harness/steady.ts';
import { heapBytes } from '../harness/probe.ts';
import { latencyOf, since } from '../harness/stats.ts';
import type { CaseResult, CustomCase, Sizes, SteadyScenario } from '../harness/types.ts';
import { LATENCY_MS } from '../harness/world.ts';
import { installJs } from './bridge-js.ts';
import { raw } from './raw.ts';

/** The handler takes any rate from this player: the burst is the point (the default allows 20 at once). */
const SERVER = `CallbackBridge.register('bench:price', (source, i, item) => i + 1, { rateLimit: false });`;
const CLIENT = jsCaller({ call: `CallbackBridge.triggerServer('bench:price', i, 'bread').then(() => ok(t0), ko);` });

const scenario: SteadyScenario = {
  name: 'burst',
  baseline: 'raw',
  description: '',
  caller: { resource: 'shop', kind: 'js' },
  install: (world) => installJs(world, SERVER, CLIENT),
};

/** The same burst as bare emitNet events (case `raw`'s scripts): how many are served, and whether FiveM kicks. */
async function rawBurst(calls: number): Promise<{ served: number; kicked: boolean }> {
  const world = await setUp({ ...raw, convars: {} }, 1);
  try {
    world.players[0].machine.triggerLocal('bench:fire', calls);
    await world.advance(2_000);
    return { served: allStats(raw, world.players).done, kicked: world.emu.counters.kicked > 0 };
  } finally {
    await world.close();
  }
}

async function run(sizes: Sizes): Promise<CaseResult> {
  const { calls, repeats, gapMs } = sizes.burst;
  const world = await setUp({ ...scenario, convars: {} }, 1);
  const [p] = world.players;
  let result: CaseResult;
  try {
    p.machine.triggerLocal('bench:fire', calls); // warm-up burst
    await world.advance(gapMs);
    const heapBefore = await heapBytes();
    const before = allStats(scenario, world.players);
    const packetsBefore = p.up.packets;
    world.cpu.reset();
    const t0 = performance.now();
    let paused = 0;
    // The heap is read again halfway: what the second half adds is what calls leave behind, not what the first
    // bursts made once (optimised code, tables grown to a burst's size).
    let heapMid = heapBefore;
    let doneMid = 0;
    const half = Math.max(1, Math.floor(repeats / 2));
    for (let i = 0; i < repeats; i++) {
      if (i === half) {
        const pause = performance.now();
        heapMid = await heapBytes();
        doneMid = since(allStats(scenario, world.players), before).done;
        paused += performance.now() - pause;
      }
      p.machine.triggerLocal('bench:fire', calls);
      await world.advance(gapMs);
    }
    const wallMs = performance.now() - t0 - paused;
    const w = since(allStats(scenario, world.players), before);
    const retained = (await heapBytes()) - heapMid;
    const retainedPerCall = retained / Math.max(1, w.done - doneMid);
    const eventsPerBurst = (p.up.packets - packetsBefore) / repeats;
    const { kicked, dropped } = world.emu.counters;
    result = {
      name: 'burst',
      baseline: 'raw',
      description: `one client fires ${calls} calls in one frame (bridge-js), ${repeats}×, FiveM's limiters at their defaults`,
      load: { clients: 1, callsPerBurst: calls, bursts: repeats, virtualSeconds: (repeats * gapMs) / 1000 },
      calls: { sent: w.sent, served: w.done, failed: w.failed, lost: w.sent - w.done - w.failed },
      throughput: (w.done / wallMs) * 1000,
      worldUsPerCall: (wallMs * 1000) / w.done,
      serverCpuUsPerCall: (world.cpu.ms * 1000) / w.done,
      latency: latencyOf(w.lat, 2 * LATENCY_MS),
      memory: { bytesPerPending: null, retainedBytesPerCall: retainedPerCall },
      checks: { allServed: w.done === w.sent && w.failed === 0, noneKicked: kicked === 0 && dropped === 0 },
      extra: { clientEventsPerBurst: eventsPerBurst },
    };
  } finally {
    await world.close();
  }
  result.memory.bytesPerPending = await pendingBytes(scenario, sizes.pendingCalls);
  const bare = await rawBurst(calls);
  result.extra.rawBurst = `${bare.served} of ${calls} served as bare emitNet, client ${bare.kicked ? 'kicked' : 'not kicked'}`;
  return result;
}

export const burst: CustomCase = {
  name: 'burst',
  baseline: 'raw',
  description: 'one client fires 500 calls in one frame',
  run,
};
