/**
 * L2: in a resource that includes `@callback_bridge/import.lua` after `@ox_lib/init.lua`, `lib.callback` is our alias
 * on the engine, with ox_lib's signatures and failure semantics (reference ox_lib-and-bridges.md §1.2, §1.5-§1.8).
 */
import { describe, expect, it } from 'vitest';
import { luaGlobal, useEmulator } from '../../support/cfx.ts';
import { addBridge, addOxDouble, luaResource, scene, seen } from './support.ts';

const emu = useEmulator();

/** Server handlers used by several tests: 0, 1 and 3 values (nil in the middle and at the end), an error. */
const SHOP = `
  CALLS = 0
  lib.callback.register('v0', function(source) CALLS = CALLS + 1 end)
  lib.callback.register('v1', function(source, x) CALLS = CALLS + 1 return x end)
  lib.callback.register('v3', function(source, a, b, c) CALLS = CALLS + 1 return a, nil, c end)
  lib.callback.register('v3t', function(source) return 1, 2, nil end)
  lib.callback.register('args', function(source, ...) return select('#', ...), ... end)
  lib.callback.register('src', function(source) return source end)
  lib.callback.register('boom', function() error('shop secret') end)
  lib.callback.register('slow', function() Wait(5000) return 'late' end)`;

describe('ox alias (L2): lib.callback is ours, and ox_lib never loads its own module over it', () => {
  it('the field is the alias; reading it never loads imports/callback; OX_DOUBLE_LOADS stays empty', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: `lib.callback.register('x', function() return 1 end)` });
    await luaResource(emu(), 'plain', 'ox', { server: `lib.callback.register('y', function() return 2 end)` });
    await luaResource(emu(), 'buyer', 'alias', {
      client: `out('same', lib.callback == CallbackBridge.oxCallback, rawget(lib, 'callback') == CallbackBridge.oxCallback)
        CreateThread(function() Wait(300) out('x', lib.callback.await('x', false)) out('loads', OX_DOUBLE_LOADS) end)`,
    });
    const [p] = await scene(emu(), ['shop', 'plain', 'buyer']);
    await emu().advance(1000);
    expect(seen(p.machine, 'buyer')).toEqual({ same: [true, true], x: [1], loads: [[]] });
    expect(luaGlobal(emu().server, 'shop', 'OX_DOUBLE_LOADS')).toEqual([]);
    // The unmodified resource did load the double's module: the hook can fail.
    expect(luaGlobal(emu().server, 'plain', 'OX_DOUBLE_LOADS')).toEqual({ callback: 1 });
  });
});

describe('ox alias (L2): client → server', () => {
  it('await and cb forms: every value, nils kept in place; source bound; handler error = nil; unknown name raises', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: SHOP });
    await luaResource(emu(), 'buyer', 'alias', {
      client: `CreateThread(function() Wait(300)
        out('v0', lib.callback.await('v0', false))
        out('v1', lib.callback.await('v1', false, 'x'))
        out('v3', lib.callback.await('v3', 0, 'a', 'b', 'c'))
        out('v3t', lib.callback.await('v3t', nil))
        out('args', lib.callback.await('args', false, 1, nil, 3, nil))
        out('src', lib.callback.await('src', false))
        out('boom', lib.callback.await('boom', false))
        lib.callback('v3', false, function(...) out('cb', ...) end, 1, 2, 3)
        lib.callback('boom', false, function(...) out('cbBoom', 'called', select('#', ...)) end)
        out('nope', pcall(lib.callback.await, 'nope', false))
        lib.callback('nope', false, function() out('cbNope', 'called') end)
        Wait(500)
        out('done', true)
      end)`,
    });
    const [p] = await scene(emu(), ['shop', 'buyer']);
    await emu().advance(2500);
    expect(seen(p.machine, 'buyer')).toEqual({
      v0: [],
      v1: ['x'],
      v3: ['a', null, 'c'],
      v3t: [1, 2, null],
      args: [4, 1, null, 3, null],
      src: [p.netId],
      boom: [],
      cb: [1, null, 3],
      cbBoom: ['called', 0],
      nope: [false, "callback 'nope' does not exist"],
      done: [true],
    });
    // The cb form of an unknown name: cb never called, the reason in the console (ox raises it in its event handler).
    expect(emu().output(/\[buyer\].*callback 'nope' does not exist/)).toHaveLength(1);
    // The handler's error stays on the handler's side.
    expect(emu().output(/callback 'boom' \(resource shop\) failed: .*shop secret/)).toHaveLength(2);
  });

  it('the calls run on the engine: metrics of the bridge list them', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: SHOP });
    await luaResource(emu(), 'buyer', 'alias', {
      client: `CreateThread(function() Wait(300) for i = 1, 3 do lib.callback.await('v1', false, i) end end)`,
    });
    await luaResource(emu(), 'probe', 'native', {
      server: `RegisterCommand('m', function()
        for _, row in ipairs(exports.callback_bridge:GetCallbackMetrics()) do
          if row.name == 'v1' and row.role == 'handler' then out('v1', row.resource, row.calls) end
        end
      end, false)`,
    });
    await scene(emu(), ['shop', 'buyer', 'probe']);
    await emu().advance(1000);
    emu().executeCommand(emu().server, 'm');
    expect(seen(emu().server, 'probe')).toEqual({ v1: ['shop', 3] });
  });
});

describe('ox alias (L2): server → client', () => {
  it('await and cb forms, playerId checked as ox does, every value', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'menu', 'alias', {
      client: `
        lib.callback.register('c3', function(a, b) return a, nil, b end)
        lib.callback.register('c0', function() end)
        lib.callback.register('cboom', function() error('client secret') end)`,
    });
    await luaResource(emu(), 'boss', 'alias', {
      server: `RegisterNetEvent('boss:go', function()
        local src = source
        out('c3', lib.callback.await('c3', src, 'x', 'y'))
        out('c0', lib.callback.await('c0', src))
        out('cboom', lib.callback.await('cboom', src))
        lib.callback('c3', src, function(...) out('cb', ...) end, 1, 2)
        out('nobody', pcall(lib.callback.await, 'c3', 99))
        out('nope', pcall(lib.callback.await, 'nope', src))
      end)`,
      client: `CreateThread(function() Wait(300) TriggerServerEvent('boss:go') end)`,
    });
    await scene(emu(), ['menu', 'boss']);
    await emu().advance(1500);
    expect(seen(emu().server, 'boss')).toEqual({
      c3: ['x', null, 'y'],
      c0: [],
      cboom: [],
      cb: [1, null, 2],
      nobody: [false, expect.stringContaining("target playerId '99' does not exist")],
      nope: [false, "callback 'nope' does not exist"],
    });
  });
});

describe('ox alias (L2): arguments as ox reads them', () => {
  it('delay throttles per name (nothing sent, nil returned, cb never called), as the double does', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: SHOP });
    const client = `CreateThread(function() Wait(300)
        out('first', lib.callback.await('v1', 1000, 'a'))
        out('second', select('#', lib.callback.await('v1', 1000, 'b')), lib.callback.await('v1', 1000, 'b'))
        lib.callback('v1', 1000, function() out('cb', 'called') end, 'c')
        out('other', lib.callback.await('v3', 1000, 'o', 'p', 'q'))
        Wait(1100)
        out('after', lib.callback.await('v1', 1000, 'd'))
      end)`;
    await luaResource(emu(), 'buyer', 'alias', { client });
    await luaResource(emu(), 'oxbuyer', 'ox', { client });
    const [p] = await scene(emu(), ['shop', 'buyer', 'oxbuyer']);
    await emu().advance(3000);
    const expected = { first: ['a'], second: [0], other: ['o', null, 'q'], after: ['d'] };
    expect(seen(p.machine, 'buyer')).toEqual(expected);
    expect(seen(p.machine, 'oxbuyer')).toEqual(expected);
    // Per resource: two resources x (first, other, after); the throttled calls never reached the server.
    expect(luaGlobal(emu().server, 'shop', 'CALLS')).toBe(6);
  });

  it("lib.callback.await('x', 'arg'): 'arg' is the delay, ignored and not sent (the trap), in the alias and in ox", async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: SHOP });
    const client = `CreateThread(function() Wait(300)
        out('shifted', lib.callback.await('args', 'water'))
        out('number', lib.callback.await('args', 5))
        out('right', lib.callback.await('args', false, 'water'))
      end)`;
    await luaResource(emu(), 'buyer', 'alias', { client });
    await luaResource(emu(), 'oxbuyer', 'ox', { client });
    const [p] = await scene(emu(), ['shop', 'buyer', 'oxbuyer']);
    await emu().advance(1500);
    const expected = { shifted: [0], number: [0], right: [1, 'water'] };
    expect(seen(p.machine, 'buyer')).toEqual(expected);
    expect(seen(p.machine, 'oxbuyer')).toEqual(expected);
  });

  it('no cb: a warning, then it awaits; a cb that is not callable raises as ox does', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: SHOP });
    await luaResource(emu(), 'buyer', 'alias', {
      client: `CreateThread(function() Wait(300)
        out('awaited', lib.callback('v1', false, nil, 'w'))
        out('bad', pcall(lib.callback, 'v1', false, 'notafunction'))
      end)`,
    });
    const [p] = await scene(emu(), ['shop', 'buyer']);
    await emu().advance(1000);
    expect(seen(p.machine, 'buyer')).toEqual({
      awaited: ['w'],
      bad: [false, expect.stringContaining("expected argument 3 to have type 'function' (received string)")],
    });
    expect(emu().output(/callback event 'v1' does not have a function to callback to and will instead await/)).toHaveLength(1);
  });
});
