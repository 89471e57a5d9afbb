/**
 * A finding of the security work in the ox_lib family's Lua piece (adapters/ox/wire.lua), kept as a regression test:
 * an aliased resource answering `__ox_cb_<name>` itself named its reply event after whatever the request said.
 */
import { expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { addBridge, addOxDouble, luaResource, scene } from '../adapters/ox/support.ts';
import { inject } from './hostile.ts';

const emu = useEmulator();

it("finding: the Lua ox wire replied on '__ox_cb_' + any string a client sent as its resource (answer.ts checks a resource name)", async () => {
  await addBridge(emu());
  await addOxDouble(emu());
  await luaResource(emu(), 'ox_al', 'alias', { server: `lib.callback.register('al:x', function(source, v) return v end)` });
  const [cheater] = await scene(emu(), ['ox_al']);
  const sent: string[] = [];
  const original = emu().sendToClients.bind(emu());
  emu().sendToClients = (name, target, payload, bps, latent) => (sent.push(name), original(name, target, payload, bps, latent));
  inject(emu(), '__ox_cb_al:x', ['not a resource!', 'k1', 1], cheater);
  inject(emu(), '__ox_cb_al:x', ['x'.repeat(300), 'k2', 2], cheater);
  inject(emu(), '__ox_cb_al:x', ['cheat', 'k3', 3], cheater);
  await emu().advance(500);
  expect(sent.filter((n) => n.startsWith('__ox_cb_'))).toEqual(['__ox_cb_cheat']);
});
