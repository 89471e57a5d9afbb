/**
 * Calls between resources on one machine with the Lua twin (lua/localcalls.lua), twin of js-local-calls.test.ts:
 * `engine:callLocal(player, name, args, options, done)` from Lua to Lua, Lua to JS and JS to Lua over
 * cbb:local:<resource> (the bridge passes on names it does not serve), values and arguments with nils in place, the
 * codes, and the handler's checks applied as the player named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/emulator.ts';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { addBridge, jsResource, luaResource, outs, repoRoot, scriptErrors, startAll } from './lua-support.ts';

const emu = useEmulator();

/**
 * A Lua server resource that calls locally: `call <key> <player> <name> [timeout]` runs `engine:callLocal` with the
 * arguments ('a', nil, 'c') and records `out(key, true, ...values)` or `out(key, false, code, message)`.
 */
const LUA_CALLER = `
  local function record(key)
    return function(ok, a, b, c)
      if ok then out(key, true, table.unpack(a, b, b + c - 1)) else out(key, false, a, b) end
    end
  end
  RegisterCommand('call', function(_, args)
    local timeout = args[4] and tonumber(args[4]) or nil
    CallbackBridge.engine:callLocal(tonumber(args[2]), args[3], table.pack('a', nil, 'c'), { timeout = timeout }, record(args[1]))
  end, true)
  RegisterCommand('metrics', function()
    for _, row in ipairs(CallbackBridge.engine.metrics:snapshot()) do
      out(row.role .. ':' .. row.name, row.calls, row.inFlight, row.errors)
    end
    out('malformed', CallbackBridge.engine.metrics.counters.malformed)
  end, true)`;

/** Lua server handlers: every argument back (count kept), a nil between values, an error, a rate limit. */
const LUA_SHOP = `
  RegisterServerCallback('lua:echo', function(source, cb, ...) cb(source, select('#', ...), ...) end)
  RegisterCallback('lua:gap', function(source) return 'x', nil, source end)
  RegisterCallback('lua:boom', function() error('lua secret') end)
  RegisterCallback('lua:limited', function() return 1 end, { rateLimit = { rate = 1, burst = 1 } })
  RegisterServerCallback('lua:never', function() end)`;

/** Runs the server console lines in order, then lets the local calls settle. */
async function run(e: Emulator, ...lines: string[]): Promise<void> {
  for (const line of lines) e.executeCommand(e.server, line);
  await e.advance(100);
}

describe('Lua engine:callLocal to a Lua handler in another resource', () => {
  it('reaches it as the given player, with the arguments and the values, nils in place', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', { server: LUA_SHOP });
    await luaResource(emu(), 'caller', { server: LUA_CALLER });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    const player = emu().connect();
    await emu().advance(300);
    await run(emu(), `call echo ${player.netId} lua:echo`, 'call gap 0 lua:gap');
    expect(outs(emu().server, 'caller')).toEqual({
      echo: [true, player.netId, 3, 'a', null, 'c'],
      gap: [true, 'x', null, 0],
    });
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('answers NOT_FOUND for a name nobody serves and HANDLER_ERROR for a raising handler (logged where it ran)', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', { server: LUA_SHOP });
    await luaResource(emu(), 'caller', { server: LUA_CALLER });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    await emu().advance(300);
    await run(emu(), 'call missing 0 nope', 'call boom 0 lua:boom');
    expect(outs(emu().server, 'caller')).toEqual({
      missing: [false, 'NOT_FOUND', "callback 'nope' does not exist"],
      boom: [false, 'HANDLER_ERROR', "callback 'lua:boom' failed on the other side"],
    });
    expect(emu().output(/callback 'lua:boom' \(resource shop\) failed: .*lua secret/)).toHaveLength(1);
  });

  it("applies the handler's checks as that player: a rate limit per player, none for player 0", async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', { server: LUA_SHOP });
    await luaResource(emu(), 'caller', { server: LUA_CALLER });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    const player = emu().connect();
    await emu().advance(300);
    const p = player.netId;
    await run(emu(), `call first ${p} lua:limited`, `call second ${p} lua:limited`, 'call server 0 lua:limited');
    expect(outs(emu().server, 'caller')).toEqual({
      first: [true, 1],
      second: [false, 'RATE_LIMITED', "callback 'lua:limited' is rate limited, try again later"],
      server: [true, 1],
    });
  });

  it("waits in the caller's one pending table: its own deadline, and caller metrics", async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', { server: LUA_SHOP });
    await luaResource(emu(), 'caller', { server: LUA_CALLER });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    await emu().advance(300);
    emu().executeCommand(emu().server, 'call never 0 lua:never 200');
    await emu().advance(150);
    expect(outs(emu().server, 'caller').never).toBeUndefined();
    await run(emu(), 'call gap 0 lua:gap');
    await run(emu(), 'metrics');
    const o = outs(emu().server, 'caller');
    expect(o.never).toEqual([false, 'TIMEOUT', "callback 'lua:never' timed out"]);
    expect(o['caller:lua:never']).toEqual([1, 0, { TIMEOUT: 1 }]);
    expect(o['caller:lua:gap']).toEqual([1, 0, []]);
  });

  it('ends at once with RESOURCE_STOPPED when the serving resource stops; more than 255 arguments are refused at once', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', { server: LUA_SHOP });
    await luaResource(emu(), 'caller', {
      server: `${LUA_CALLER}
        RegisterCommand('many', function()
          local args = { n = 256 }
          CallbackBridge.engine:callLocal(0, 'lua:echo', args, {}, function(...) out('many', ...) end)
        end, true)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    await emu().advance(300);
    await run(emu(), 'call never 0 lua:never', 'many');
    expect(emu().restart('shop')).toBe(true);
    await emu().advance(50);
    expect(outs(emu().server, 'caller')).toEqual({
      never: [false, 'RESOURCE_STOPPED', "callback 'lua:never' ended: a resource stopped"],
      many: [false, 'INVALID_ARGUMENTS', "callback 'lua:echo' received invalid arguments: more than 255 arguments"],
    });
  });

  it('a trailing nil of a reply survives the hop back to a Lua caller in another resource', async () => {
    // FiveM unpacks a function reference's arguments by length: reply(true, count, ...values) carries the count.
    await addBridge(emu());
    await luaResource(emu(), 'shop', { server: `RegisterCallback('tail', function() return 'x', nil end)` });
    await luaResource(emu(), 'caller', {
      server: `${LUA_CALLER}
        RegisterCallback('ownTail', function() return 'y', nil end)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    await emu().advance(300);
    await run(emu(), 'call other 0 tail', 'call own 0 ownTail');
    expect(outs(emu().server, 'caller')).toEqual({ other: [true, 'x', null], own: [true, 'y', null] });
  });

  it('serves a handler of the calling engine itself without an event', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'caller', {
      server: `${LUA_CALLER}
        RegisterCallback('self', function(source, a, b, c) return c, b, a end)`,
    });
    startAll(emu(), 'callback_bridge', 'caller');
    await emu().advance(300);
    await run(emu(), 'call self 0 self');
    expect(outs(emu().server, 'caller')).toEqual({ self: [true, 'c', null, 'a'] });
  });
});

describe('the Lua twin and the TS engine call each other locally', () => {
  it('Lua engine:callLocal reaches JS handlers: values with nulls, NOT_FOUND, HANDLER_ERROR', async () => {
    await addBridge(emu());
    await jsResource(emu(), 'jsshop', {
      server: `
        CallbackBridge.registerWithCallback('js:echo', (source, cb, ...args) => cb(source, args.length, ...args));
        CallbackBridge.register('js:boom', () => { throw new Error('js secret'); });`,
    });
    await luaResource(emu(), 'caller', { server: LUA_CALLER });
    startAll(emu(), 'callback_bridge', 'jsshop', 'caller');
    const player = emu().connect();
    await emu().advance(300);
    await run(emu(), `call echo ${player.netId} js:echo`, 'call boom 0 js:boom', 'call missing 0 js:none');
    expect(outs(emu().server, 'caller')).toEqual({
      echo: [true, player.netId, 3, 'a', null, 'c'],
      boom: [false, 'HANDLER_ERROR', "callback 'js:boom' failed on the other side"],
      missing: [false, 'NOT_FOUND', "callback 'js:none' does not exist"],
    });
    expect(emu().output(/callback 'js:boom' \(resource jsshop\) failed: Error: js secret/)).toHaveLength(1);
  });

  it("a TS engine's callLocal reaches Lua handlers: every value, nulls in place, the codes, the rate limit as the player", async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', { server: LUA_SHOP });
    await jsResource(emu(), 'jscaller', { server: '' });
    startAll(emu(), 'callback_bridge', 'shop', 'jscaller');
    const player = emu().connect();
    await emu().advance(300);
    const engine = jsGlobals(emu().server, 'jscaller').CallbackBridge.engine;
    const call = (p: number, name: string, ...args: unknown[]) =>
      new Promise((resolve) => engine.callLocal(p, name, args, {}, (o: any) => resolve(o.ok ? [true, o.values] : [false, o.error.code])));
    const p = player.netId;
    const calls = Promise.all([
      call(p, 'lua:echo', 'a', null, 'c'),
      call(0, 'lua:gap'),
      call(0, 'lua:boom'),
      call(0, 'lua:none'),
      call(p, 'lua:limited'),
      call(p, 'lua:limited'),
    ]);
    await emu().advance(100);
    expect(await calls).toEqual([
      [true, [p, 3, 'a', null, 'c']],
      [true, ['x', null, 0]],
      [false, 'HANDLER_ERROR'],
      [false, 'NOT_FOUND'],
      [true, [1]],
      [false, 'RATE_LIMITED'],
    ]);
  });
});

describe('cbb:local:<resource> raised by hand', () => {
  it('the bridge manifest lists lua/localcalls.lua (import.lua reads it from the bridge)', () => {
    expect(fs.readFileSync(path.join(repoRoot, 'fxmanifest.lua'), 'utf8')).toContain("'lua/localcalls.lua'");
  });

  it('any resource may call (server code is trusted); a malformed call is counted and runs nothing', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      server: `${LUA_SHOP}
        RegisterCommand('counters', function() out('malformed', CallbackBridge.engine.metrics.counters.malformed) end, true)`,
    });
    await luaResource(emu(), 'other', {
      server: `RegisterCommand('raise', function()
          TriggerEvent('cbb:local:shop', 0, 'lua:echo', 2, nil, 'b', function(...) out('direct', ...) end)
          TriggerEvent('cbb:local:shop', 0, 'lua:echo', 1, 'no reply')
          TriggerEvent('cbb:local:shop', -1, 'lua:echo', 0, function(...) out('negative', ...) end)
          TriggerEvent('cbb:local:shop', 0, 'lua:echo', 256, function(...) out('many', ...) end)
        end, true)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'other');
    await emu().advance(300);
    await run(emu(), 'raise', 'counters');
    expect(outs(emu().server, 'other')).toEqual({ direct: [true, 4, 0, 2, null, 'b'] });
    expect(outs(emu().server, 'shop')).toEqual({ malformed: [3] });
    expect(scriptErrors(emu())).toEqual([]);
  });
});
