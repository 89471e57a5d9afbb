/**
 * Abuse scenarios on the wire (issue: security), played by a cheater's executor through the real network: forged
 * replies to another player's pending request, a settled reply replayed, events over the payload cap, a handler that
 * throws and one that answers twice. Each runs against the TS engine and the Lua twin.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { executor, frames, held, requests } from './abuse-support.ts';
import { fuzzWorld } from './fuzz-world.ts';
import { inject } from './hostile.ts';

const emu = useEmulator();

/** The bystander serves 'ab:wait': it answers 'genuine' after 500 ms. */
async function scene() {
  const w = await fuzzWorld(emu(), { hold: false });
  const ex = await executor(emu(), w.cheater);
  for (const p of [w.cheater, w.bystander]) {
    const g = jsGlobals(p.machine, 'fz_js');
    g.CallbackBridge.registerClient('ab:wait', () => new Promise((r) => g.setTimeout(() => r('genuine'), 500)));
  }
  await emu().advance(300);
  return { w, ex };
}

describe('abuse on the wire', () => {
  afterAll(() => console.log(`[abuse] held: ${JSON.stringify(held)}`));

  it("a forged reply to another player's pending request is refused; the real reply settles it; its replay is ignored", async () => {
    const { w, ex } = await scene();
    let value: unknown;
    let settled = 0;
    w.js().triggerClient(w.bystander.netId, 'ab:wait').then((v: unknown) => ((value = v), settled++), () => undefined);
    w.luaCall(w.bystander, 'ab:wait', 'wait');
    await emu().advance(100);
    const ids = w.pendingIds();
    expect(ids.length).toBe(2);
    // The cheater knows the ids (as if leaked) and answers first, to both engines.
    for (const id of ids) {
      ex.fire('cbb:r:fz_js', 1, 'fz_js', 2, id, 1, 'forged', 0);
      ex.fire('cbb:r:fz_lua', 1, 'fz_lua', 2, id, 1, 'forged', 0);
    }
    await emu().advance(1000);
    expect(value).toBe('genuine');
    expect(w.luaOut('wait')).toEqual(['genuine']);
    expect(w.js().engine.metrics.counters.forgedReplies).toBeGreaterThanOrEqual(1);
    expect(w.luaCounters().forgedReplies).toBeGreaterThanOrEqual(1);
    // The bystander's own reply, replayed after it settled: late, taken by nobody.
    const lateJs = w.js().engine.metrics.counters.lateReplies;
    const lateLua = w.luaCounters().lateReplies;
    for (const id of ids) {
      inject(emu(), 'cbb:r:fz_js', [1, 'fz_js', 2, id, 1, 'replayed', 0], w.bystander);
      inject(emu(), 'cbb:r:fz_lua', [1, 'fz_js', 2, id, 1, 'replayed', 0], w.bystander);
    }
    await emu().advance(200);
    expect([value, settled, w.luaOut('wait')]).toEqual(['genuine', 1, ['genuine']]);
    expect(w.js().engine.metrics.counters.lateReplies).toBe(lateJs + 2);
    expect(w.luaCounters().lateReplies).toBe(lateLua + 2);
    held.push('forged reply refused (TS, Lua)', 'settled reply replayed: ignored (TS, Lua)');
  });

  it('requests over the payload cap are refused before the handler; an event over the client cap never arrives', async () => {
    const { w, ex } = await scene();
    const big = 'x'.repeat(100_000);
    // Spaced out: FiveM itself kicks a client past a 384 KiB burst of reliable events (ref §3).
    ex.fire('cbb:q:fz_js', ...requests([1, 'fz:strict', { id: big, qty: 1 }], [2, 'fz:open', big]));
    await emu().advance(3000);
    ex.fire('cbb:q:fz_lua', ...requests([3, 'lfz:strict', { id: big, qty: 1 }], [4, 'lfz:open', big]));
    await emu().advance(3000);
    ex.fire('cbb:q:fz_js', ...requests([5, 'fz:open', 'y'.repeat(500_000)]));
    await emu().advance(500);
    expect(emu().counters.kicked).toBe(0);
    expect(w.runs).toEqual([]);
    const codes = frames(ex.replies).map((f) => [f[1], f[2]]);
    expect(codes).toEqual(expect.arrayContaining([[1, 'PAYLOAD_TOO_LARGE'], [2, 'PAYLOAD_TOO_LARGE'], [3, 'PAYLOAD_TOO_LARGE'], [4, 'PAYLOAD_TOO_LARGE']]));
    expect(emu().counters.oversize).toBe(1);
    expect(codes.some(([id]) => id === 5)).toBe(false);
    held.push('over the payload cap: PAYLOAD_TOO_LARGE, handler not run (TS, Lua); over the client cap: never sent');
  });

  it('a handler that throws answers HANDLER_ERROR without its stack; one that answers twice sends one reply', async () => {
    const { w, ex } = await scene();
    w.js().register('ab:throw', () => {
      throw new Error('secret stack detail');
    });
    await emu().advance(100);
    ex.fire('cbb:q:fz_js', ...requests([1, 'ab:throw'], [2, 'fz:twice', 1], [3, 'fz:twice', 3]));
    ex.fire('cbb:q:fz_lua', ...requests([4, 'lfz:twice', 1], [5, 'lfz:twice', 3]));
    await emu().advance(500);
    const got = frames(ex.replies);
    const byId = (id: number) => got.filter((f) => f[1] === id);
    expect(byId(1)).toEqual([[3, 1, 'HANDLER_ERROR', "callback 'ab:throw' failed on the other side"]]);
    for (const id of [2, 3, 4, 5]) expect(byId(id)).toEqual([[2, id, 1, 1]]);
    expect(JSON.stringify(ex.replies)).not.toContain('secret');
    expect(emu().output(/secret stack detail/).length).toBeGreaterThan(0); // logged on the server, not sent
    held.push('handler throws: HANDLER_ERROR, no stack sent (TS)', 'handler answers twice: one reply (TS, Lua); throws after answering: the answer stands');
  });
});
