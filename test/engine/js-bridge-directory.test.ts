/**
 * The bridge's directory with JS engines (dist/callbacks.js): client announcements coalesced per tick, requests
 * the bridge forwards to the owner while a caller's replica does not know it yet, and a bridge restart.
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { addBridge, jsResource, startAll } from './lua-support.ts';

const emu = useEmulator();

/** A server resource that counts the `cbb:announce` events reaching the server and reads the bridge's directory. */
const SPY = `globalThis.announces = 0;
  onNet('cbb:announce', () => { announces++; });
  globalThis.clientDirectory = (player) => exports.callback_bridge.GetDirectory('client', player);`;

describe('client announcements', () => {
  it('300 client callbacks registered at start go out coalesced: nothing dropped or kicked, all in the directory', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'spy', { server: SPY });
    await jsResource(emu(), 'many', {
      client: `for (let i = 0; i < 300; i++) CallbackBridge.registerClient('many:' + i, () => i);`,
    });
    startAll(emu(), 'callback_bridge', 'spy', 'many');
    const player = emu().connect();
    await emu().advance(500);
    expect(emu().counters).toMatchObject({ dropped: 0, kicked: 0 });
    const spy = jsGlobals(emu().server, 'spy');
    expect(spy.announces).toBeLessThanOrEqual(2);
    expect(spy.clientDirectory(player.netId)).toHaveLength(300);
  });

  it('a registration, a removal and a re-registration in one tick reach the server as their final state', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'spy', { server: SPY });
    await jsResource(emu(), 'flip', {
      client: `CallbackBridge.registerClient('gone', () => 1);
        CallbackBridge.registerClient('back', () => 1);
        CallbackBridge.unregister('gone');
        CallbackBridge.unregister('back');
        CallbackBridge.registerClient('back', () => 2);`,
    });
    startAll(emu(), 'callback_bridge', 'spy', 'flip');
    const player = emu().connect();
    await emu().advance(500);
    const spy = jsGlobals(emu().server, 'spy');
    expect(spy.announces).toBe(1);
    expect(spy.clientDirectory(player.netId)).toEqual([['back', 'flip']]);
  });
});
