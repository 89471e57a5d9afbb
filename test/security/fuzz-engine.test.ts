/**
 * Fuzzing the bridge's own protocol (issue: security): every net event a server engine listens to (`cbb:q:` and
 * `cbb:r:` of a JS resource on dist/callbacks.js, of a Lua resource on import.lua, of the bridge itself) and the
 * bridge's directory events (`cbb:hello`, `cbb:announce`) get random argument lists and mutated batches from a
 * cheating client. Properties: no script error, no event to anyone but the sender, no handler run with arguments it
 * refuses, and every table back to its baseline once traffic stops.
 */
import { afterAll, describe, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { fuzz, serverSizes, tried, warmBaseline } from './fuzz-run.ts';
import { fuzzWorld } from './fuzz-world.ts';
import { argList, batch } from './hostile.ts';

const emu = useEmulator();
/** Inputs per target: enough to hit every mutation many times, small enough for `npm test` on two cores. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

describe('fuzzing the bridge protocol listeners (server side)', () => {
  afterAll(() => {
    console.log(`[fuzz] inputs tried per target: ${JSON.stringify(Object.fromEntries(tried))}`);
  });

  it('cbb:q / cbb:r of the TS engine, the Lua twin and the bridge hold under random batches and argument lists', async () => {
    const w = await fuzzWorld(emu());
    const baseline = await warmBaseline(emu(), w);
    w.hold();
    const targets = ['fz_js', 'fz_lua', 'callback_bridge'].flatMap((res) => [
      { event: `cbb:q:${res}`, args: batch },
      { event: `cbb:r:${res}`, args: batch },
      { event: `cbb:q:${res}`, args: argList },
    ]);
    await fuzz(emu(), w, targets, { runs: RUNS, seed: 1, sizes: () => serverSizes(emu(), w), baseline });
  });

  it('cbb:hello and cbb:announce hold under random argument lists', async () => {
    const w = await fuzzWorld(emu());
    const baseline = await warmBaseline(emu(), w);
    w.hold();
    await fuzz(emu(), w, [{ event: 'cbb:hello', args: argList }, { event: 'cbb:announce', args: argList }], {
      runs: RUNS,
      seed: 2,
      sizes: () => serverSizes(emu(), w),
      baseline,
    });
  });
});
