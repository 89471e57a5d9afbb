/**
 * Mixed migration (contract §2): some resources migrated with the one-line import, others not. An aliased caller
 * reaches an unmigrated handler (over the ox wire, when the engine's directory does not know the name), an unmodified
 * caller reaches a migrated handler (answered in its own resource, exactly once), and that holds across a bridge
 * restart and an ox_lib restart.
 */
import { describe, expect, it } from 'vitest';
import { luaGlobal, useEmulator } from '../../support/cfx.ts';
import type { Emulator, Player } from '../../emulator/emulator.ts';
import { addBridge, addOxDouble, luaResource, plainResource, scene, seen } from './support.ts';

const emu = useEmulator();

describe('mixed migration', () => {
  it('aliased callers reach unmigrated handlers both ways, with every value', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'oldshop', 'ox', { server: `lib.callback.register('old:price', function(source, a) return a, nil, 'z' end)` });
    await luaResource(emu(), 'oldmenu', 'ox', { client: `lib.callback.register('old:pick', function(a) return a, nil end)` });
    await luaResource(emu(), 'newres', 'alias', {
      client: `CreateThread(function() Wait(300)
        out('price', lib.callback.await('old:price', false, 'a'))
        lib.callback('old:price', false, function(...) out('cb', ...) end, 'b')
        TriggerServerEvent('go')
      end)`,
      server: `RegisterNetEvent('go', function() local src = source out('pick', lib.callback.await('old:pick', src, 'p')) end)`,
    });
    const [p] = await scene(emu(), ['oldshop', 'oldmenu', 'newres']);
    await emu().advance(1500);
    expect(seen(p.machine, 'newres')).toEqual({ price: ['a', null, 'z'], cb: ['b', null, 'z'] });
    // A trailing nil does not cross an ox event (its arguments unpack by the table border); the engine keeps it.
    expect(seen(emu().server, 'newres')).toEqual({ pick: ['p'] });
  });

  /** A migrated shop on both sides (counting its runs) and unmodified callers on both sides; `ask()` calls both. */
  async function migratedShop(e: Emulator): Promise<{ player: Player; ask: (round: string) => Promise<void> }> {
    await addBridge(e);
    await addOxDouble(e);
    await luaResource(e, 'shop', 'alias', {
      server: `RUNS = 0 lib.callback.register('shop:buy', function(source, x) RUNS = RUNS + 1 return x * 2 end)`,
      client: `RUNS = 0 lib.callback.register('shop:show', function(x) RUNS = RUNS + 1 return x + 1 end)`,
    });
    await luaResource(e, 'native', 'native', { server: `RegisterCallback('nat:get', function(source) return 'nat' end)` });
    await luaResource(e, 'oldres', 'ox', {
      client: `RegisterNetEvent('ask', function(round)
          out(round .. ':buy', lib.callback.await('shop:buy', false, 21))
          out(round .. ':nat', lib.callback.await('nat:get', false))
        end)`,
      server: `AddEventHandler('ask', function(target, round) out(round .. ':show', lib.callback.await('shop:show', target, 41)) end)`,
    });
    await plainResource(e, 'kick', { server: ['server.js', `globalThis.ask = (target, round) => { emitNet('ask', target, round); emit('ask', target, round); };`] });
    const [player] = await scene(e, ['shop', 'native', 'oldres', 'kick']);
    const { jsGlobals } = await import('../../support/cfx.ts');
    return {
      player,
      ask: async (round) => {
        jsGlobals(e.server, 'kick').ask(player.netId, round);
        await e.advance(600);
      },
    };
  }

  it('an unmodified caller reaches a migrated handler once per call (answered in-resource, not also by the bridge)', async () => {
    const { player, ask } = await migratedShop(emu());
    await ask('r1');
    await ask('r2');
    expect(seen(player.machine, 'oldres')).toEqual({ 'r1:buy': [42], 'r1:nat': ['nat'], 'r2:buy': [42], 'r2:nat': ['nat'] });
    expect(seen(emu().server, 'oldres')).toEqual({ 'r1:show': [42], 'r2:show': [42] });
    expect(luaGlobal(emu().server, 'shop', 'RUNS')).toBe(2);
    expect(luaGlobal(player.machine, 'shop', 'RUNS')).toBe(2);
    // The alias claimed its names in ox_lib's registry itself; the bridge did not claim them first.
    expect(emu().output(/attempted to overwrite callback/)).toEqual([]);
  });

  it('a name that moves from a native resource to a migrated one is still answered once', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'v1', 'native', { server: `RUNS = 0 RegisterCallback('moving', function() RUNS = RUNS + 1 return 'v1' end)` });
    await luaResource(emu(), 'v2', 'alias', { server: `RUNS = 0 lib.callback.register('moving', function() RUNS = RUNS + 1 return 'v2' end)` });
    await luaResource(emu(), 'oldres', 'ox', { client: `RegisterNetEvent('ask', function(round) out(round, lib.callback.await('moving', false)) end)` });
    await plainResource(emu(), 'kick', { server: ['server.js', `globalThis.ask = (round) => emitNet('ask', -1, round);`] });
    const [player] = await scene(emu(), ['v1', 'oldres', 'kick']);
    const { jsGlobals } = await import('../../support/cfx.ts');
    jsGlobals(emu().server, 'kick').ask('before');
    await emu().advance(500);
    emu().stop('v1');
    emu().start('v2');
    await emu().advance(300);
    jsGlobals(emu().server, 'kick').ask('after');
    await emu().advance(500);
    expect(seen(player.machine, 'oldres')).toEqual({ before: ['v1'], after: ['v2'] });
    expect(luaGlobal(emu().server, 'v2', 'RUNS')).toBe(1);
  });

  it('after the bridge restarts: still reached, still once (the bridge asks again which names aliases answer)', async () => {
    const { player, ask } = await migratedShop(emu());
    emu().restart('callback_bridge');
    await emu().advance(500);
    await ask('r1');
    expect(seen(player.machine, 'oldres')).toEqual({ 'r1:buy': [42], 'r1:nat': ['nat'] });
    expect(seen(emu().server, 'oldres')).toEqual({ 'r1:show': [42] });
    expect(luaGlobal(emu().server, 'shop', 'RUNS')).toBe(1);
    expect(luaGlobal(player.machine, 'shop', 'RUNS')).toBe(1);
  });

  it('after ox_lib restarts with an empty registry: aliases and the bridge claim their names again', async () => {
    const { player, ask } = await migratedShop(emu());
    emu().restart('ox_lib');
    await emu().advance(500);
    await ask('r1');
    expect(seen(player.machine, 'oldres')).toEqual({ 'r1:buy': [42], 'r1:nat': ['nat'] });
    expect(seen(emu().server, 'oldres')).toEqual({ 'r1:show': [42] });
    expect(emu().output(/attempted to overwrite callback/)).toEqual([]);
  });
});
