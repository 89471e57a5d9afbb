/**
 * Detection (contract §2): 'framework' while ox_lib is started on that side, also when it starts after the bridge;
 * 'standin' only when no ox_lib resource exists and `callback_bridge:standin` names it.
 */
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/emulator.ts';
import type { Machine } from '../../emulator/machine.ts';
import { jsGlobals, useEmulator } from '../../support/cfx.ts';
import { addBridge, addOxDouble, plainResource, startAll } from './support.ts';

const emu = useEmulator();

/** A resource on both sides that reads the bridge's adapter modes on demand. */
async function addProbe(e: Emulator): Promise<void> {
  const code = `globalThis.modes = () => exports.callback_bridge.GetAdapterModes().ox ?? null;`;
  await plainResource(e, 'probe', { server: ['server.js', code], client: ['client.js', code] });
}
const oxMode = (machine: Machine) => jsGlobals(machine, 'probe').modes();

describe('ox adapter detection', () => {
  it('ox_lib starting after the bridge attaches it on both sides; stopping detaches; starting again attaches', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await addProbe(emu());
    startAll(emu(), 'callback_bridge', 'probe');
    const p = emu().connect();
    await emu().advance(200);
    expect([oxMode(emu().server), oxMode(p.machine)]).toEqual([null, null]);
    startAll(emu(), 'ox_lib');
    await emu().advance(100);
    expect([oxMode(emu().server), oxMode(p.machine)]).toEqual(['framework', 'framework']);
    emu().stop('ox_lib');
    await emu().advance(100);
    expect([oxMode(emu().server), oxMode(p.machine)]).toEqual([null, null]);
    startAll(emu(), 'ox_lib');
    await emu().advance(100);
    expect([oxMode(emu().server), oxMode(p.machine)]).toEqual(['framework', 'framework']);
  });

  it('ox_lib started before the bridge: framework at once', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await addProbe(emu());
    startAll(emu(), 'ox_lib', 'callback_bridge', 'probe');
    const p = emu().connect();
    await emu().advance(200);
    expect([oxMode(emu().server), oxMode(p.machine)]).toEqual(['framework', 'framework']);
  });

  it('no ox_lib resource: standin when the convar names it, nothing otherwise', async () => {
    emu().setConvar('callback_bridge:standin', 'es_extended, OX_LIB', true);
    await addBridge(emu());
    await addProbe(emu());
    startAll(emu(), 'callback_bridge', 'probe');
    const p = emu().connect();
    await emu().advance(200);
    expect([oxMode(emu().server), oxMode(p.machine)]).toEqual(['standin', 'standin']);
  });

  it('without the convar, or with an ox_lib that exists but is stopped: no stand-in', async () => {
    await addBridge(emu());
    await addProbe(emu());
    startAll(emu(), 'callback_bridge', 'probe');
    await emu().advance(100);
    expect(oxMode(emu().server)).toBeNull();

    emu().setConvar('callback_bridge:standin', 'ox_lib', true);
    await addOxDouble(emu()); // exists, never started
    emu().restart('callback_bridge');
    await emu().advance(100);
    expect(emu().server.resourceState('ox_lib')).toBe('stopped');
    expect(oxMode(emu().server)).toBeNull();
  });
});
