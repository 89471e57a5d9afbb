/**
 * The bridge's directory with the Lua twin (import.lua), twin of js-bridge-directory.test.ts: client announcements
 * coalesced per tick, requests the bridge forwards to the owner while a caller's replica does not know it yet, and
 * a bridge restart.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { addBridge, announcementScene, luaResource, outs, ownerRestartScene, scriptErrors, startAll } from './lua-support.ts';

const emu = useEmulator();

describe('client announcements', () => {
  it('300 client callbacks a Lua resource registers at start: nothing dropped or kicked, all in the directory', async () => {
    const { player, spy } = await announcementScene(emu(), luaResource, 'many', {
      client: `for i = 1, 300 do RegisterCallback('many:' .. i, function() return i end) end`,
    });
    expect(emu().counters).toMatchObject({ dropped: 0, kicked: 0 });
    expect(spy.announces).toBeLessThanOrEqual(2);
    expect(spy.clientDirectory(player.netId)).toHaveLength(300);
    expect(scriptErrors(emu())).toEqual([]);
  });
});

describe('requests the bridge forwards to a Lua owner (a replica that does not know the owner yet)', () => {
  it('a Lua client script calling at load time, before the hello reply, reaches the Lua server handler; unknown names stay NOT_FOUND', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', { server: `RegisterCallback('shop:price', function(source, item) return item, source end)` });
    await luaResource(emu(), 'caller', {
      client: `TriggerServerCallback('shop:price', function(...) out('price', ...) end, 'bread')
        TriggerServerCallback('ghost', function(...) out('ghost', ...) end)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    const player = emu().connect();
    await emu().advance(500);
    expect(outs(player.machine, 'caller')).toEqual({
      price: ['bread', player.netId],
      ghost: [null, "callback 'ghost' does not exist", false],
    });
  });

  it("a Lua server call to a Lua client callback the server's replica does not know yet is forwarded by the client bridge", async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', { client: `RegisterCallback('ui:ask', function(q) return q .. '?' end)` });
    await luaResource(emu(), 'boss', {
      server: `RegisterNetEvent('boss:go', function() local src = source out('ask', AwaitClientCallback(src, 'ui:ask', 'sure')) end)`,
      client: `TriggerServerEvent('boss:go')`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'boss');
    emu().connect();
    await emu().advance(500);
    expect(outs(emu().server, 'boss')).toEqual({ ask: ['sure?'] });
  });

  it('the Lua owner restarting during a forwarded call ends it with RESOURCE_STOPPED at once', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', { server: `RegisterCallback('slow', function() Wait(2000) return 'late' end)` });
    await luaResource(emu(), 'caller', {
      client: `TriggerServerCallback('slow', function(...) out('slow', GetGameTimer(), ...) end)`,
    });
    const { player, at } = await ownerRestartScene(emu());
    const [when, ...rest] = outs(player.machine, 'caller').slow;
    expect(rest).toEqual([null, "callback 'slow' ended: a resource stopped", false]);
    expect((when as number) - at).toBeLessThanOrEqual(50);
  });

  it('cbb:fwd:<resource> raised by another resource never reaches a Lua handler, on the server or on a client', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      server: `RAN = 0 RegisterCallback('shop:give', function() RAN = RAN + 1 end)
        RegisterCommand('state', function() out('server', RAN, CallbackBridge.engine.metrics.counters.spoofed) end, true)`,
      client: `RAN = 0 RegisterCallback('ui:give', function() RAN = RAN + 1 end)
        RegisterCommand('state', function() out('client', RAN, CallbackBridge.engine.metrics.counters.spoofed) end, false)`,
    });
    await luaResource(emu(), 'evil', {
      server: `RegisterCommand('spoof', function(_, args) TriggerEvent('cbb:fwd:shop', tonumber(args[1]), 'evil', 7, 'shop:give', 1, 'gold') end, true)`,
      client: `RegisterCommand('spoof', function() TriggerEvent('cbb:fwd:shop', 0, 'evil', 7, 'ui:give', 1, 'gold') end, false)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'evil');
    const player = emu().connect();
    await emu().advance(300);
    emu().executeCommand(emu().server, `spoof ${player.netId}`);
    emu().executeCommand(player.machine, 'spoof');
    await emu().advance(300);
    emu().executeCommand(emu().server, 'state');
    emu().executeCommand(player.machine, 'state');
    expect(outs(emu().server, 'shop').server).toEqual([0, 1]);
    expect(outs(player.machine, 'shop').client).toEqual([0, 1]);
    expect(scriptErrors(emu())).toEqual([]);
  });
});

describe('a bridge restart, with Lua engines', () => {
  it('Lua engines claim their names again: a player who joins afterwards calls and is called; calls in flight end with a code', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      server: `RegisterCallback('shop:price', function(source, item) return item .. ':12' end)
        RegisterCallback('shop:slow', function() Wait(500) return 'slow done' end)
        exports.callback_bridge:RegisterServerCallback('ex:never', function() end)
        RegisterCommand('ask', function(_, args)
          CreateThread(function() out(args[2], AwaitClientCallback(tonumber(args[1]), 'ui:ask', args[2])) end)
        end, true)
        RegisterCommand('directory', function() out('directory', exports.callback_bridge:GetDirectory('server')) end, true)`,
      client: `RegisterCallback('ui:ask', function(q) return q .. '!' end)
        RegisterCommand('call', function(_, args)
          TriggerServerCallback(args[2], function(...) out(args[1], ...) end, args[3])
        end, false)`,
    });
    startAll(emu(), 'callback_bridge', 'shop');
    const early = emu().connect();
    await emu().advance(300);
    // In flight across the restart: a call straight to shop, and one waiting on the bridge's own engine.
    emu().executeCommand(early.machine, 'call direct shop:slow');
    emu().executeCommand(early.machine, 'call viaBridge ex:never');
    await emu().advance(100);
    expect(emu().restart('callback_bridge')).toBe(true);
    await emu().advance(1000);
    expect(outs(early.machine, 'shop')).toEqual({
      direct: ['slow done'],
      viaBridge: [null, "callback 'ex:never' ended: a resource stopped", false],
    });
    emu().executeCommand(emu().server, 'directory');
    expect((outs(emu().server, 'shop').directory[0] as unknown[]).length).toBe(2);
    const late = emu().connect();
    await emu().advance(300);
    emu().executeCommand(late.machine, 'call price shop:price bread');
    emu().executeCommand(emu().server, `ask ${late.netId} late`);
    emu().executeCommand(emu().server, `ask ${early.netId} early`);
    await emu().advance(500);
    expect(outs(late.machine, 'shop')).toEqual({ price: ['bread:12'] });
    expect(outs(emu().server, 'shop')).toMatchObject({ late: ['late!'], early: ['early!'] });
    expect(emu().output(/could not be claimed again/)).toEqual([]);
    expect(scriptErrors(emu())).toEqual([]);
  });

  it("a Lua server engine's replica of a player's client names starts from a full snapshot", async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', { client: `RegisterCallback('ui:a', function() return 'a' end)` });
    await luaResource(emu(), 'boss', {
      server: `RegisterCommand('owners', function(_, args)
        local o = CallbackBridge.engine.coordinator.ownerOnOtherSide
        out('owners', o('ui:a', tonumber(args[1])), o('ui:b', tonumber(args[1])))
      end, true)`,
    });
    await luaResource(emu(), 'other', { client: `RegisterCallback('ui:b', function() return 'b' end)` });
    startAll(emu(), 'callback_bridge', 'shop');
    const player = emu().connect();
    await emu().advance(300);
    startAll(emu(), 'boss', 'other'); // boss hears of 'ui:b' before it ever called this player
    await emu().advance(300);
    emu().executeCommand(emu().server, `owners ${player.netId}`);
    expect(outs(emu().server, 'boss').owners).toEqual(['shop', 'other']);
  });
});
