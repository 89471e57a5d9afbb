/**
 * Case 2, `bridge-js`: native TS caller → native TS handler, both through `@callback_bridge/dist/callbacks.js` (the
 * engine inside the resource, one batched net event each way).
 */
import { jsCaller } from '../harness/callers.ts';
import type { SteadyScenario } from '../harness/types.ts';
import type { BenchWorld } from '../harness/world.ts';

const INCLUDE = '@callback_bridge/dist/callbacks.js';

export const SERVER = `CallbackBridge.register('bench:price', (source, i, item) => i + 1);`;

export const CLIENT = jsCaller({
  call: `CallbackBridge.triggerServer('bench:price', i, 'bread').then(() => ok(t0), ko);`,
});

/** Installs the bridge and a resource `shop` with `server` and `client` scripts over the JS include. */
export async function installJs(world: BenchWorld, server: string, client: string): Promise<void> {
  await world.addBridge();
  await world.addShop('js', server, client, [INCLUDE]);
  world.start('callback_bridge', 'shop');
}

export const bridgeJs: SteadyScenario = {
  name: 'bridge-js',
  baseline: 'raw',
  description: 'CallbackBridge.triggerServer → CallbackBridge.register (TS engine in the resource)',
  caller: { resource: 'shop', kind: 'js' },
  install: (world) => installJs(world, SERVER, CLIENT),
};
