/**
 * The bridge's directory with the Lua twin (import.lua), twin of js-bridge-directory.test.ts: client announcements
 * coalesced per tick, requests the bridge forwards to the owner while a caller's replica does not know it yet, and
 * a bridge restart.
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { addBridge, jsResource, luaResource, scriptErrors, startAll } from './lua-support.ts';

const emu = useEmulator();

/** A server resource that counts the `cbb:announce` events reaching the server and reads the bridge's directory. */
const SPY = `globalThis.announces = 0;
  onNet('cbb:announce', () => { announces++; });
  globalThis.clientDirectory = (player) => exports.callback_bridge.GetDirectory('client', player);`;

describe('client announcements', () => {
  it('300 client callbacks a Lua resource registers at start: nothing dropped or kicked, all in the directory', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'spy', { server: SPY });
    await luaResource(emu(), 'many', {
      client: `for i = 1, 300 do RegisterCallback('many:' .. i, function() return i end) end`,
    });
    startAll(emu(), 'callback_bridge', 'spy', 'many');
    const player = emu().connect();
    await emu().advance(500);
    expect(emu().counters).toMatchObject({ dropped: 0, kicked: 0 });
    const spy = jsGlobals(emu().server, 'spy');
    expect(spy.announces).toBeLessThanOrEqual(2);
    expect(spy.clientDirectory(player.netId)).toHaveLength(300);
    expect(scriptErrors(emu())).toEqual([]);
  });
});
