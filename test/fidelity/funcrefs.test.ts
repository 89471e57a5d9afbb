/**
 * Function references between Lua and JS resources on the real machine (ref §2.4): calls made later, return value
 * shapes, async callees on either side, dead references after a restart, and identity.
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, jsServer, luaGlobal, luaServer, useEmulator } from '../support/cfx.ts';

const emu = useEmulator();

describe('calls made later (ref §2.4)', () => {
  it('ref §2.4: a JS function passed to Lua through an export can be called later from a Lua thread', async () => {
    await luaServer(
      emu(),
      'store',
      `local saved
      exports('keep', function(cb) saved = cb; return type(cb) end)
      CreateThread(function()
        Wait(200)
        laterResult = saved(20)
        laterAt = GetGameTimer()
      end)`,
    );
    await jsServer(emu(), 'giver', `globalThis.kind = exports.store.keep((x) => x + 1);`);
    expect(jsGlobals(emu().server, 'giver').kind).toBe('table');
    expect(luaGlobal(emu().server, 'store', 'laterResult')).toBe(null);
    await emu().advance(300);
    expect(luaGlobal(emu().server, 'store', 'laterResult')).toBe(21);
    // CreateThread during load runs on the next tick (50 ms, ref §5.2), then Wait(200).
    expect(luaGlobal(emu().server, 'store', 'laterAt')).toBe(250);
  });

  it('ref §2.4: a Lua function called later by JS gives an array for >1 values, the value for 1, undefined for 0', async () => {
    await jsServer(
      emu(),
      'keeper',
      `const kept = {};
      exports('keep', (name, fn) => { kept[name] = fn; });
      setTimeout(() => { globalThis.results = { two: kept.two(), one: kept.one(), none: kept.none(), sum: kept.add(2, 3) }; }, 100);`,
    );
    await luaServer(
      emu(),
      'giver',
      `exports.keeper:keep('two', function() return 1, 'b' end)
      exports.keeper:keep('one', function() return 'a' end)
      exports.keeper:keep('none', function() end)
      exports.keeper:keep('add', function(a, b) return a + b end)`,
    );
    await emu().advance(200);
    const { results } = jsGlobals(emu().server, 'keeper');
    expect(results.two).toEqual([1, 'b']);
    expect(results.one).toBe('a');
    expect('none' in results && results.none).toBe(undefined);
    expect(results.sum).toBe(5);
  });

  it('ref §2.2, §2.4: a Lua callee returning nil, "x" reaches a JS caller as the object { "2": "x" }', async () => {
    await luaServer(emu(), 'lib', `exports('gap', function() return nil, 'x' end)`);
    await jsServer(emu(), 'user', `const r = exports.lib.gap(); globalThis.r = r; globalThis.isArray = Array.isArray(r);`);
    const g = jsGlobals(emu().server, 'user');
    expect(g.r).toEqual({ '2': 'x' });
    expect(g.isArray).toBe(false);
  });
});

describe('async callees (ref §2.4)', () => {
  it('ref §2.4: a JS export returning a Promise is awaited transparently by a Lua caller inside a thread', async () => {
    await jsServer(emu(), 'asyncLib', `exports('later', async (x) => { await new Promise((r) => setTimeout(r, 100)); return x * 2; });`);
    await luaServer(
      emu(),
      'user',
      `Citizen.CreateThread(function()
        local t0 = GetGameTimer()
        value = exports.asyncLib:later(21)
        took = GetGameTimer() - t0
      end)`,
    );
    await emu().advance(400);
    expect(luaGlobal(emu().server, 'user', 'value')).toBe(42);
    // Thread starts on the 50 ms tick; the JS timer (> 100 ms strictly) fires on the 200 ms tick.
    expect(luaGlobal(emu().server, 'user', 'took')).toBe(150);
  });

  it('ref §2.4: a rejected JS export Promise raises in the Lua caller, wrapped by the export call', async () => {
    await jsServer(emu(), 'asyncLib', `exports('fails', async () => { await null; throw new Error('nope'); });`);
    await luaServer(
      emu(),
      'user',
      `Citizen.CreateThread(function()
        local ok, err = pcall(function() return exports.asyncLib:fails() end)
        failed, message = not ok, err
      end)`,
    );
    await emu().advance(200);
    expect(luaGlobal(emu().server, 'user', 'failed')).toBe(true);
    const message = luaGlobal(emu().server, 'user', 'message') as string;
    expect(message).toContain('An error occurred while calling export `fails` in resource `asyncLib`');
    expect(message).toContain('nope');
  });

  it('ref §2.4: a Lua export that Waits gives the JS caller a Promise of its value', async () => {
    await luaServer(emu(), 'slow', `exports('double', function(x) Wait(100) return x * 2 end)`);
    await jsServer(
      emu(),
      'user',
      `const p = exports.slow.double(21);
      globalThis.isPromise = p instanceof Promise;
      p.then((v) => { globalThis.v = v; globalThis.at = GetGameTimer(); });`,
    );
    const g = jsGlobals(emu().server, 'user');
    expect(g.isPromise).toBe(true);
    expect(g.v).toBe(undefined);
    await emu().advance(300);
    expect(g.v).toBe(42);
    expect(g.at).toBe(100);
  });
});

describe('references into a restarted resource (ref §2.4, §4)', () => {
  /** `holder` (JS) keeps the first Lua function `giver` hands it and calls it on demand. */
  async function jsHoldsLuaRef() {
    await jsServer(
      emu(),
      'holder',
      `let kept = null;
      exports('keep', (fn) => { kept ??= fn; });
      globalThis.call = () => { try { return kept(); } catch (e) { return 'threw: ' + e.message; } };`,
    );
    await luaServer(emu(), 'giver', `exports.holder:keep(function() return 'alive' end)`);
    expect(jsGlobals(emu().server, 'holder').call()).toBe('alive');
  }

  it('ref §2.4: a JS caller of a ref into a stopped Lua resource throws "Error in nested ref call ... isn\'t started"', async () => {
    await jsHoldsLuaRef();
    emu().stop('giver');
    expect(jsGlobals(emu().server, 'holder').call()).toBe(
      "threw: Error in nested ref call for holder. holder tried to call a function reference in giver but the reference wasn't valid. " +
        "And giver isn't started, was the resource restarted mid call?",
    );
  });

  it('ref §2.4: a JS caller of a ref into a restarted Lua resource throws "(did <res> restart recently?)"', async () => {
    await jsHoldsLuaRef();
    emu().restart('giver');
    expect(jsGlobals(emu().server, 'holder').call()).toBe(
      "threw: Error in nested ref call for holder. holder tried to call a function reference in giver but the reference wasn't valid. " +
        '(did giver restart recently?)',
    );
  });

  it('ref §2.4: a Lua caller of a ref into a restarted JS resource raises "Execution of function reference in script host failed"', async () => {
    await luaServer(
      emu(),
      'holder',
      `local kept
      exports('keep', function(fn) kept = kept or fn end)
      AddEventHandler('callKept', function()
        local ok, err = pcall(kept)
        result = ok and err or ('error: ' .. tostring(err))
      end)`,
    );
    await jsServer(emu(), 'giver', `exports.holder.keep(() => 'alive');`);
    await jsServer(emu(), 'trigger', `globalThis.fire = () => emit('callKept');`);
    jsGlobals(emu().server, 'trigger').fire();
    expect(luaGlobal(emu().server, 'holder', 'result')).toBe('alive');
    emu().restart('giver');
    jsGlobals(emu().server, 'trigger').fire();
    expect(luaGlobal(emu().server, 'holder', 'result')).toMatch(/^error: .*Execution of function reference in script host failed/);
  });
});

describe('identity (ref §2.4)', () => {
  it('ref §2.4: the same JS function passed twice reaches Lua as two different funcref tables', async () => {
    await luaServer(
      emu(),
      'lib',
      `exports('compare', function(a, b)
        return rawequal(a, b), rawget(a, '__cfx_functionReference') ~= rawget(b, '__cfx_functionReference'), a(), b()
      end)`,
    );
    await jsServer(emu(), 'user', `const f = () => 7; globalThis.r = exports.lib.compare(f, f);`);
    expect(jsGlobals(emu().server, 'user').r).toEqual([false, true, 7, 7]);
  });

  it('ref §2.4: the same Lua function passed twice reaches JS as two different functions', async () => {
    await jsServer(emu(), 'lib', `exports('compare', (a, b) => [a === b, a(), b()]);`);
    await luaServer(
      emu(),
      'user',
      `local f = function() return 7 end
      local r = exports.lib:compare(f, f)
      same, ra, rb = r[1], r[2], r[3]`,
    );
    expect(luaGlobal(emu().server, 'user', 'same')).toBe(false);
    expect([luaGlobal(emu().server, 'user', 'ra'), luaGlobal(emu().server, 'user', 'rb')]).toEqual([7, 7]);
  });
});
