/**
 * The emulation lets go of what is gone: a client that dropped, with the function references its JS resources
 * received (export proxies), is garbage once nobody holds its `Player`. The benchmarks' scale case drops and
 * connects hundreds of players (JS clients) and checks that the heap comes back to its size.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator.ts';
import { manifest, useEmulator } from '../../support/cfx.ts';

const emu = useEmulator();

/** Full collections with turns of the event loop between them, so FinalizationRegistry callbacks run. */
async function collect(): Promise<void> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Connects one client, lets its scripts run (they call the other resource's export), drops it; a weak handle on it. */
async function dropOne(e: Emulator): Promise<WeakRef<object>> {
  const player = e.connect();
  await e.advance(200);
  const machine = new WeakRef(player.machine);
  e.drop(player.netId, 'Disconnected.');
  return machine;
}

describe('emulation: a dropped client is released', () => {
  it('its machine is collected, though its JS resource held an export proxy', async () => {
    await emu().addInlineResource('lib', {
      'fxmanifest.lua': manifest("client_script 'c.js'"),
      'c.js': `exports('hello', () => 'hi');`,
    });
    await emu().addInlineResource('user', {
      'fxmanifest.lua': manifest("client_script 'c.js'"),
      'c.js': `globalThis.said = exports.lib.hello();`,
    });
    emu().start('lib');
    emu().start('user');
    const machine = await dropOne(emu());
    await emu().advance(500);
    await collect();
    expect(machine.deref() === undefined).toBe(true);
  });
});
