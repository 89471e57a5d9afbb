/**
 * Abuse scenarios under load and lifecycle (issue: security): a client flooding one callback at ten times its rate
 * limit while other players call (their p99 must not move), handlers that never answer, a player dropping with 100
 * requests pending, and a restart of the bridge itself while resources hold pending calls. TS engine and Lua twin.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Player } from '../emulator/emulator.ts';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { executor, frames, held, percentile, requests } from './abuse-support.ts';
import { fuzzWorld } from './fuzz-world.ts';
import { luaEngineSizes, tsEngineSizes } from './sizes.ts';

const emu = useEmulator();
const client = (p: Player) => jsGlobals(p.machine, 'fz_js');

/**
 * Honest players calling fz:open and lfz:open every 200 ms for `ms` (and `each()` every 100 ms, in the same loop:
 * one loop drives virtual time); their latencies, ms.
 */
async function traffic(players: Player[], ms: number, each?: () => void): Promise<number[]> {
  const took: number[] = [];
  for (let t = 0; t < ms; t += 100) {
    if (t % 200 === 0) {
      for (const p of players) {
        for (const name of ['fz:open', 'lfz:open']) {
          const t0 = emu().clock.now();
          client(p).CallbackBridge.triggerServer(name, 1).then(() => took.push(emu().clock.now() - t0));
        }
      }
    }
    each?.();
    await emu().advance(100);
  }
  await emu().advance(1000);
  return took;
}

describe('abuse under load and lifecycle', () => {
  afterAll(() => console.log(`[abuse] held: ${JSON.stringify(held)}`));

  it("a client flooding a callback at 10x its rate limit is limited, and other players' p99 does not move", async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    const honest = [w.bystander, emu().connect(), emu().connect()];
    await emu().advance(300);
    const ex = await executor(emu(), w.cheater);
    const quiet = await traffic(honest, 10_000);
    // fz:strict allows 5/s (burst 10): the executor sends 50/s to each engine, 5 frames every 100 ms.
    let id = 1;
    const during = await traffic(honest, 10_000, () => {
      const calls = Array.from({ length: 5 }, () => [id++, 'fz:strict', { id: 'a', qty: 1 }] as [number, string, unknown]);
      ex.fire('cbb:q:fz_js', ...requests(...calls));
      ex.fire('cbb:q:fz_lua', ...requests(...calls.map(([i, , d]) => [i, 'lfz:strict', d] as [number, string, unknown])));
    });
    const ran = (engine: string) => w.runs.filter((r) => r.engine === engine && r.name === 'fz:strict').length;
    expect(ran('fz_js')).toBeLessThanOrEqual(10 + 5 * 10 + 1);
    expect(ran('fz_lua')).toBeLessThanOrEqual(10 + 5 * 10 + 1);
    const limited = frames(ex.replies).filter((f) => f[2] === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThanOrEqual(2 * (500 - 61));
    expect(emu().counters.kicked).toBe(0);
    expect(during.length).toBe(quiet.length);
    expect(percentile(during, 99)).toBe(percentile(quiet, 99));
    held.push(`flood at 10x: ${ran('fz_js')} + ${ran('fz_lua')} of 1000 ran, ${limited} RATE_LIMITED; others' p99 ${percentile(quiet, 99)} -> ${percentile(during, 99)} ms`);
  });

  it('handlers that never answer hold their slots only until the deadline; beyond the in-flight cap: BUSY', async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    w.js().register('ab:never', () => new Promise(() => undefined), { timeout: 1000, rateLimit: false });
    await emu().advance(100);
    const ex = await executor(emu(), w.cheater);
    ex.fire('cbb:q:fz_js', ...requests(...Array.from({ length: 40 }, (_, i) => [i + 1, 'ab:never'] as [number, string])));
    ex.fire('cbb:q:fz_lua', ...requests(...Array.from({ length: 40 }, (_, i) => [i + 101, 'lab:never'] as [number, string])));
    await emu().advance(300);
    const codes = () => frames(ex.replies).map((f) => f[2]);
    expect(codes().filter((c) => c === 'BUSY').length).toBe(16);
    await emu().advance(1500);
    expect(codes().filter((c) => c === 'TIMEOUT').length).toBe(64);
    for (const s of [tsEngineSizes(w.js().engine), luaEngineSizes(emu(), 'fz_lua')]) expect([s.serving, s['checks.running'], s['checks.total']]).toEqual([0, 0, 0]);
    held.push('handler never answers: 32 in flight per player then BUSY, TIMEOUT at the deadline, slots freed (TS, Lua)');
  });

  it('a player dropping with 100 requests pending each way ends them all at once', async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    const g = client(w.cheater);
    g.CallbackBridge.registerClient('ab:wait', () => new Promise((r) => g.setTimeout(() => r('late'), 5000)));
    w.js().register('ab:never', () => new Promise(() => undefined), { rateLimit: false });
    await emu().advance(300);
    const ends: Array<{ code?: string; at: number }> = [];
    for (let i = 0; i < 100; i++) {
      w.js().triggerClient(w.cheater.netId, 'ab:wait').then(
        () => ends.push({ at: emu().clock.now() }),
        (e: { code: string }) => ends.push({ code: e.code, at: emu().clock.now() }),
      );
      w.luaCall(w.cheater, 'ab:wait', `d${i}`);
    }
    for (let i = 0; i < 30; i++) g.CallbackBridge.triggerServer('ab:never').catch(() => undefined);
    await emu().advance(500);
    expect(tsEngineSizes(w.js().engine).serving).toBe(30);
    const at = emu().clock.now();
    emu().drop(w.cheater.netId, 'gone');
    await emu().advance(0);
    expect(ends.length).toBe(100);
    expect(ends.every((e) => e.code === 'PLAYER_DROPPED' && e.at === at)).toBe(true);
    const lua = Array.from({ length: 100 }, (_, i) => w.luaOut(`d${i}`));
    expect(lua.every((o) => o?.[0] === null && String(o?.[1]).includes('dropped'))).toBe(true);
    for (const s of [tsEngineSizes(w.js().engine), luaEngineSizes(emu(), 'fz_lua')]) {
      expect([s.pending, s['pending.byPlayer'], s.serving, s['serving.byPlayer'], s['checks.running']]).toEqual([0, 0, 0, 0, 0]);
    }
    held.push('drop with 100 pending each way (TS, Lua) + 30 being served: all ended PLAYER_DROPPED in the same tick, tables empty');
  });

  it('restarting the bridge while resources hold pending calls: their calls complete; calls through the bridge end at once', async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    const server = jsGlobals(emu().server, 'fz_js');
    const by = client(w.bystander);
    server.CallbackBridge.register('ab:slow', () => new Promise((r) => server.setTimeout(() => r('slow'), 1000)));
    by.CallbackBridge.registerClient('ab:wait', () => new Promise((r) => by.setTimeout(() => r('wait'), 1000)));
    const bridgeTimer = w.bridge('setTimeout');
    w.bridge('engine').register('xab:slow', 'return', () => new Promise((r) => bridgeTimer(() => r('x'), 1000)), {}, 'fz_exp');
    await emu().advance(300);
    const got: string[] = [];
    const note = (p: Promise<unknown>) => p.then((v) => got.push(String(v)), (e: { code: string }) => got.push(`${e.code}@${emu().clock.now()}`));
    for (let i = 0; i < 5; i++) {
      note(by.CallbackBridge.triggerServer('ab:slow'));
      note(server.CallbackBridge.triggerClient(w.bystander.netId, 'ab:wait'));
    }
    note(by.CallbackBridge.triggerServer('xab:slow'));
    await emu().advance(200);
    const at = emu().clock.now();
    expect(emu().restart('callback_bridge')).toBe(true);
    await emu().advance(2000);
    expect(got.filter((v) => v === 'slow').length).toBe(5);
    expect(got.filter((v) => v === 'wait').length).toBe(5);
    const stopped = got.find((v) => v.startsWith('RESOURCE_STOPPED@'));
    expect(Number(stopped?.split('@')[1]) - at).toBeLessThanOrEqual(100);
    note(by.CallbackBridge.triggerServer('fz:open', 1, 2));
    await emu().advance(500);
    expect(got.at(-1)).toBe('2');
    held.push('bridge restart: 10 in-resource calls completed, the call through the bridge ended RESOURCE_STOPPED at once, new calls served');
  });
});
