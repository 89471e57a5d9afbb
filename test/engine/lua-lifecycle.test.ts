/**
 * The Lua twin's security and lifecycle rules (contract §6), Lua on both ends, through the emulated network:
 * replies bound to their player, local spoofs ignored, drops and resource restarts ending requests at once.
 */
import { describe, expect, it } from 'vitest';
import { luaGlobal, useEmulator } from '../support/cfx.ts';
import { addBridge, luaResource, outs, scriptErrors, startAll } from './lua-support.ts';

const emu = useEmulator();

describe('replies are bound to the player asked', () => {
  it('a reply forged by another client (with the right id) is ignored and counted; the real one is accepted', async () => {
    await addBridge(emu());
    // Client side of `shop` serves 'slow'; `spy` on the same client sees the request batch and keeps its id.
    await luaResource(emu(), 'shop', { client: `RegisterCallback('slow', function() Wait(600) return 'real' end)` });
    await luaResource(emu(), 'spy', { client: `RegisterNetEvent('cbb:q:shop', function(...) SPIED = { ... } end)` });
    await luaResource(emu(), 'forger', {
      client: `RegisterCommand('forge', function(_, args)
        local id = math.tointeger(tonumber(args[1]))
        TriggerServerEvent('cbb:r:boss', 1, 'shop', 2, id, 1, 'forged', 0)
      end, false)`,
    });
    await luaResource(emu(), 'boss', {
      server: `RegisterNetEvent('boss:go', function()
        local src = source
        out('result', AwaitClientCallback(src, 'slow'))
        local c = CallbackBridge.engine.metrics.counters
        out('counters', c.forgedReplies, c.lateReplies, c.malformed)
        -- A name nobody serves here is counted once in notFound, never as a metrics row of its own.
        out('notFound', AwaitClientCallback(src, 'nobody'))
      end)`,
      client: `RegisterCommand('go', function() TriggerServerEvent('boss:go') end, false)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'spy', 'forger', 'boss');
    const victim = emu().connect();
    const attacker = emu().connect();
    await emu().advance(300);
    emu().executeCommand(victim.machine, 'go');
    await emu().advance(200);
    const spied = luaGlobal(victim.machine, 'spy', 'SPIED') as unknown[];
    // VERSION, FROM = 'boss', REQUEST, id, 'slow', 0, END
    expect(spied.slice(0, 3)).toEqual([1, 'boss', 1]);
    const id = spied[3] as number;
    expect(Number.isInteger(id) && id > 0).toBe(true);
    emu().executeCommand(attacker.machine, `forge ${id}`);
    await emu().advance(1500);
    expect(outs(emu().server, 'boss')).toEqual({ result: ['real'], counters: [1, 0, 0], notFound: [null, "callback 'nobody' does not exist"] });
  });

  it('events raised locally (source is empty) never reach the engine, on the client and on the server', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      server: `RegisterCallback('ping', function() return 'pong' end)
        RegisterCommand('spoofserver', function()
          TriggerEvent('cbb:q:shop', 1, 'shop', 1, 5, 'ping', 0, 0)
          out('serverSpoofed', CallbackBridge.engine.metrics.counters.spoofed, CallbackBridge.engine.outbox:idle())
        end, true)`,
    });
    await luaResource(emu(), 'caller', {
      client: `CreateThread(function()
        Wait(300)
        local done
        TriggerServerCallback({ name = 'ping', timeout = 2000 }, function(...) done = true out('real', ...) end)
        -- A script on this client forges the reply locally before the real one comes.
        local id = CallbackBridge.engine.nextId - 1
        TriggerEvent('cbb:r:caller', 1, 'shop', 2, id, 1, 'spoofed', 0)
        out('clientSpoofed', CallbackBridge.engine.metrics.counters.spoofed, done == nil)
      end)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    const player = emu().connect();
    await emu().advance(1000);
    emu().executeCommand(emu().server, 'spoofserver');
    expect(outs(player.machine, 'caller')).toEqual({ clientSpoofed: [1, true], real: ['pong'] });
    expect(outs(emu().server, 'shop')).toEqual({ serverSpoofed: [1, true] });
  });
});

describe('the directory only believes the bridge', () => {
  it('a directory update raised by another resource (cbb:cdir on the server, cbb:dir locally on a client) is ignored', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      client: `RegisterCallback('ask', function() return 'from shop' end)`,
    });
    await luaResource(emu(), 'evil', {
      server: `RegisterCommand('hijack', function(_, args)
        TriggerEvent('cbb:cdir', tonumber(args[1]), { { 'ask', 'evil' } })
      end, true)`,
      client: `RegisterCallback('ask', function() return 'from evil' end, { allowOverride = false })
        RegisterCommand('hijackLocal', function() TriggerEvent('cbb:dir', { { 'price', 'evil' } }) end, false)
        RegisterCallback('price', function() return 'evil price' end)`,
    });
    await luaResource(emu(), 'boss', {
      server: `RegisterCallback('price', function() return 12 end)
        RegisterNetEvent('boss:go', function()
          local src = source
          out('ask', AwaitClientCallback(src, 'ask'))
        end)`,
      client: `RegisterCommand('go', function()
          TriggerServerEvent('boss:go')
          out('price', TriggerServerCallbackPromise('price'))
        end, false)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'evil', 'boss');
    const player = emu().connect();
    await emu().advance(300);
    emu().executeCommand(emu().server, `hijack ${player.netId}`);
    emu().executeCommand(player.machine, 'hijackLocal');
    emu().executeCommand(player.machine, 'go');
    await emu().advance(1000);
    expect(outs(emu().server, 'boss').ask).toEqual(['from shop']);
    expect(outs(player.machine, 'boss').price).toEqual([12]);
  });
});

describe('drops and stops end requests at once', () => {
  it('a drop mid-request gives PLAYER_DROPPED within one server tick, both ways', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      client: `RegisterCallback('slow', function() Wait(5000) return 'late' end)
        RegisterCommand('start', function()
          TriggerServerCallback('hold', function() end)
          TriggerServerEvent('shop:ask')
        end, false)`,
      server: `RegisterCallback('hold', function(source) Wait(5000) return 'late' end)
        RegisterNetEvent('shop:ask', function()
          local src = source
          out('ended', AwaitClientCallback(src, 'slow'))
          out('endedAt', GetGameTimer())
        end)
        RegisterCommand('state', function()
          local e = CallbackBridge.engine
          out('state', e.pending.size, e.responder.serving.size, e.responder.checks.total, (next(e.responder.checks.running)))
        end, true)`,
    });
    startAll(emu(), 'callback_bridge', 'shop');
    const player = emu().connect();
    await emu().advance(300);
    emu().executeCommand(player.machine, 'start');
    await emu().advance(500);
    emu().executeCommand(emu().server, 'state');
    // Before the drop: the server waits on the client ('slow') and runs the client's 'hold'.
    expect(outs(emu().server, 'shop').state).toEqual([1, 1, 1, 1]);
    const dropAt = emu().clock.now();
    emu().drop(player.netId, 'test drop');
    await emu().advance(100);
    emu().executeCommand(emu().server, 'state');
    const o = outs(emu().server, 'shop');
    expect(o.ended).toEqual([null, "callback 'slow' ended: the player dropped"]);
    expect(o.endedAt[0] as number).toBeLessThanOrEqual(dropAt + 50);
    // The request the dropped player had running ('hold') ended too: nothing pending, in flight or counted.
    expect(o.state).toEqual([0, 0, 0, null]);
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('a call to a player who is not connected fails at once with PLAYER_DROPPED', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'boss', { server: `CreateThread(function() Wait(100) out('r', AwaitClientCallback(42, 'anything')) end)` });
    startAll(emu(), 'callback_bridge', 'boss');
    await emu().advance(200);
    expect(outs(emu().server, 'boss').r).toEqual([null, "callback 'anything': player 42 is not connected"]);
  });

  it("restarting the handler's resource mid-request gives RESOURCE_STOPPED; afterwards the callback works again", async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      server: `local run = GetGameTimer()
        RegisterCallback('slow', function() Wait(2000) return 'slow done' end)
        RegisterCallback('run', function() return run end)`,
    });
    await luaResource(emu(), 'caller', {
      client: `RegisterCommand('call', function(_, args)
        local key = args[1]
        local t0 = GetGameTimer()
        local v, err = TriggerServerCallbackPromise(key == 'again' and 'run' or 'slow')
        out(key, v, err, GetGameTimer() - t0)
      end, false)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    const player = emu().connect();
    await emu().advance(300);
    emu().executeCommand(player.machine, 'call first');
    await emu().advance(300);
    expect(emu().restart('shop')).toBe(true);
    await emu().advance(300);
    const first = outs(player.machine, 'caller').first;
    expect(first.slice(0, 2)).toEqual([null, "callback 'slow' ended: a resource stopped"]);
    expect(first[2] as number).toBeLessThan(400);
    emu().executeCommand(player.machine, 'call again');
    await emu().advance(500);
    const again = outs(player.machine, 'caller').again;
    // Served by the new run of shop (its start time is after the restart).
    expect(again[1]).toBe(null);
    expect(again[0] as number).toBeGreaterThanOrEqual(600);
  });
});
