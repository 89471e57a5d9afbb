/**
 * The fuzz loop every target shares: draw argument lists, inject them as the cheater, and check after each input
 * that nothing threw, nothing reached anyone but the sender, and no handler ran with arguments it refuses; then, once
 * traffic stops, that every table is back to its baseline. Counts the inputs tried per target (reported by the suite).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Emulator } from '../emulator/emulator.ts';
import { scriptErrors } from '../engine/lua-support.ts';
import { NAMES, type FuzzWorld } from './fuzz-world.ts';
import { inject, resolve, type Live } from './hostile.ts';
import { grown, luaEngineSizes, tsEngineSizes, type Sizes } from './sizes.ts';

/** Inputs tried per target, for the report printed at the end of the suite. */
export const tried = new Map<string, number>();

/**
 * CitizenFX's Lua runtime refuses a payload nested deeper than msgpack-c's 32 open containers before any script sees
 * it, and prints this (ref §2.2): the runtime's refusal, not an error of ours. Counted, not failed.
 */
const RUNTIME_REFUSAL = /msgpack memory allocation failed/;
export const runtimeRefusals = { count: 0 };

/** Script errors of the run that are not the runtime's own refusal of a too-deep payload (cleared once read). */
export function ourErrors(emu: Emulator): string[] {
  const errors = scriptErrors(emu);
  const ours = errors.filter((e) => !RUNTIME_REFUSAL.test(e));
  runtimeRefusals.count += errors.length - ours.length;
  for (const line of emu.logs) if (line.error) line.error = false;
  return ours;
}

/** Server→client events that go to everyone by design: the directory of server names. */
const BROADCAST_BY_DESIGN = new Set(['cbb:dir']);

export interface Target {
  /** The net event attacked. */
  event: string;
  /** How argument lists are drawn for it. */
  args: fc.Arbitrary<unknown[]>;
  /** Sent by the server to the bystander's client instead (what a client listens to comes from the server only). */
  toClient?: boolean;
}

/**
 * Fuzzes `targets` in `w` with `runs` inputs each (each input: one to three events, then 60 virtual ms), then lets
 * `settle` virtual ms pass and compares `sizes()` with `baseline`.
 */
export async function fuzz(
  emu: Emulator,
  w: FuzzWorld,
  targets: Target[],
  { runs, seed, sizes, baseline, settle = 75_000, live }: { runs: number; seed: number; sizes: () => Sizes; baseline: Sizes; settle?: number; live?: Live },
): Promise<void> {
  const names = ['', 'l', 'x'].flatMap((prefix) => NAMES.map((n) => prefix + n));
  const liveValues: Live = live ?? { pendingIds: () => w.pendingIds(), names: () => names };
  for (const target of targets) {
    // The requests held on the bystander leave first: only what the cheater causes is watched.
    await emu.advance(100);
    let count = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(target.args, { minLength: 1, maxLength: 3 }), fc.nat(), async (inputs, pick) => {
        const sentBefore = w.sent.length;
        for (const args of inputs) {
          count++;
          inject(emu, target.event, resolve(args, liveValues, pick), w.cheater, target.toClient ? w.bystander : undefined);
        }
        await emu.advance(60);
        expect(ourErrors(emu), `script errors after ${target.event}`).toEqual([]);
        const strays = w.sent.slice(sentBefore).filter((s) => s.target !== String(w.cheater.netId) && !BROADCAST_BY_DESIGN.has(s.name));
        expect(strays, `events sent to others after ${target.event}`).toEqual([]);
        expect(w.violations(), `handler runs after ${target.event}`).toEqual([]);
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
    tried.set(target.event, (tried.get(target.event) ?? 0) + count);
    // Keep requests held on the bystander for the next target's forged replies.
    w.hold();
  }
  await emu.advance(settle);
  expect(grown(baseline, sizes()), 'tables above their baseline once traffic stopped').toEqual({});
}

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
    for (const name of NAMES) {
      inject(e, `cbb:q:${res}`, [1, 'cheat', 1, id++, prefix + name, 1, { id: 'a', qty: 1 }, 0], w.cheater);
      // And once through a legacy wire: the bridge's engine keeps a caller row per served name it relays.
      inject(e, 'QBCore:Server:TriggerCallback', [prefix + name, { id: 'a', qty: 1 }], w.cheater);
      // And once over the ox wire: a JS engine answers its own names there itself, with a caller row per name.
      inject(e, `__ox_cb_${prefix}${name}`, ['cheat', 'warm', { id: 'a', qty: 1 }], w.cheater);
    }
  }
  await e.advance(75_000);
  return serverSizes(e, w);
}
