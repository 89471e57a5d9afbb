/**
 * Case 4, `ox-peer`: the real `@overextended/ox_lib` JS package, `triggerServerCallback` → its own
 * `onClientCallback`, with ox_lib (our double, answering `ox_lib:validateCallback`) running and no bridge: the peer a
 * user would pick instead.
 */
import { jsCaller } from '../harness/callers.ts';
import { OX_SHIM, oxBundles } from '../../test/adapters/ox/bundle.ts';
import type { SteadyScenario } from '../harness/types.ts';
import { FIXTURES, type BenchWorld } from '../harness/world.ts';

/** The ox caller script: the package's promise resolves with the first value. */
export const OX_CLIENT = jsCaller({
  call: `OxClient.triggerServerCallback('bench:price', null, i, 'bread').then(() => ok(t0), ko);`,
});

const SERVER = `OxServer.onClientCallback('bench:price', (source, i, item) => i + 1);`;

/** Adds resource `name` running the package's bundles before `server` / `client` (either may be omitted). */
export async function addOxJs(world: BenchWorld, name: string, scripts: { server?: string; client?: string }): Promise<void> {
  const { client, server } = await oxBundles();
  const files: Record<string, string> = { 'shim.js': OX_SHIM, 'ox-server.js': server, 'ox-client.js': client };
  if (scripts.server) files['s.js'] = scripts.server;
  if (scripts.client) files['c.js'] = scripts.client;
  await world.addResource(name, {
    server: scripts.server ? ['shim.js', 'ox-server.js', 's.js'] : [],
    client: scripts.client ? ['shim.js', 'ox-client.js', 'c.js'] : [],
    files,
  });
}

export const oxPeer: SteadyScenario = {
  name: 'ox-peer',
  baseline: null,
  description: 'ox_lib JS package triggerServerCallback → onClientCallback (no bridge)',
  caller: { resource: 'shop', kind: 'js' },
  async install(world: BenchWorld) {
    await world.addFolder('ox_lib', FIXTURES.oxLib);
    await addOxJs(world, 'shop', { server: SERVER, client: OX_CLIENT });
    world.start('ox_lib', 'shop');
  },
};
