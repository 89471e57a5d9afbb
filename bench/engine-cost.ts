/**
 * What the engine costs: server CPU per call, and memory per pending request.
 *
 *   npm run build && node --expose-gc --import tsx bench/engine-cost.ts
 *
 * 1. Server CPU per call: wall-clock µs the server machine spends in its ticks (`Machine.tickWallMs`, the emulator's
 *    `timeTicks` option) divided by the calls it served, with the server doing nothing else. Its ticks hold all of
 *    its work: decoding the batches (msgpack), the engine's checks and handlers, encoding and sending the replies.
 *    A raw event round trip (`onNet` → `emitNet`, one event per call each way) is measured the same way for scale,
 *    and the engine's own logic alone (request batch in, reply batch out, no runtime, no msgpack) for the split.
 * 2. Memory per pending request: heap growth with 10,000 calls waiting (after GC), divided by 10,000, for the built
 *    engine in one emulated resource: the pending entry and its deadline slot, the caller's Promise and closures,
 *    and, on the server, the per-player index. The frames themselves leave at the next tick and are not counted.
 */
import path from 'node:path';
import { buildSync } from 'esbuild';
import type { CallbackEngine as Engine } from '../src/engine/engine.ts';
import type { Transport } from '../src/engine/transport.ts';
import { Emulator } from '../test/emulator/emulator.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
const manifest = (lines: string) => `fx_version 'cerulean'\ngame 'gta5'\n${lines}\n`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---- 1. server CPU per call ----

interface Row {
  path: string;
  clients: number;
  callsPerClientPerRound: number;
  calls: number;
  serverTickMs: number;
  usPerCall: number;
}

async function serverCost(mode: 'engine' | 'raw events', clients: number, perRound: number, rounds: number, warmup = 5): Promise<Row> {
  const emu = await Emulator.create({ latency: 20, timeTicks: true });
  if (mode === 'raw events') {
    // One event per call: FiveM's flood limits would drop most of them; the point here is the server's work.
    for (const [k, v] of [['netEvent', 1e9], ['netEventFlood', 1e9], ['netEventSize', 1e12]] as const) {
      emu.executeCommand(emu.server, `set rateLimiter_${k}_rate ${v}`);
      emu.executeCommand(emu.server, `set rateLimiter_${k}_burst ${v}`);
    }
    await emu.addInlineResource('shop', {
      'fxmanifest.lua': manifest("server_script 's.js'\nclient_script 'c.js'"),
      's.js': `onNet('ping', (i) => emitNet('pong', source, i));`,
      'c.js': `globalThis.done = 0; onNet('pong', () => { done++; });
        globalThis.fire = (n) => { for (let i = 0; i < n; i++) emitNet('ping', i); };`,
    });
  } else {
    await emu.addResource('callback_bridge', repoRoot);
    const inc = "'@callback_bridge/dist/callbacks.js'";
    await emu.addInlineResource('shop', {
      'fxmanifest.lua': manifest(`server_scripts { ${inc}, 's.js' }\nclient_scripts { ${inc}, 'c.js' }`),
      's.js': `CallbackBridge.register('echo', (source, i) => i, { rateLimit: false });`,
      'c.js': `globalThis.done = 0;
        globalThis.fire = (n) => { for (let i = 0; i < n; i++) CallbackBridge.triggerServer('echo', i).then(() => { done++; }); };`,
    });
    emu.start('callback_bridge');
  }
  emu.start('shop');
  const players = Array.from({ length: clients }, () => emu.connect());
  const ctx = (p: (typeof players)[number]) => (p.machine.resources.get('shop')!.runtimes[0] as unknown as { context: Record<string, any> }).context;
  await emu.advance(500);
  const round = async () => {
    for (const p of players) ctx(p).fire(perRound);
    await emu.advance(250); // > one round trip: every call of the round is answered
  };
  for (let i = 0; i < warmup; i++) await round(); // warm-up (JIT, buckets, directories)
  const doneBefore = players.reduce((n, p) => n + ctx(p).done, 0);
  emu.server.tickWallMs = 0;
  for (let i = 0; i < rounds; i++) await round();
  const calls = players.reduce((n, p) => n + ctx(p).done, 0) - doneBefore;
  const ms = emu.server.tickWallMs;
  await emu.close();
  if (calls !== clients * perRound * rounds) throw new Error(`${mode}: ${calls} of ${clients * perRound * rounds} calls answered`);
  return { path: mode, clients, callsPerClientPerRound: perRound, calls, serverTickMs: Math.round(ms), usPerCall: +((ms * 1000) / calls).toFixed(2) };
}

/**
 * The server engine's own work per call, without runtime or msgpack: a request batch handed to its net handler, its
 * tick run, the reply batch handed to a transport that drops it. Built with esbuild like dist/ (tsx would add
 * `keepNames` wrappers to every closure).
 */
async function engineLogicCost(perBatch: number, batches: number): Promise<Row> {
  const out = buildSync({ entryPoints: [path.join(repoRoot, 'src/engine/engine.ts')], bundle: true, format: 'esm', write: false, platform: 'neutral' });
  const url = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`;
  const { CallbackEngine } = (await import(url)) as { CallbackEngine: typeof Engine };
  let now = 0;
  let tick: () => boolean = () => false;
  let receive: (from: number, args: unknown[]) => void = () => undefined;
  const transport = {
    side: 'server', resource: 'shop', now: () => now, send: () => undefined,
    onNet: (event: string, fn: typeof receive) => void (event === 'cbb:q:shop' && (receive = fn)),
    onLocal: () => undefined, emitLocal: () => undefined, everyTick: (fn: () => boolean) => void (tick = fn),
    onPlayerDropped: () => undefined, onResourceStop: () => undefined, connected: () => true, allowed: () => true,
    convar: (_: string, fallback: string) => fallback, log: () => undefined,
  } as unknown as Transport;
  const engine = new CallbackEngine(transport, { claim: () => ({ ok: true }), release: () => undefined, ownerOnOtherSide: () => undefined });
  engine.register('echo', 'return', (_source: number, i: number) => i, { rateLimit: false });
  const batch = (): unknown[] => {
    const args: unknown[] = [1, 'caller'];
    for (let i = 0; i < perBatch; i++) args.push(1, i + 1, 'echo', 1, i);
    args.push(0);
    return args;
  };
  const run = (n: number) => {
    for (let b = 0; b < n; b++) {
      receive(1, batch());
      tick();
      now += 50;
    }
  };
  run(batches); // warm-up
  const t0 = performance.now();
  run(batches);
  const ms = performance.now() - t0;
  const calls = perBatch * batches;
  return { path: 'engine logic alone', clients: 1, callsPerClientPerRound: perBatch, calls, serverTickMs: Math.round(ms), usPerCall: +((ms * 1000) / calls).toFixed(2) };
}

// ---- 2. memory per pending request ----

/**
 * Heap growth per pending call of the built `dist/callbacks.js` in an emulated resource. The caller's link is cut
 * after the world is up, so no request arrives anywhere and nothing answers: what stays is the caller's side only.
 * (Measured on the build, not the TS sources under tsx: tsx's `keepNames` gives every closure a property array,
 * which would more than double the figure.)
 */
async function heapPerPending(side: 'client' | 'server', n: number, players: number): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const emu = await Emulator.create({ latency: 20 });
  await emu.addResource('callback_bridge', repoRoot);
  const inc = "'@callback_bridge/dist/callbacks.js'";
  const fire = (call: string) => `globalThis.held = []; globalThis.fire = (n) => { for (let i = 0; i < n; i++) held.push(${call}); };`;
  await emu.addInlineResource('shop', {
    'fxmanifest.lua': manifest(`server_scripts { ${inc}, 's.js' }\nclient_scripts { ${inc}, 'c.js' }`),
    's.js': fire(`CallbackBridge.triggerClient(1 + (i % ${players}), 'menu:open', i)`),
    'c.js': fire(`CallbackBridge.triggerServer('shop:price', i)`),
  });
  emu.start('callback_bridge');
  emu.start('shop');
  const list = Array.from({ length: players }, () => emu.connect());
  await emu.advance(500);
  for (const p of list) (side === 'client' ? p.up : p.down).close();
  const machine = side === 'client' ? list[0].machine : emu.server;
  const ctx = (machine.resources.get('shop')!.runtimes[0] as unknown as { context: Record<string, any> }).context;
  ctx.fire(1); // lazily made tables (metrics entry, directories) are not counted
  await emu.advance(100);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  ctx.fire(n);
  await emu.advance(100); // the frames leave (into the cut link): only what waits for the replies stays
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const pending = ctx.CallbackBridge.engine.pending.size;
  await emu.close();
  if (pending !== n + 1) throw new Error(`${side}: ${pending} pending, expected ${n + 1}`);
  return (after - before) / n;
}

// The pending calls of the memory runs reject when their emulator closes; nobody waits for them.
process.on('unhandledRejection', () => undefined);

/** Median of 3 runs by µs per call (wall-clock time is noisy: GC, JIT). */
async function serverCostMedian(...args: Parameters<typeof serverCost>): Promise<Row> {
  const runs = [await serverCost(...args), await serverCost(...args), await serverCost(...args)].sort((a, b) => a.usPerCall - b.usPerCall);
  return runs[1];
}

const rows: Row[] = [];
rows.push(await serverCostMedian('engine', 1, 1, 3000, 2000));
rows.push(await serverCostMedian('engine', 1, 20, 300, 100));
rows.push(await serverCostMedian('engine', 50, 20, 20));
rows.push(await serverCostMedian('raw events', 1, 1, 3000, 2000));
rows.push(await serverCostMedian('raw events', 50, 20, 20));
rows.push(await engineLogicCost(1, 100_000));
rows.push(await engineLogicCost(20, 10_000));
console.log('Server CPU per call (wall-clock µs in the server machine\'s ticks / calls answered):');
console.table(rows);

const N = 10_000;
const mem = [];
for (const [side, players, caller] of [['client', 1, 'triggerServer'], ['server', 100, 'triggerClient, 100 players']] as const) {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) samples.push(await heapPerPending(side, N, players));
  mem.push({ side, caller, pending: N, bytesPerPending: Math.round(median(samples)), samples: samples.map(Math.round).join(' ') });
}
console.log(`Memory per pending request (heap growth with ${N} pending, after gc, / ${N}; median of 5):`);
console.table(mem);
