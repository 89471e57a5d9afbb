/**
 * Fuzzing the bridge's own protocol (issue: security): every net event a server engine listens to (`cbb:q:` and
 * `cbb:r:` of a JS resource on dist/callbacks.js, of a Lua resource on import.lua, of the bridge itself) and the
 * bridge's directory events (`cbb:hello`, `cbb:announce`) get random argument lists and mutated batches from a
 * cheating client. Properties: no script error, no event to anyone but the sender, no handler run with arguments it
 * refuses, and every table back to its baseline once traffic stops.
 */
import { afterAll, describe, it } from 'vitest';
import type { Emulator } from '../emulator/emulator.ts';
import { useEmulator } from '../support/cfx.ts';
import { fuzz, tried } from './fuzz-run.ts';
import { fuzzWorld, NAMES, type FuzzWorld } from './fuzz-world.ts';
import { argList, batch, inject } from './hostile.ts';
import { luaEngineSizes, tsEngineSizes, type Sizes } from './sizes.ts';

const emu = useEmulator();
/** Inputs per target: enough to hit every mutation many times, small enough for `npm test` on two cores. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

const prefixed = (prefix: string, s: Sizes): Sizes => Object.fromEntries(Object.entries(s).map(([k, v]) => [`${prefix}.${k}`, v]));

/** Every table the server side of the bridge holds, in the three engines and the bridge's records. */
export function serverSizes(e: Emulator, w: FuzzWorld): Sizes {
  return {
    ...prefixed('js', tsEngineSizes(w.js().engine)),
    ...prefixed('lua', luaEngineSizes(e, 'fz_lua')),
    ...prefixed('bridge', tsEngineSizes(w.bridge('engine'))),
    'bridge.serverNames': w.bridge<number>('serverNames.size'),
    'bridge.clientNames': w.bridge<number>('clientNames.size'),
    'bridge.cheaterNames': w.bridge<number>(`clientNames.get(${w.cheater.netId})?.size ?? 0`),
  };
}

/** One legitimate call of each fuzzed name in each engine, then every deadline and sweep: the idle baseline. */
export async function warmBaseline(e: Emulator, w: FuzzWorld): Promise<Sizes> {
  let id = 1;
  for (const [res, prefix] of [['fz_js', ''], ['fz_lua', 'l'], ['callback_bridge', 'x']]) {
    for (const name of NAMES) inject(e, `cbb:q:${res}`, [1, 'cheat', 1, id++, prefix + name, 1, { id: 'a', qty: 1 }, 0], w.cheater);
  }
  await e.advance(75_000);
  return serverSizes(e, w);
}

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
