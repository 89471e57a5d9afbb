/**
 * What the fuzzers and abuse scenarios found, kept as regression tests (issue: security). Each test names its
 * finding; both twins are checked where the fix is in the engine (the TS engine of a JS resource, the Lua twin, and the
 * bridge's own engine).
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { fuzzWorld } from './fuzz-world.ts';
import { inject } from './hostile.ts';
import { grown, luaEngineSizes, tsEngineSizes } from './sizes.ts';

const emu = useEmulator();

/** One valid request frame per engine, from the cheater, for `name` in each (with its engine's prefix). */
function callEach(w: Awaited<ReturnType<typeof fuzzWorld>>, name: string, id: number): void {
  inject(emu(), 'cbb:q:fz_js', [1, 'cheat', 1, id, name, 1, { id: 'a', qty: 1 }, 0], w.cheater);
  inject(emu(), 'cbb:q:fz_lua', [1, 'cheat', 1, id, `l${name}`, 1, { id: 'a', qty: 1 }, 0], w.cheater);
  inject(emu(), 'cbb:q:callback_bridge', [1, 'cheat', 1, id, `x${name}`, 1, { id: 'a', qty: 1 }, 0], w.cheater);
}

describe('an engine that goes idle holds nothing for the requests it served', () => {
  it('finding: deadline slots of answered requests stayed until the next call (TS, Lua, bridge)', async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    callEach(w, 'fz:open', 1);
    await emu().advance(500);
    const idle = { pending: 0, 'pending.slots': 0, 'pending.heap': 0, serving: 0, 'serving.slots': 0, 'serving.heap': 0 };
    for (const sizes of [tsEngineSizes(w.js().engine), luaEngineSizes(emu(), 'fz_lua'), tsEngineSizes(w.bridge('engine'))]) {
      expect(grown(idle, Object.fromEntries(Object.keys(idle).map((k) => [k, sizes[k]])))).toEqual({});
    }
    expect(w.runs.length).toBe(3);
  });

  it("finding: a player's rate buckets stayed until the engine's next call (TS, Lua, bridge)", async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    callEach(w, 'fz:strict', 1);
    await emu().advance(500);
    expect(tsEngineSizes(w.js().engine)['checks.buckets']).toBe(1);
    // No call after this one: the sweep still frees the bucket once it refilled (rate 5/s, burst 10: at once).
    await emu().advance(12_000);
    for (const sizes of [tsEngineSizes(w.js().engine), luaEngineSizes(emu(), 'fz_lua'), tsEngineSizes(w.bridge('engine'))]) {
      expect(sizes['checks.buckets']).toBe(0);
    }
  });
});
