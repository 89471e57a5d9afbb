/**
 * Fuzzing what a client's engines listen to (issue: security). Those events come from the server only, so no cheater
 * can send them to another player; still, a client must hold under anything: `cbb:q:` / `cbb:r:` of a JS resource
 * on dist/callbacks.js, the directory (`cbb:dir`), and the client side of ESX's, QBCore's and ox_lib's wires (the
 * stand-ins on). Same properties as the server fuzzers; the tables checked are the client engine's.
 */
import { afterAll, describe, it } from 'vitest';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { fuzz, tried } from './fuzz-run.ts';
import { fuzzWorld } from './fuzz-world.ts';
import { argList, batch, inject } from './hostile.ts';
import { tsEngineSizes } from './sizes.ts';

const emu = useEmulator();
const RUNS = Math.ceil(Number(process.env.FUZZ_RUNS ?? 40) / 2);

describe('fuzzing the listeners of a client (events from the server)', () => {
  afterAll(() => console.log(`[fuzz] inputs tried per target (client side): ${JSON.stringify(Object.fromEntries(tried))}`));

  it('a client engine, its directory and the client side of the legacy wires hold under random argument lists', async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    const engine = () => jsGlobals(w.bystander.machine, 'fz_js').CallbackBridge.engine;
    // Warm: one real request of its callback, then past its minute: the handler's metrics row exists at rest.
    inject(emu(), 'cbb:q:fz_js', [1, 'fz_js', 1, 1, 'fz:slow', 0, 0], null, w.bystander);
    await emu().advance(65_000);
    const baseline = tsEngineSizes(engine());
    const events = ['cbb:q:fz_js', 'cbb:r:fz_js', 'cbb:dir', 'esx:triggerClientCallback', 'esx:serverCallback', 'QBCore:Client:TriggerClientCallback', '__ox_cb_fz:slow', '__ox_cb_callback_bridge'];
    await fuzz(emu(), w, [...events.map((event) => ({ event, args: argList, toClient: true })), { event: 'cbb:q:fz_js', args: batch, toClient: true }], {
      runs: RUNS,
      seed: 5,
      sizes: () => tsEngineSizes(engine()),
      baseline,
    });
  });
});
