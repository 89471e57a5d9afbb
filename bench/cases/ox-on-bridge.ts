/**
 * Case 5, `ox-on-bridge`: the real `@overextended/ox_lib` JS caller, unmodified, → a bridge handler
 * (`CallbackBridge.register` in another resource) over the ox wire (L1): ox_lib runs, so the handler's JS resource
 * makes the name valid in ox_lib's registry and answers `__ox_cb_<name>` itself, through its engine's checks
 * (adapters/ox/self-answer.ts); the bridge stays silent. Until then the bridge answered it, with a hop per call.
 */
import type { SteadyScenario } from '../harness/types.ts';
import { FIXTURES, type BenchWorld } from '../harness/world.ts';
import { SERVER } from './bridge-js.ts';
import { addOxJs, OX_CLIENT } from './ox-peer.ts';

export const oxOnBridge: SteadyScenario = {
  name: 'ox-on-bridge',
  baseline: 'ox-peer',
  description: 'ox_lib JS package triggerServerCallback → CallbackBridge.register, over the ox wire (L1)',
  caller: { resource: 'buyer', kind: 'js' },
  async install(world: BenchWorld) {
    await world.addBridge();
    await world.addFolder('ox_lib', FIXTURES.oxLib);
    const inc = '@callback_bridge/dist/callbacks.js';
    await world.addResource('shop', { server: [inc, 's.js'], files: { 's.js': SERVER } });
    await addOxJs(world, 'buyer', { client: OX_CLIENT });
    world.start('callback_bridge', 'ox_lib', 'shop', 'buyer');
  },
};
