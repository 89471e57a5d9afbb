/**
 * What the fuzzers and abuse scenarios found, kept as regression tests (issue: security). Each test names its
 * finding; both twins are checked where the fix is in the engine (the TS engine of a JS resource, the Lua twin, and the
 * bridge's own engine).
 */
import { describe, expect, it } from 'vitest';
import { getLuaVm } from '../emulator/lua/lua-vm.ts';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { luaResource, runForString, scriptErrors, startAll, twinState } from '../engine/lua-support.ts';
import { fuzzWorld } from './fuzz-world.ts';
import { inject, nested } from './hostile.ts';
import { grown, luaEngineSizes, tsEngineSizes } from './sizes.ts';

const emu = useEmulator();

/** One valid request frame per engine, from the cheater, for `name` in each (with its engine's prefix). */
function callEach(w: Awaited<ReturnType<typeof fuzzWorld>>, name: string, id: number): void {
  inject(emu(), 'cbb:q:fz_js', [1, 'cheat', 1, id, name, 1, { id: 'a', qty: 1 }, 0], w.cheater);
  inject(emu(), 'cbb:q:fz_lua', [1, 'cheat', 1, id, `l${name}`, 1, { id: 'a', qty: 1 }, 0], w.cheater);
  inject(emu(), 'cbb:q:callback_bridge', [1, 'cheat', 1, id, `x${name}`, 1, { id: 'a', qty: 1 }, 0], w.cheater);
}

describe('an engine that goes idle holds nothing for the requests it served', () => {
  it('finding: deadline slots of answered requests stayed until the next call (TS, Lua, bridge)', async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    callEach(w, 'fz:open', 1);
    await emu().advance(500);
    const idle = { pending: 0, 'pending.deadlines': 0, serving: 0, 'serving.deadlines': 0 };
    for (const sizes of [tsEngineSizes(w.js().engine), luaEngineSizes(emu(), 'fz_lua'), tsEngineSizes(w.bridge('engine'))]) {
      expect(grown(idle, Object.fromEntries(Object.keys(idle).map((k) => [k, sizes[k]])))).toEqual({});
    }
    expect(w.runs.length).toBe(3);
  });

  it("finding: a player's rate buckets stayed until the engine's next call (TS, Lua, bridge)", async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    callEach(w, 'fz:strict', 1);
    await emu().advance(500);
    expect(tsEngineSizes(w.js().engine)['checks.buckets']).toBe(1);
    // No call after this one: the sweep still frees the bucket once it refilled (rate 5/s, burst 10: at once).
    await emu().advance(12_000);
    for (const sizes of [tsEngineSizes(w.js().engine), luaEngineSizes(emu(), 'fz_lua'), tsEngineSizes(w.bridge('engine'))]) {
      expect(sizes['checks.buckets']).toBe(0);
    }
  });
});

describe('names a client makes up leave no trace', () => {
  it("finding: a name sent on ESX's or QBCore's wire left one metrics row per name in the bridge's engine", async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    const engine = w.bridge('engine');
    const rows = engine.metrics.entries.size;
    const notFound = engine.metrics.counters.notFound;
    for (let i = 0; i < 50; i++) {
      inject(emu(), 'esx:triggerServerCallback', [`made:up:${i}`, i, 'fz_js'], w.cheater);
      inject(emu(), 'QBCore:Server:TriggerCallback', [`made:up:${i}`, i], w.cheater);
    }
    await emu().advance(500);
    expect(engine.metrics.entries.size).toBe(rows);
    expect(engine.metrics.counters.notFound - notFound).toBe(100);
    // A served name still gets its row: it is bounded by registrations.
    inject(emu(), 'QBCore:Server:TriggerCallback', ['fz:open', 1], w.cheater);
    await emu().advance(200);
    expect(engine.metrics.entries.size).toBe(rows + 1);
  });

  it('the Lua twin keeps the same rule: an unknown name by the ownership record ends NOT_FOUND without a row', async () => {
    const vm = await getLuaVm();
    const L = twinState(vm, ['errors', 'protocol', 'localcalls']);
    const out = runForString(vm, L, `
      local rows = 0
      local engine = {
        handlers = {}, stopped = false,
        coordinator = { localAddress = function() return nil end },
        metrics = { counters = { notFound = 0 }, started = function() rows = rows + 1 end },
        transport = { resource = 'callback_bridge' },
      }
      local got
      use('localcalls').call(engine, 1, 'made:up', { n = 0 }, nil, function(ok, code) got = { ok, code } end)
      __out = J(got[1], got[2], rows, engine.metrics.counters.notFound)`);
    expect(JSON.parse(out)).toEqual([false, 'NOT_FOUND', 0, 1]);
    vm.close(L);
  });
});

describe('the payload cap counts every level of what arrives', () => {
  it('finding: content nested past the size estimate (17 levels in Lua, 33 in TS) went around the payload cap', async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    const big = 'x'.repeat(20_000);
    let id = 1;
    // Lua's runtime refuses more than 32 open containers on its own (ref §2.2): 31 is the deepest that reaches it.
    for (const depth of [17, 20, 31, 33, 40, 60]) {
      inject(emu(), 'cbb:q:fz_js', [1, 'cheat', 1, id++, 'fz:open', 1, nested(depth, big), 0], w.cheater);
      inject(emu(), 'cbb:q:callback_bridge', [1, 'cheat', 1, id++, 'xfz:open', 1, nested(depth, big), 0], w.cheater);
      if (depth < 32) inject(emu(), 'cbb:q:fz_lua', [1, 'cheat', 1, id++, 'lfz:open', 1, nested(depth, big), 0], w.cheater);
    }
    await emu().advance(500);
    expect(w.runs).toEqual([]);
    // Small content at the same depths is still served (depth 32 at most in TS: 33 tables are refused in both twins).
    for (const depth of [17, 31, 32]) {
      inject(emu(), 'cbb:q:fz_js', [1, 'cheat', 1, id++, 'fz:open', 1, nested(depth, 'ok'), 0], w.cheater);
      inject(emu(), 'cbb:q:fz_lua', [1, 'cheat', 1, id++, 'lfz:open', 1, nested(Math.min(depth, 31), 'ok'), 0], w.cheater);
    }
    await emu().advance(500);
    expect(w.runs.map((r) => r.engine).sort()).toEqual(['fz_js', 'fz_js', 'fz_js', 'fz_lua', 'fz_lua', 'fz_lua']);
    expect(w.violations()).toEqual([]);
  });
});

describe("a client's announced names are bounded", () => {
  it('finding: a client could announce junk names (and addresses of any length) without bound while connected', async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    for (let k = 0; k < 5; k++) inject(emu(), 'cbb:announce', [Array.from({ length: 1000 }, (_, i) => [`junk:${k}:${i}`, 'fz_js'])], w.cheater);
    inject(emu(), 'cbb:announce', [[['long:address', 'x'.repeat(100_000)], ['bad:address', 'not a resource!']]], w.cheater);
    await emu().advance(500);
    const names = w.bridge<Array<[string, string]>>(`clientNames.get(${w.cheater.netId}).entries()`);
    expect(names.length).toBeLessThanOrEqual(1000);
    expect(names.some(([name]) => name.endsWith('address'))).toBe(false);
    // Its own names still go in once it releases junk (a real client never holds that many).
    inject(emu(), 'cbb:announce', [[['junk:0:0', null], ['fz:mine', 'fz_js']]], w.cheater);
    await emu().advance(200);
    expect(w.bridge<string | undefined>(`clientNames.get(${w.cheater.netId}).ownerOf('fz:mine')`)).toBe('fz_js');
  });
});

describe('a client holds under anything its server sends', () => {
  it("finding: a directory update whose entries were not pairs threw in the client's engines (TS; the Lua twin skipped them)", async () => {
    const w = await fuzzWorld(emu(), { hold: false });
    await luaResource(emu(), 'lua_cl', { client: `RegisterCallback('cl:x', function() return 1 end)` });
    startAll(emu(), 'lua_cl');
    await emu().advance(300);
    inject(emu(), 'cbb:dir', [[7, 'x', null, {}, ['ok:name', 'fz_js'], [1, 2]]], null, w.bystander);
    await emu().advance(200);
    expect(scriptErrors(emu())).toEqual([]);
    expect(jsGlobals(w.bystander.machine, 'fz_js').CallbackBridge.engine.coordinator.ownerOnOtherSide('ok:name', 0)).toBe('fz_js');
  });
});
