/**
 * The bridge's metrics as the dashboard and the console see them (contract §8): rows from the Lua twin and the TS
 * engine with their histograms, calls/s and latency over the last seconds, the most rate-limited players, errors
 * outside any callback, and a reset that reaches every engine.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { scriptErrors } from '../engine/lua-support.ts';
import { FLOOD, observedWorld, row, view } from './world.ts';

const emu = useEmulator();

describe('the JSON view', () => {
  it('has every engine’s rows, errors by code, the rate-limited player first, and unknown names counted apart', async () => {
    const { base } = await observedWorld(emu(), 3);
    await emu().advance(2000);
    const v = await view(base);
    const price = row(v, 'handler', 'luashop', 'lua:price');
    const echo = row(v, 'handler', 'jsshop', 'js:echo');
    // Player 1: FLOOD calls, 2 pass (burst); players 2 and 3: one call each.
    expect(price).toMatchObject({ calls: FLOOD + 2, errors: { RATE_LIMITED: FLOOD - 2 }, inFlight: 0 });
    expect(echo).toMatchObject({ calls: FLOOD + 2, errors: { RATE_LIMITED: FLOOD - 2 }, inFlight: 0 });
    expect(row(v, 'handler', 'luashop', 'lua:boom')).toMatchObject({ calls: 3, errors: { HANDLER_ERROR: 3 } });
    expect(v.errors).toEqual({ RATE_LIMITED: 2 * (FLOOD - 2), HANDLER_ERROR: 3 });
    expect(v.limited).toEqual([{ player: 1, name: 'player1', connected: true, refusals: 2 * (FLOOD - 2), recent: 0 }]);
    expect(v.counters.notFound).toBe(3);
    expect(v.players).toBe(3);
    expect(scriptErrors(emu()).filter((l) => !l.includes('broken on purpose'))).toEqual([]);
  });

  it('fills the window while watched: calls/s and p50/p99 over the last seconds, chart points, and `since`', async () => {
    const { base, players } = await observedWorld(emu(), 2);
    const first = await view(base);
    expect(first.windowSeconds).toBe(0);
    expect(first.series.t).toEqual([]);
    await emu().advance(3000);
    const v = await view(base);
    expect(v.windowSeconds).toBeGreaterThanOrEqual(2);
    const echo = row(v, 'handler', 'jsshop', 'js:echo');
    expect(echo.rate).toBeGreaterThan(0);
    expect(echo.recentP99).not.toBeNull();
    expect(echo.recentErrors).toEqual({ RATE_LIMITED: FLOOD - 2 });
    expect(v.limited[0]).toMatchObject({ player: players[0].netId, recent: 2 * (FLOOD - 2) });
    expect(v.series.t.length).toBeGreaterThanOrEqual(2);
    const points = v.series.rows[echo.key];
    expect(points.rate.length).toBe(v.series.t.length);
    expect(points.rate.some((x: number | null) => x !== null && x > 0)).toBe(true);
    // `since` the newest point: nothing newer yet.
    const newer = await view(base, `?since=${v.series.t[v.series.t.length - 1]}`);
    expect(newer.series.t).toEqual([]);
    // The window moves on: six quiet seconds later, calls/s is 0 again.
    await emu().advance(6000);
    expect(row(await view(base), 'handler', 'jsshop', 'js:echo').rate).toBe(0);
  });

  it('stops pulling a minute after the last look', async () => {
    const { base } = await observedWorld(emu(), 1);
    const t0 = (await view(base)).now;
    await emu().advance(130_000);
    const t = (await view(base)).series.t as number[];
    // One point a second for a minute after the look, none after that; this view's own pull adds the last one.
    const beforeThisLook = t.slice(0, -1);
    expect(beforeThisLook[beforeThisLook.length - 1]).toBeLessThanOrEqual(t0 + 61_000);
    expect(beforeThisLook.length).toBeGreaterThanOrEqual(55);
    expect(beforeThisLook.length).toBeLessThanOrEqual(61);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(t0 + 130_000);
  });
});
