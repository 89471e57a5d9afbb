/**
 * Fuzzing the legacy wire events the bridge answers (issue: security): ESX's `esx:triggerServerCallback` and
 * `esx:clientCallback`, QBCore's `QBCore:Server:TriggerCallback`, ox_lib's `ox_lib:validateCallback`, the
 * `__ox_cb_<name>` request channel of every name the bridge serves and its own `__ox_cb_callback_bridge` reply
 * channel, with the three stand-ins on. Same properties as the protocol fuzzers (fuzz-run.ts); the shapes mix fully
 * random lists with the wire's own layout carrying hostile fields.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { fuzz, serverSizes, tried, warmBaseline } from './fuzz-run.ts';
import { fuzzWorld } from './fuzz-world.ts';
import { argList, KNOWN_NAME, PENDING_ID, scalar, value } from './hostile.ts';

const emu = useEmulator();
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

const name = fc.oneof({ weight: 3, arbitrary: fc.constant<unknown>(KNOWN_NAME) }, scalar);
const resource = fc.oneof({ weight: 3, arbitrary: fc.constantFrom<unknown>('fz_js', 'cheat', 'callback_bridge') }, scalar);
const key = fc.oneof({ weight: 2, arbitrary: fc.string({ maxLength: 12 }) }, scalar);
const rest = fc.array(value, { maxLength: 4 });
/** A wire layout: `head` fields then hostile arguments, or a fully random list. */
const shaped = (...head: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ weight: 3, arbitrary: fc.tuple(fc.tuple(...head), rest).map(([h, r]) => [...h, ...r]) }, argList);

describe('fuzzing the legacy wire events the bridge answers (stand-ins on)', () => {
  afterAll(() => {
    console.log(`[fuzz] inputs tried per target: ${JSON.stringify(Object.fromEntries(tried))}`);
  });

  it('ESX, QBCore and ox_lib wire events hold under random argument lists', async () => {
    const w = await fuzzWorld(emu());
    const baseline = await warmBaseline(emu(), w);
    w.hold();
    const served = ['fz:open', 'lfz:strict', 'xfz:twice'];
    await fuzz(
      emu(),
      w,
      [
        { event: 'esx:triggerServerCallback', args: shaped(name, fc.oneof(fc.integer(), scalar), resource) },
        { event: 'esx:clientCallback', args: shaped(fc.oneof(fc.constant<unknown>(PENDING_ID), fc.integer(), scalar), resource) },
        { event: 'QBCore:Server:TriggerCallback', args: shaped(name) },
        { event: 'ox_lib:validateCallback', args: shaped(name, resource, key) },
        ...served.map((n) => ({ event: `__ox_cb_${n}`, args: shaped(resource, key) })),
        { event: '__ox_cb_callback_bridge', args: shaped(key) },
      ],
      { runs: RUNS, seed: 3, sizes: () => serverSizes(emu(), w), baseline },
    );
  });
});
