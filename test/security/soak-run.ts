/**
 * The soak (issue: security): N clients for M virtual minutes against the bridge (stand-ins on), a JS resource on
 * dist/callbacks.js and a Lua resource on import.lua: honest calls both ways, abusers (flooders at 10x a rate limit,
 * forgers, oversize and deep payloads, made-up names on the bridge's protocol and on QBCore's wire, garbage batches)
 * sending through the emulated network and FiveM's limiters, drops and joins, resource restarts and a bridge restart.
 * `npm run soak` runs 500 clients for 30 minutes (scripts/soak.ts); soak.test.ts a short version.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { Emulator, type Player } from '../emulator/emulator.ts';
import { jsGlobals, luaGlobal, manifest } from '../support/cfx.ts';
import { nested, rawCodec } from './hostile.ts';
import { grown, luaEngineSizes, LUA_SIZES, tsEngineSizes, type Sizes } from './sizes.ts';

/** The repo root (the bridge resource): this file runs under vitest and under plain tsx (scripts/soak.ts). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** An inline resource: `include` first on each side given (the JS engine, or the Lua import). */
async function addResource(emu: Emulator, name: string, include: string, ext: string, code: { server?: string; client?: string }) {
  const files: Record<string, string> = {};
  const lines: string[] = [];
  for (const side of ['server', 'client'] as const) {
    if (code[side] === undefined) continue;
    lines.push(`${side}_scripts { ${include ? `'${include}', ` : ''}'${side}.${ext}' }`);
    files[`${side}.${ext}`] = code[side]!;
  }
  files['fxmanifest.lua'] = manifest(lines.join('\n'));
  await emu.addInlineResource(name, files);
}

export interface SoakOptions {
  clients: number;
  minutes: number;
  seed?: number;
  /** Progress lines (the script prints them; the test stays quiet). */
  log?: (line: string) => void;
}

/** JS heap used; array buffers (the Lua VM's WebAssembly memory: a high-water mark, it never shrinks); the Lua
 * resource's own live heap after a full collection (collectgarbage('count')). MB. */
export interface Memory {
  heap: number;
  wasm: number;
  luaResource: number;
}

export interface SoakReport {
  clients: number;
  virtualMinutes: number;
  wallSeconds: number;
  callsServed: number;
  errorsByCode: Record<string, number>;
  abuseSent: number;
  abuseBlocked: Record<string, number>;
  maxPending: number;
  memoryMB: { start: Memory; end: Memory };
  tablesAboveBaseline: Sizes;
  scriptErrors: string[];
  kicked: number;
}

const JS_SERVER = `
CallbackBridge.register('sk:price', (src, n) => n * 2, { rateLimit: false });
CallbackBridge.register('sk:slow', (src, n) => new Promise((r) => setTimeout(() => r(n), 200)), { rateLimit: false });
CallbackBridge.register('sk:strict', (src, data) => 'ok', { validate: { required: ['id'], types: { id: 'string' } }, rateLimit: { rate: 5, burst: 10 }, maxPayload: 4096 });
on('sk:ask', (player, n) => CallbackBridge.triggerClient(player, 'sk:confirm', n).then((v) => emit('sk:done', v === n + 1 ? 'ok' : 'WRONG'), (e) => emit('sk:done', e.code)));`;
const JS_CLIENT = `CallbackBridge.registerClient('sk:confirm', (n) => n + 1);`;
const LUA_SERVER = `
RegisterCallback('lsk:price', function(src, n) return n * 2 end, { rateLimit = false })
RegisterCallback('lsk:strict', function(src, data) return 'ok' end, { validate = { required = { 'id' }, types = { id = 'string' } }, rateLimit = { rate = 5, burst = 10 }, maxPayload = 4096 })
AddEventHandler('lsk:ask', function(player, n)
  TriggerClientCallback(player, 'sk:confirm', function(v, err, timedOut)
    if v == n + 1 then TriggerEvent('sk:done', 'ok') elseif v == nil then TriggerEvent('sk:done', err) else TriggerEvent('sk:done', 'WRONG') end
  end, n)
end)
AddEventHandler('sk:stats', function()
  local e, errors = CallbackBridge.engine, {}
  for _, row in ipairs(e.metrics:snapshot()) do
    if row.role == 'handler' then for code, n in pairs(row.errors) do errors[code] = (errors[code] or 0) + n end end
  end
  collectgarbage('collect')
  STATS = json.encode({ counters = e.metrics.counters, errors = errors, kb = collectgarbage('count') })
end)
${LUA_SIZES}`;

/** What a Lua failure message says, as a code. */
const codeOf = (m: unknown) =>
  [['does not exist', 'NOT_FOUND'], ['timed out', 'TIMEOUT'], ['dropped', 'PLAYER_DROPPED'], ['not connected', 'PLAYER_DROPPED'], ['resource stopped', 'RESOURCE_STOPPED'], ['too many', 'BUSY'], ['rate limited', 'RATE_LIMITED']]
    .find(([t]) => String(m).includes(t))?.[1] ?? String(m);

export async function runSoak({ clients, minutes, seed = 7, log = () => undefined }: SoakOptions): Promise<SoakReport> {
  const wall0 = Date.now();
  let rng = seed;
  const random = () => ((rng = (rng * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const emu = await Emulator.create({ seed, latency: 30, jitter: 10 });
  emu.setConvar('callback_bridge:standin', 'es_extended,qb-core,ox_lib', true);
  await emu.addResource('callback_bridge', ROOT);
  await addResource(emu, 'sk_js', '@callback_bridge/dist/callbacks.js', 'js', { server: JS_SERVER, client: JS_CLIENT });
  await addResource(emu, 'sk_lua', '@callback_bridge/import.lua', 'lua', { server: LUA_SERVER });
  await addResource(emu, 'sk_spy', '', 'js', { server: `on('sk:done', (code) => skDone(code));` });
  for (const res of ['callback_bridge', 'sk_js', 'sk_lua', 'sk_spy']) if (!emu.start(res)) throw new Error(`soak: ${res} did not start`);

  const errorsByCode: Record<string, number> = {};
  let callsServed = 0;
  const outcome = (code: string) => (code === 'ok' ? callsServed++ : (errorsByCode[code] = (errorsByCode[code] ?? 0) + 1));
  jsGlobals(emu.server, 'sk_spy').skDone = (code: string) => outcome(code === 'ok' ? 'ok' : codeOf(code));

  const honest: Player[] = [];
  const abusers: Player[] = [];
  const nAbusers = Math.max(6, Math.round(clients * 0.05));
  for (let i = 0; i < clients; i++) {
    (i < nAbusers ? abusers : honest).push(emu.connect({ latency: 20 + Math.floor(random() * 60) }));
    if (i % 50 === 49) await emu.advance(100);
  }
  await emu.advance(2000);
  const luaStats = () => {
    emu.server.triggerLocal('sk:stats');
    return JSON.parse(String(luaGlobal(emu.server, 'sk_lua', 'STATS'))) as { counters: Record<string, number>; errors: Record<string, number>; kb: number };
  };
  const heap = () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    return {
      heap: Math.round((m.heapUsed / 1e6) * 10) / 10,
      wasm: Math.round((m.arrayBuffers / 1e6) * 10) / 10,
      luaResource: Math.round(luaStats().kb / 100) / 10,
    };
  };
  const memStart = heap();

  // ---- abuse accounting: engine counters and refusals, summed across restarts ----
  const blocked: Record<string, number> = {};
  const add = (k: string, n: number) => n > 0 && (blocked[k] = (blocked[k] ?? 0) + n);
  const bridgeCtx = () => (emu.server.resources.get('callback_bridge')!.runtimes[0] as unknown as { context: vm.Context }).context;
  const tsStats = (engine: any) => {
    const errors: Record<string, number> = {};
    for (const row of engine.metrics.snapshot()) if (row.role === 'handler') for (const [c, n] of Object.entries(row.errors)) errors[c] = (errors[c] ?? 0) + (n as number);
    return { counters: { ...engine.metrics.counters }, errors };
  };
  const engines: Record<string, () => ReturnType<typeof tsStats>> = {
    sk_js: () => tsStats(jsGlobals(emu.server, 'sk_js').CallbackBridge.engine),
    sk_lua: luaStats,
    callback_bridge: () => tsStats(vm.runInContext('engine', bridgeCtx())),
  };
  const harvest = (res: string) => {
    const s = engines[res]();
    for (const k of ['malformed', 'forgedReplies', 'notFound', 'spoofed']) add(k, s.counters[k as keyof typeof s.counters] ?? 0);
    for (const c of ['RATE_LIMITED', 'PAYLOAD_TOO_LARGE', 'INVALID_ARGUMENTS', 'BUSY', 'FORBIDDEN']) add(c, s.errors[c] ?? 0);
  };

  let abuseSent = 0;
  let nextId = 1;
  const send = (p: Player, event: string, args: unknown[]) => {
    abuseSent++;
    emu.sendToServer(p.machine, event, rawCodec.pack(args), 0, false);
  };
  const batch = (...frames: unknown[][]) => [1, 'cheat', ...frames.flat(), 0];
  const req = (name: string, ...args: unknown[]) => [1, nextId++, name, args.length, ...args];
  const abuse = (p: Player, kind: number, tick: number) => {
    switch (kind % 6) {
      case 0: // flood at 10x: 50/s against a 5/s limit, both twins
        send(p, 'cbb:q:sk_js', batch(...Array.from({ length: 5 }, () => req('sk:strict', { id: 'x' }))));
        send(p, 'cbb:q:sk_lua', batch(...Array.from({ length: 5 }, () => req('lsk:strict', { id: 'x' }))));
        break;
      case 1: // forged replies with live ids of other players' requests
        if (tick % 5 === 0) for (const id of [...jsGlobals(emu.server, 'sk_js').CallbackBridge.engine.pending.byId.keys()].slice(0, 3)) send(p, 'cbb:r:sk_js', [1, 'sk_js', 2, id, 1, 'forged', 0]);
        break;
      case 2: // oversize and deep payloads, invalid data
        if (tick % 10 === 0) send(p, 'cbb:q:sk_js', batch(req('sk:strict', { id: 'y'.repeat(20_000) }), req('sk:strict', nested(40, 'z'.repeat(8000))), req('sk:strict', 7)));
        if (tick % 10 === 5) send(p, 'cbb:q:sk_lua', batch(req('lsk:strict', nested(20, 'z'.repeat(8000))), req('lsk:strict', { id: 3 })));
        break;
      case 3: // made-up names on the bridge's protocol and on QBCore's and ESX's wires
        send(p, 'cbb:q:callback_bridge', batch(req(`made:up:${nextId}`)));
        send(p, 'QBCore:Server:TriggerCallback', [`made:up:${nextId++}`, 1]);
        send(p, 'esx:triggerServerCallback', [`made:up:${nextId++}`, nextId, 'sk_js']);
        break;
      case 4: // garbage batches
        send(p, 'cbb:q:sk_js', [1, 'cheat', 1, 'id', 'sk:price', 99, 0]);
        send(p, 'cbb:r:sk_lua', [2, null, {}, 'x']);
        break;
      default: // announces junk names
        if (tick % 10 === 0) send(p, 'cbb:announce', [Array.from({ length: 50 }, (_, i) => [`junk:${nextId}:${i}`, 'cheat'])]), nextId++;
    }
  };

  // ---- the run: 100 ms steps ----
  const steps = minutes * 600;
  let maxPending = 0;
  for (let t = 0; t < steps; t++) {
    // Honest calls: each client about every 5 s, mixed.
    const calls = Math.round((honest.length / 50) * (0.5 + random()));
    for (let i = 0; i < calls; i++) {
      const p = honest[Math.floor(random() * honest.length)];
      const n = Math.floor(random() * 1000);
      const kind = random();
      const bridge = jsGlobals(p.machine, 'sk_js').CallbackBridge;
      if (kind < 0.35) bridge.triggerServer('sk:price', n).then((v: number) => outcome(v === n * 2 ? 'ok' : 'WRONG'), (e: { code: string }) => outcome(e.code));
      else if (kind < 0.7) bridge.triggerServer('lsk:price', n).then((v: number) => outcome(v === n * 2 ? 'ok' : 'WRONG'), (e: { code: string }) => outcome(e.code));
      else if (kind < 0.8) bridge.triggerServer('sk:slow', n).then((v: number) => outcome(v === n ? 'ok' : 'WRONG'), (e: { code: string }) => outcome(e.code));
      else emu.server.triggerLocal(kind < 0.9 ? 'sk:ask' : 'lsk:ask', p.netId, n);
    }
    abusers.forEach((p, i) => abuse(p, i, t));
    // Lifecycle: a drop and a join every 5 s; a resource restart every sixth of the run, the bridge at half time.
    if (t % 50 === 25) {
      const i = Math.floor(random() * honest.length);
      emu.drop(honest[i].netId, 'left');
      honest[i] = emu.connect({ latency: 20 + Math.floor(random() * 60) });
    }
    const every = Math.floor(steps / 6);
    const restart = t === Math.floor(steps / 2) ? 'callback_bridge' : t > 0 && t % every === 0 ? ((t / every) % 2 ? 'sk_lua' : 'sk_js') : null;
    if (restart) {
      harvest(restart);
      emu.restart(restart);
      log(`[soak] ${(t / 600).toFixed(1)} min: restarted ${restart}`);
    }
    await emu.advance(100);
    if (t % 10 === 0) {
      const pending = tsEngineSizes(jsGlobals(emu.server, 'sk_js').CallbackBridge.engine);
      const lua = luaEngineSizes(emu, 'sk_lua');
      const br = tsEngineSizes(vm.runInContext('engine', bridgeCtx()));
      maxPending = Math.max(maxPending, pending.pending + pending.serving + lua.pending + lua.serving + br.pending + br.serving);
    }
    if (t % 600 === 599) log(`[soak] ${((t + 1) / 600).toFixed(0)} min: ${callsServed} served, ${abuseSent} abusive events, max pending ${maxPending}`);
  }
  // Traffic stops: every deadline and sweep passes, then the tables must be back.
  for (const res of Object.keys(engines)) harvest(res);
  await emu.advance(75_000);
  const rest: Sizes = {};
  const put = (prefix: string, s: Sizes) => Object.entries(s).forEach(([k, v]) => (rest[`${prefix}.${k}`] = v));
  put('js', tsEngineSizes(jsGlobals(emu.server, 'sk_js').CallbackBridge.engine));
  put('lua', luaEngineSizes(emu, 'sk_lua'));
  put('bridge', tsEngineSizes(vm.runInContext('engine', bridgeCtx())));
  const tablesAboveBaseline = grown(Object.fromEntries(Object.keys(rest).map((k) => [k, rest[k]])), rest);
  // Junk names announced by abusers go with them: drop the abusers, then the bridge's record of client names must hold
  // only the honest clients' own.
  for (const p of abusers) emu.drop(p.netId, 'kicked by the admin');
  await emu.advance(1000);
  const junk = vm.runInContext(`[...clientNames.values()].reduce((n, o) => n + o.entries().filter(([k]) => k.startsWith('junk:')).length, 0)`, bridgeCtx()) as number;
  if (junk) tablesAboveBaseline['bridge.clientNames.junk'] = junk;
  add('network: dropped or kicked', emu.counters.dropped + emu.counters.oversize);
  const scriptErrors = emu.scriptErrors.map((l) => l.text).filter((t) => !/msgpack memory allocation failed/.test(t)).slice(0, 20);
  // The emulated console keeps its last 20,000 lines (the stand-ins print every refused wire call): not the bridge's.
  emu.logs.length = 0;
  const memEnd = heap();
  const report: SoakReport = {
    clients,
    virtualMinutes: minutes,
    wallSeconds: Math.round((Date.now() - wall0) / 100) / 10,
    callsServed,
    errorsByCode,
    abuseSent,
    abuseBlocked: blocked,
    maxPending,
    memoryMB: { start: memStart, end: memEnd },
    tablesAboveBaseline,
    scriptErrors,
    kicked: emu.counters.kicked,
  };
  await emu.close();
  return report;
}
