/**
 * Lua resources on the real machine: exports from Lua (ref §1.3, §5.1), Lua events and threads (ref §1.1, §5.2),
 * `promise`, CfxLua syntax through a manifest (ref §5.3), and script errors and top-level Wait (ref §4).
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, jsServer, luaGlobal, luaServer, resource, useEmulator } from '../support/cfx.ts';

const emu = useEmulator();

const lua = (res: string, name: string) => luaGlobal(emu().server, res, name);

describe('exports from Lua (ref §1.3, §5.1)', () => {
  it('ref §5.1: exports.res:fn(...) between Lua resources, and a dot call swallows the first argument as self', async () => {
    await luaServer(emu(), 'lib', `exports('add', function(a, b) return a + b end)\nexports('pair', function(a, b) return b end)`);
    await luaServer(emu(), 'user', `sum = exports.lib:add(2, 3)\ndotted = exports.lib.pair('swallowed', 'x', 'y')`);
    expect(lua('user', 'sum')).toBe(5);
    expect(lua('user', 'dotted')).toBe('y');
  });

  it('ref §5.1, §1.3: a Lua resource calls a JS export with a colon, and JS calls a Lua export', async () => {
    await jsServer(emu(), 'jslib', `exports('mul', (a, b) => a * b);`);
    await luaServer(emu(), 'lualib', `exports('greet', function(name) return 'hi ' .. name end)\nproduct = exports.jslib:mul(6, 7)`);
    await jsServer(emu(), 'user', `globalThis.greeting = exports.lualib.greet('bob');`);
    expect(lua('lualib', 'product')).toBe(42);
    expect(jsGlobals(emu().server, 'user').greeting).toBe('hi bob');
  });

  it('ref §5.1: a missing export raises "No such export <fn> in resource <res>" at the caller', async () => {
    await luaServer(emu(), 'lib', `exports('add', function(a, b) return a + b end)`);
    await luaServer(emu(), 'user', `local ok, err = pcall(function()\n  return exports.lib.nope\nend)\nmissing = err`);
    expect(lua('user', 'missing')).toBe('@user/server.lua:2: No such export nope in resource lib');
  });

  it('ref §5.1: a failing export is re-raised in the caller with the "An error occurred while calling export" wrapper', async () => {
    await luaServer(emu(), 'lib', `exports('bad', function() error('inner failure') end)`);
    await luaServer(emu(), 'user', `local ok, err = pcall(function()\n  return exports.lib:bad()\nend)\nwrapped = err`);
    // The callee prints its own error; the caller's message carries the wrapper (ref §2.4: a failed call is nil).
    expect(emu().output(/\[lib\] SCRIPT ERROR: @lib\/server\.lua:1: inner failure/)).toHaveLength(1);
    // (Any position prefix depends on the wrapper's call shape, which ref §5.1 does not give.)
    expect(lua('user', 'wrapped')).toMatch(/\n\^5 An error occurred while calling export `bad` in resource `lib`:\n  nil\n\^5 ---$/);
  });

  it('ref §1.3, §4: the export cache of a restarted resource is dead until the queued onServerResourceStop clears it', async () => {
    await luaServer(emu(), 'lib', `exports('v', function() return 'v1' end)`);
    await luaServer(
      emu(),
      'user',
      `AddEventHandler('call', function()
        local ok, r = pcall(function() return exports.lib:v() end)
        result = ok and r or r
      end)`,
    );
    emu().server.triggerLocal('call');
    expect(lua('user', 'result')).toBe('v1');
    emu().restart('lib');
    emu().server.triggerLocal('call');
    const stale = lua('user', 'result') as string;
    expect(stale).toContain('An error occurred while calling export `v` in resource `lib`');
    expect(stale).toContain('Execution of function reference in script host failed');
    await emu().advance(50);
    emu().server.triggerLocal('call');
    expect(lua('user', 'result')).toBe('v1');
  });
});

describe('Lua events (ref §1.1, §1.2, §5.2, §5.5)', () => {
  it("ref §1.2: source is '' in a local handler and the net id in a RegisterNetEvent(name, cb) handler", async () => {
    await resource(emu(), 'ev', {
      server: [
        'server.lua',
        `AddEventHandler('here', function() localSource = source; localType = type(source) end)
        RegisterNetEvent('fromClient', function(arg) netSource = source; netType = math.type(source); netArg = arg end)`,
      ],
      client: ['client.js', `emitNet('fromClient', 'hey');`],
    });
    emu().server.triggerLocal('here');
    expect([lua('ev', 'localSource'), lua('ev', 'localType')]).toEqual(['', 'string']);
    const player = emu().connect();
    await emu().advance(200);
    expect([lua('ev', 'netSource'), lua('ev', 'netType'), lua('ev', 'netArg')]).toEqual([player.netId, 'integer', 'hey']);
  });

  it('ref §5.2: a net event that was not registered net-safe prints "event <name> was not safe for net" and does not run', async () => {
    await resource(emu(), 'ev', {
      server: ['server.lua', `ran = false\nAddEventHandler('secret', function() ran = true end)`],
      client: ['client.js', `emitNet('secret');`],
    });
    emu().connect();
    await emu().advance(200);
    expect(lua('ev', 'ran')).toBe(false);
    expect(emu().output('[server] [ev] event secret was not safe for net')).toHaveLength(1);
  });

  it('ref §5.2: each handler runs in its own coroutine and may Wait; the others run at once', async () => {
    await luaServer(
      emu(),
      'ev',
      `log, threads = {}, {}
      AddEventHandler('multi', function()
        local co, main = coroutine.running()
        threads[#threads + 1] = main and 'main' or tostring(co)
        log[#log + 1] = 'a@' .. GetGameTimer()
        Wait(100)
        log[#log + 1] = 'a-resumed@' .. GetGameTimer()
      end)
      AddEventHandler('multi', function()
        local co, main = coroutine.running()
        threads[#threads + 1] = main and 'main' or tostring(co)
        log[#log + 1] = 'b@' .. GetGameTimer()
      end)`,
    );
    await emu().advance(100);
    emu().server.triggerLocal('multi');
    expect((lua('ev', 'log') as string[]).slice().sort()).toEqual(['a@100', 'b@100']);
    const threads = lua('ev', 'threads') as string[];
    expect(threads).toHaveLength(2);
    expect(threads).not.toContain('main');
    expect(threads[0]).not.toBe(threads[1]);
    await emu().advance(150);
    expect((lua('ev', 'log') as string[])[2]).toBe('a-resumed@200');
  });

  it('ref §5.5: TriggerEvent returns false when a handler (Lua or JS) cancelled, true otherwise', async () => {
    await jsServer(emu(), 'jsCancel', `on('jsCancels', () => CancelEvent());`);
    await luaServer(
      emu(),
      'ev',
      `AddEventHandler('luaCancels', function() CancelEvent() end)
      AddEventHandler('kept', function() end)
      results = { TriggerEvent('luaCancels'), TriggerEvent('jsCancels'), TriggerEvent('kept'), TriggerEvent('nobody') }`,
    );
    expect(lua('ev', 'results')).toEqual([false, false, true, true]);
  });

  it('ref §5.2: AddEventHandler returns {key, name} and RemoveEventHandler removes that handler', async () => {
    await luaServer(
      emu(),
      'ev',
      `count = 0
      local h = AddEventHandler('x', function() count = count + 1 end)
      handle = { keyType = math.type(h.key), name = h.name }
      TriggerEvent('x')
      RemoveEventHandler(h)
      TriggerEvent('x')`,
    );
    expect(lua('ev', 'handle')).toEqual({ keyType: 'integer', name: 'x' });
    expect(lua('ev', 'count')).toBe(1);
  });

  it('ref §5.2: GetPlayers() is a table of strings', async () => {
    await luaServer(emu(), 'ev', `AddEventHandler('look', function() players = GetPlayers(); kinds = type(players[1]) .. type(players[2]) end)`);
    emu().connect();
    emu().connect();
    emu().server.triggerLocal('look');
    expect(lua('ev', 'players')).toEqual(['1', '2']);
    expect(lua('ev', 'kinds')).toBe('stringstring');
  });
});

describe('promise and Citizen.Await (ref §5.2)', () => {
  it('ref §5.2: states are 0 pending, 3 resolved, 4 rejected, and :next runs synchronously inside resolve', async () => {
    await luaServer(
      emu(),
      'p',
      `local p = promise.new()
      order = {}
      p:next(function(v) order[#order + 1] = 'next:' .. v end)
      states = { p.state }
      p:resolve('v')
      order[#order + 1] = 'after resolve'
      states[2] = p.state
      local r = promise.new()
      r:reject('e')
      states[3] = r.state`,
    );
    expect(lua('p', 'states')).toEqual([0, 3, 4]);
    expect(lua('p', 'order')).toEqual(['next:v', 'after resolve']);
  });

  it('ref §5.2: Citizen.Await returns a resolved value and raises a rejection, in virtual time', async () => {
    await luaServer(
      emu(),
      'p',
      `CreateThread(function()
        local good = promise.new()
        SetTimeout(100, function() good:resolve('fine') end)
        goodValue = Citizen.Await(good)
        local bad = promise.new()
        SetTimeout(100, function() bad:reject('nope') end)
        local ok, err = pcall(Citizen.Await, bad)
        awaited = { ok = ok, err = err, at = GetGameTimer() }
      end)`,
    );
    await emu().advance(400);
    expect(lua('p', 'goodValue')).toBe('fine');
    // Thread at 50, resolved at 150, rejected at 250.
    expect(lua('p', 'awaited')).toEqual({ ok: false, err: 'nope', at: 250 });
  });
});

describe('CfxLua syntax through the manifest (ref §5.3)', () => {
  it('ref §5.3: compound assignment, ^= as XOR, backtick hashes and ?. run in a resource file', async () => {
    await luaServer(
      emu(),
      'cfx',
      `local n = 1
      n += 4
      n *= 2 /* a C comment */
      local x = 6
      x ^= 3
      local t = { inner = { v = 7 } }
      local none = nil
      results = { n = n, x = x, hash = \`adder\`, nav = t?.inner?.v, navNil = none?.x == nil }`,
    );
    expect(lua('cfx', 'results')).toEqual({ n: 10, x: 5, hash: 0xb779a091 | 0, nav: 7, navNil: true });
    expect(emu().scriptErrors).toEqual([]);
  });
});

describe('script errors and top-level Wait (ref §4)', () => {
  it('ref §4: a Lua error in a handler prints SCRIPT ERROR with @res/file.lua:N and the resource keeps working', async () => {
    await luaServer(
      emu(),
      'luaerr',
      `okCount = 0
      AddEventHandler('boom', function()
        local t = nil
        return t.field
      end)
      AddEventHandler('ok', function() okCount = okCount + 1 end)`,
    );
    emu().server.triggerLocal('boom');
    emu().server.triggerLocal('ok');
    const errors = emu().output(/SCRIPT ERROR/);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[server\] \[luaerr\] SCRIPT ERROR: @luaerr\/server\.lua:4: attempt to index a nil value \(local 't'\)/);
    expect(lua('luaerr', 'okCount')).toBe(1);
  });

  it("ref §4: Wait at a file's top level defers the rest of that file; the next file loads meanwhile", async () => {
    await emu().addInlineResource('slowload', {
      'fxmanifest.lua': `fx_version 'cerulean'\ngame 'gta5'\nserver_scripts { 'a.lua', 'b.lua' }\n`,
      'a.lua': `order = { 'a1@' .. GetGameTimer() }\nWait(100)\norder[#order + 1] = 'a2@' .. GetGameTimer()`,
      'b.lua': `order[#order + 1] = 'b@' .. GetGameTimer()`,
    });
    expect(emu().start('slowload')).toBe(true);
    expect(lua('slowload', 'order')).toEqual(['a1@0', 'b@0']);
    await emu().advance(150);
    expect(lua('slowload', 'order')).toEqual(['a1@0', 'b@0', 'a2@100']);
  });
});
