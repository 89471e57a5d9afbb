/**
 * The failure cases of the reference's acceptance checklist (ox_lib-and-bridges.md §6, cases 5-11), for the alias
 * (ours) next to our ox_lib double (ox's behaviour), so each difference is shown on both.
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, luaGlobal, useEmulator } from '../../support/cfx.ts';
import { addBridge, addOxDouble, luaResource, plainResource, scene, seen } from './support.ts';

const emu = useEmulator();

/** `out(key, ok, result, ms)`: how a protected await ended and how long it took (virtual ms). */
const TIMED = `
  function timed(key, fn, ...)
    local t0 = GetGameTimer()
    local r = table.pack(pcall(fn, ...))
    out(key, r[1], r[2], GetGameTimer() - t0)
  end`;

describe('timeouts (§6 case 5)', () => {
  it('ox:callbackTimeout: await raises "callback event \'<key>\' timed out" after that long; the cb form stays silent', async () => {
    emu().setConvar('ox:callbackTimeout', '1000', true);
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: `lib.callback.register('slow', function() Wait(5000) return 'late' end)` });
    await luaResource(emu(), 'oxshop', 'ox', { server: `lib.callback.register('oxslow', function() Wait(5000) return 'late' end)` });
    const client = `${TIMED}
      CreateThread(function() Wait(300)
        CreateThread(function() timed('slow', lib.callback.await, 'slow', false) end)
        CreateThread(function() timed('oxslow', lib.callback.await, 'oxslow', false) end)
        lib.callback('slow', false, function() out('cb', 'called') end)
      end)`;
    await luaResource(emu(), 'buyer', 'alias', { client });
    await luaResource(emu(), 'oxbuyer', 'ox', { client: client.replace("lib.callback('slow'", "lib.callback('oxslow'") });
    const [p] = await scene(emu(), ['shop', 'oxshop', 'buyer', 'oxbuyer']);
    await emu().advance(7000);
    const timedOut = (name: string) => [false, expect.stringMatching(new RegExp(`callback event '${name}:[^']+' timed out$`)), expect.any(Number)];
    const alias = seen(p.machine, 'buyer');
    // Ours: an alias handler (engine) and an unmodified one (reached over the ox wire).
    expect(alias).toEqual({ slow: timedOut('slow'), oxslow: timedOut('oxslow') });
    expect(seen(p.machine, 'oxbuyer')).toMatchObject({ slow: timedOut('slow'), oxslow: timedOut('oxslow') });
    for (const r of [alias.slow, alias.oxslow]) expect(r[2]).toBeGreaterThanOrEqual(1000), expect(r[2]).toBeLessThan(1200);
    // ox's cb form never times out and says nothing; ours ends it and says so.
    expect(emu().output(/\[buyer\].*callback event 'slow:\S+' timed out/)).toHaveLength(1);
  });

  it('ox:callbackTimeout 0 fails every await at the next tick, as in ox', async () => {
    emu().setConvar('ox:callbackTimeout', '0', true);
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: `lib.callback.register('now', function() return 1 end)` });
    const client = `${TIMED} CreateThread(function() Wait(300) timed('now', lib.callback.await, 'now', false) end)`;
    await luaResource(emu(), 'buyer', 'alias', { client });
    await luaResource(emu(), 'oxbuyer', 'ox', { client });
    const [p] = await scene(emu(), ['shop', 'buyer', 'oxbuyer']);
    await emu().advance(1000);
    for (const res of ['buyer', 'oxbuyer']) {
      const [ok, message, ms] = seen(p.machine, res).now;
      expect([ok, message]).toEqual([false, expect.stringMatching(/callback event 'now:\S+' timed out$/)]);
      expect(ms).toBeLessThanOrEqual(20);
    }
  });
});

describe('players and resources going away (§6 cases 7, 9)', () => {
  it('the target drops mid-request: the alias raises at once; ox waits out its timeout', async () => {
    emu().setConvar('ox:callbackTimeout', '3000', true);
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'menu', 'alias', { client: `lib.callback.register('pick', function() Wait(10000) return 1 end)` });
    await luaResource(emu(), 'oxmenu', 'ox', { client: `lib.callback.register('oxpick', function() Wait(10000) return 1 end)` });
    const server = `${TIMED}
      RegisterNetEvent('go', function()
        local src = source
        CreateThread(function() timed('pick', lib.callback.await, 'pick', src) end)
        CreateThread(function() timed('oxpick', lib.callback.await, 'oxpick', src) end)
      end)`;
    const client = `CreateThread(function() Wait(300) TriggerServerEvent('go') end)`;
    await luaResource(emu(), 'boss', 'alias', { server, client });
    await luaResource(emu(), 'oxboss', 'ox', { server, client });
    const [p] = await scene(emu(), ['menu', 'oxmenu', 'boss', 'oxboss']);
    await emu().advance(300);
    emu().drop(p.netId, 'gone');
    await emu().advance(4000);
    const alias = seen(emu().server, 'boss');
    for (const name of ['pick', 'oxpick']) {
      expect(alias[name].slice(0, 2)).toEqual([false, `callback '${name}' ended: the player dropped`]);
      expect(alias[name][2]).toBeLessThan(400);
    }
    const ox = seen(emu().server, 'oxboss');
    for (const name of ['pick', 'oxpick']) {
      expect(ox[name].slice(0, 2)).toEqual([false, expect.stringMatching(/timed out/)]);
      expect(ox[name][2]).toBeGreaterThanOrEqual(3000);
    }
  });

  it('the owner stops: callers hear "does not exist" at once, whether the name was claimed by the alias or the bridge', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: `lib.callback.register('aliased', function() return 1 end)` });
    await luaResource(emu(), 'natshop', 'native', { server: `RegisterCallback('native', function() return 2 end)` });
    const client = `${TIMED}
      RegisterNetEvent('ask', function()
        CreateThread(function() timed('aliased', lib.callback.await, 'aliased', false) end)
        CreateThread(function() timed('native', lib.callback.await, 'native', false) end)
      end)`;
    await luaResource(emu(), 'buyer', 'alias', { client });
    await luaResource(emu(), 'oxbuyer', 'ox', { client });
    await plainResource(emu(), 'kick', { server: ['server.js', `globalThis.ask = () => emitNet('ask', -1);`] });
    const [p] = await scene(emu(), ['shop', 'natshop', 'buyer', 'oxbuyer', 'kick']);
    jsGlobals(emu().server, 'kick').ask();
    await emu().advance(500);
    const before = { aliased: [true, 1, expect.any(Number)], native: [true, 2, expect.any(Number)] };
    expect(seen(p.machine, 'buyer')).toEqual(before);
    expect(seen(p.machine, 'oxbuyer')).toEqual(before);
    emu().stop('shop');
    emu().stop('natshop');
    await emu().advance(300);
    jsGlobals(emu().server, 'kick').ask();
    await emu().advance(1000);
    for (const res of ['buyer', 'oxbuyer']) {
      const after = seen(p.machine, res);
      for (const name of ['aliased', 'native']) {
        expect(after[name].slice(0, 2)).toEqual([false, expect.stringMatching(new RegExp(`callback '${name}' does not exist$`))]);
        expect(after[name][2]).toBeLessThan(500); // at once: an engine round trip, then the ox wire's
      }
    }
  });
});

describe('registrations and replies (§6 cases 6, 8, 11)', () => {
  it('the same name in two resources: ox warns and runs both; the alias refuses the second, one handler runs', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    for (const [res, flavour] of [['a1', 'alias'], ['a2', 'alias'], ['o1', 'ox'], ['o2', 'ox']] as const) {
      const name = flavour === 'alias' ? 'dup' : 'oxdup';
      await luaResource(emu(), res, flavour, { server: `RUNS = 0 lib.callback.register('${name}', function() RUNS = RUNS + 1 return '${res}' end)` });
    }
    await luaResource(emu(), 'buyer', 'alias', {
      client: `CreateThread(function() Wait(300) out('dup', lib.callback.await('dup', false)) out('oxdup', lib.callback.await('oxdup', false)) end)`,
    });
    await luaResource(emu(), 'oxbuyer', 'ox', { client: `CreateThread(function() Wait(300) out('dup', lib.callback.await('dup', false)) end)` });
    const [p] = await scene(emu(), ['a1', 'a2', 'o1', 'o2', 'buyer', 'oxbuyer']);
    await emu().advance(1000);
    expect(seen(p.machine, 'buyer')).toEqual({ dup: ['a1'], oxdup: [expect.stringMatching(/^o[12]$/)] });
    expect(seen(p.machine, 'oxbuyer')).toEqual({ dup: ['a1'] });
    const runs = (res: string) => luaGlobal(emu().server, res, 'RUNS');
    expect([runs('a1'), runs('a2'), runs('o1'), runs('o2')]).toEqual([2, 0, 1, 1]);
    expect(emu().output(/a2 tried to register callback 'dup', owned by a1: refused/)).toHaveLength(1);
    expect(emu().output(/resource 'o2' attempted to overwrite callback 'oxdup' owned by resource 'o1'/)).toHaveLength(1);
  });

  it('a forged reply from another client: ignored by the alias, taken by ox (ox_lib #826)', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    // An unmodified client handler, reached over the ox wire by both callers; a spy notes the keys it is sent.
    await luaResource(emu(), 'menu', 'ox', { client: `lib.callback.register('pick', function() Wait(500) return 'real' end)` });
    await plainResource(emu(), 'spy', {
      client: ['client.js', `globalThis.keys = {}; onNet('__ox_cb_pick', (caller, key) => { keys[caller] = key; });
        globalThis.forge = (caller, key) => emitNet('__ox_cb_' + caller, key, 'forged');`],
    });
    const server = `AddEventHandler('go', function(target) out('pick', lib.callback.await('pick', target)) end)`;
    await luaResource(emu(), 'boss', 'alias', { server });
    await luaResource(emu(), 'oxboss', 'ox', { server });
    await plainResource(emu(), 'kick', { server: ['server.js', `globalThis.go = (target) => emit('go', target);`] });
    const [victim, forger] = await scene(emu(), ['menu', 'spy', 'boss', 'oxboss', 'kick'], { players: 2 });
    jsGlobals(emu().server, 'kick').go(victim.netId);
    await emu().advance(100);
    const keys = jsGlobals(victim.machine, 'spy').keys as Record<string, string>;
    expect(Object.keys(keys).sort()).toEqual(['boss', 'oxboss']);
    const forge = jsGlobals(forger.machine, 'spy').forge as (caller: string, key: string) => void;
    forge('boss', keys.boss);
    forge('oxboss', keys.oxboss);
    await emu().advance(1000);
    expect(seen(emu().server, 'boss').pick).toEqual(['real']);
    expect(seen(emu().server, 'oxboss').pick).toEqual(['forged']);
  });

  it('100 parallel awaits of one name each get their own reply, through the engine and over the ox wire (paced)', async () => {
    // ox has no limits; the engine's per-player ones (10/s, burst 20, 32 in flight) are raised for this case.
    for (const [name, value] of [['rate', '1000'], ['burst', '1000'], ['maxInFlight', '200']]) emu().setConvar(`callback_bridge:${name}`, value, true);
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: `lib.callback.register('echo', function(source, i) Wait(i % 7) return i, i * 2 end)` });
    await luaResource(emu(), 'oxshop', 'ox', { server: `lib.callback.register('oxecho', function(source, i) Wait(i % 7) return i, i * 2 end)` });
    // Player 1 runs the alias, player 2 the double (FiveM's event limiters count per client).
    const client = (player: number, names: string) => `CreateThread(function() Wait(300)
        if GetPlayerServerId(PlayerId()) ~= ${player} then return end
        local good, t0 = {}, GetGameTimer()
        for _, name in ipairs({ ${names} }) do
          good[name] = 0
          for i = 1, 100 do
            CreateThread(function()
              local a, b = lib.callback.await(name, false, i)
              if a == i and b == i * 2 then good[name] = good[name] + 1 end
              if good[name] == 100 then out(name, good[name], GetGameTimer() - t0) end
            end)
          end
        end
      end)`;
    await luaResource(emu(), 'buyer', 'alias', { client: client(1, "'echo', 'oxecho'") });
    await luaResource(emu(), 'oxbuyer', 'ox', { client: client(2, "'oxecho'") });
    const [p1, p2] = await scene(emu(), ['shop', 'oxshop', 'buyer', 'oxbuyer'], { players: 2 });
    await emu().advance(15_000);
    const ours = seen(p1.machine, 'buyer');
    expect(ours).toEqual({ echo: [100, expect.any(Number)], oxecho: [100, expect.any(Number)] });
    // The engine coalesces: one frame's worth of calls is one event each way.
    expect(ours.echo[1]).toBeLessThan(500);
    // The ox wire costs two events per call: ours stays within the engine's budget (20/s, burst 40) instead.
    expect(ours.oxecho[1]).toBeGreaterThan(5000);
    expect(seen(p2.machine, 'oxbuyer')).toEqual({ oxecho: [100, expect.any(Number)] });
    expect(emu().counters).toMatchObject({ kicked: 0 });
  });

  it('the alias gains the engine limits: past the per-player burst, await raises the refusal instead of running the handler', async () => {
    await addBridge(emu());
    await addOxDouble(emu());
    await luaResource(emu(), 'shop', 'alias', { server: `RUNS = 0 lib.callback.register('buy', function() RUNS = RUNS + 1 return true end)` });
    await luaResource(emu(), 'buyer', 'alias', {
      client: `CreateThread(function() Wait(300)
        local ok, refused, messages = 0, 0, {}
        for i = 1, 30 do
          CreateThread(function()
            local good, r = pcall(lib.callback.await, 'buy', false)
            if good and r then ok = ok + 1 else refused = refused + 1 messages[tostring(r)] = true end
            if ok + refused == 30 then out('result', ok, refused, (next(messages))) end
          end)
        end
      end)`,
    });
    const [p] = await scene(emu(), ['shop', 'buyer']);
    await emu().advance(2000);
    expect(seen(p.machine, 'buyer')).toEqual({ result: [20, 10, "callback 'buy' is rate limited, try again later"] });
    expect(luaGlobal(emu().server, 'shop', 'RUNS')).toBe(20);
  });
});
