/**
 * The seed `utils.callbacks` (shared/seeds/utils-callbacks.md) on the bridge: our own scenarios for every function
 * and behaviour the document shows, through the import (L2), through the bridge's exports, and through the boii_utils
 * stand-in (L3); and the failures the original never reported (ref §4): unknown name, timeout, handler error,
 * concurrent calls of one name, a drop mid-request.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { jsRes, luaRes, noScriptErrors, PENDING_LUA, scene } from './support.ts';

const emu = useEmulator();

const SHOP_SERVER = `
  utils.callbacks.register('example_callback', function(source, data, cb)
    cb({ success = true, message = 'Callback executed successfully.', echo = data.key })
  end)
  utils.callbacks.register('get_player_data', function(source, data, cb)
    cb({ id = source, name = 'John Doe', rank = 'admin', asked = data.player_id })
  end)`;

describe('utils.callbacks through the import (L2)', () => {
  it('register on the server, trigger on the client: the document workflow, source bound, one data payload', async () => {
    await luaRes(emu(), 'shop', {
      server: SHOP_SERVER,
      client: `CreateThread(function()
        Wait(300)
        utils.callbacks.trigger('example_callback', { key = 'value' }, function(response) out('example', response) end)
        utils.callbacks.trigger('get_player_data', { player_id = 1 }, function(response) out('player', response) end)
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop'], { players: 2, settle: 1500 });
    for (const p of s.players) {
      expect(s.client('shop', p)).toEqual({
        example: [{ success: true, message: 'Callback executed successfully.', echo: 'value' }],
        player: [{ id: p.netId, name: 'John Doe', rank: 'admin', asked: 1 }],
      });
    }
    noScriptErrors(emu());
  });

  it('extends a utils table that exists (other fields kept) and creates one otherwise', async () => {
    await luaRes(
      emu(),
      'existing',
      {
        server: `out('fields', utils.version, utils.callbacks.other, type(utils.callbacks.register), utils.callbacks.trigger)`,
        client: `out('fields', utils.version, utils.callbacks.other, type(utils.callbacks.trigger), utils.callbacks.register)`,
      },
      { head: ['head.lua'] },
    );
    // The head script defines utils before the import, as a library's own import line would.
    await emu().addInlineResource('existing', {
      ...(await inlineFiles('existing')),
      'head.lua': `utils = { version = 2, callbacks = { other = 'kept' } }`,
    });
    await luaRes(emu(), 'fresh', { server: `out('type', type(utils), type(utils.callbacks.register))`, client: `out('type', type(utils), type(utils.callbacks.trigger))` });
    const s = await scene(emu(), ['callback_bridge', 'existing', 'fresh']);
    expect(s.server('existing').fields).toEqual([2, 'kept', 'function', null]);
    expect(s.client('existing').fields).toEqual([2, 'kept', 'function', null]);
    expect(s.server('fresh').type).toEqual(['table', 'function']);
    expect(s.client('fresh').type).toEqual(['table', 'function']);
  });

  it('a missing callback is logged and the caller hears back: cb(nil, message, false)', async () => {
    await luaRes(emu(), 'asker', {
      client: `CreateThread(function()
        Wait(300)
        utils.callbacks.trigger('nobody:here', { a = 1 }, function(...) out('missing', ...) end)
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'asker'], { settle: 1000 });
    expect(s.client('asker').missing).toEqual([null, "callback 'nobody:here' does not exist", false]);
    expect(emu().output(/utils\.callbacks: callback 'nobody:here' does not exist/)).toHaveLength(1);
  });

  it('timeouts (per call and per callback), a failing handler, a bad name: each reaches the cb and the log', async () => {
    await luaRes(emu(), 'shop', {
      server: `
        utils.callbacks.register('silent', function(source, data, cb) end)
        utils.callbacks.register('slowish', function(source, data, cb) end, { timeout = 400 })
        utils.callbacks.register('broken', function(source, data, cb) error('database down') end)`,
      client: `CreateThread(function()
        Wait(300)
        local t0 = GetGameTimer()
        utils.callbacks.trigger({ name = 'silent', timeout = 250 }, nil, function(...) out('perCall', GetGameTimer() - t0, ...) end)
        utils.callbacks.trigger('slowish', nil, function(...) out('perCallback', GetGameTimer() - t0, ...) end)
        utils.callbacks.trigger('broken', {}, function(...) out('broken', ...) end)
        out('badName', pcall(function() utils.callbacks.trigger({ timeout = 5 }, {}) end))
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop'], { settle: 2000 });
    const c = s.client('shop');
    expect(c.perCall.slice(1)).toEqual([null, "callback 'silent' timed out", true]);
    expect(c.perCall[0]).toBeGreaterThanOrEqual(250);
    expect(c.perCall[0]).toBeLessThan(400);
    expect(c.perCallback.slice(1)).toEqual([null, "callback 'slowish' timed out", true]);
    expect(c.perCallback[0]).toBeGreaterThanOrEqual(400);
    expect(c.perCallback[0]).toBeLessThan(600);
    expect(c.broken).toEqual([null, "callback 'broken' failed on the other side", false]);
    expect(c.badName[0]).toBe(false);
    expect(String(c.badName[1])).toMatch(/client\.lua:\d+: callback name must be a non-empty string/);
    // The handler's console has the error; the caller's console has each failure.
    expect(emu().output(/\[server\].*callback 'broken' \(resource shop\) failed: .*database down/)).toHaveLength(1);
    expect(emu().output(/\[client 1\].*utils\.callbacks: callback '(silent|slowish)' timed out/)).toHaveLength(2);
  });

  it('concurrent calls of one name each get their own reply (the original keyed nothing by request)', async () => {
    await luaRes(emu(), 'shop', {
      server: `utils.callbacks.register('square', function(source, data, cb)
        Wait(200 - data.n * 10)   -- later calls answer first
        cb(data.n * data.n)
      end, { rateLimit = false })`,
      client: `CreateThread(function()
        Wait(300)
        local got = {}
        for n = 1, 15 do
          utils.callbacks.trigger('square', { n = n }, function(v) got[#got + 1] = n .. '=' .. v end)
        end
        Wait(1000)
        table.sort(got)
        out('got', table.concat(got, ' '), #got)
        ${PENDING_LUA('pending')}
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop'], { settle: 2000 });
    const want = Array.from({ length: 15 }, (_, i) => `${i + 1}=${(i + 1) ** 2}`).sort();
    expect(s.client('shop').got).toEqual([want.join(' '), 15]);
    expect(s.client('shop').pending).toEqual([0, 0]);
  });

  it('a player who drops mid-request: the handler side ends at once and nothing is left pending', async () => {
    await luaRes(emu(), 'shop', {
      server: `
        utils.callbacks.register('long', function(source, data, cb) Wait(2000) cb('late') end)
        AddEventHandler('playerDropped', function() SetTimeout(0, function() ${PENDING_LUA('afterDrop')} end) end)`,
      client: `CreateThread(function() Wait(300) utils.callbacks.trigger('long', {}, function(...) out('never', ...) end) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop'], { settle: 700 });
    emu().drop(s.player.netId, 'gone');
    await emu().advance(3000);
    expect(s.server('shop').afterDrop).toEqual([0, 0]);
    noScriptErrors(emu());
  });

  it('registration options: rate limit, validation, ACE permission; metrics count the calls', async () => {
    await luaRes(emu(), 'shop', {
      server: `
        utils.callbacks.register('limited', function(source, data, cb) cb('ok') end, { rateLimit = { rate = 1, burst = 2 } })
        utils.callbacks.register('checked', function(source, data, cb) cb('valid') end, { validate = { required = { 'item' }, types = { item = 'string' } } })
        utils.callbacks.register('admin', function(source, data, cb) cb('admin') end, { permission = 'shop.admin' })
        RegisterCommand('metrics', function()
          for _, row in ipairs(exports.callback_bridge:GetCallbackMetrics()) do
            if row.name == 'limited' and row.role == 'handler' then out('metrics', row.calls, row.errors.RATE_LIMITED) end
          end
        end, true)`,
      client: `CreateThread(function()
        Wait(300)
        for i = 1, 3 do utils.callbacks.trigger('limited', {}, function(...) out('limited' .. i, ...) end) end
        utils.callbacks.trigger('checked', { item = 5 }, function(...) out('invalid', ...) end)
        utils.callbacks.trigger('checked', { item = 'bread' }, function(...) out('valid', ...) end)
        utils.callbacks.trigger('admin', {}, function(...) out('admin', ...) end)
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'shop'], { settle: 1500 });
    emu().executeCommand(emu().server, 'metrics');
    const c = s.client('shop');
    expect([c.limited1, c.limited2]).toEqual([['ok'], ['ok']]);
    expect(c.limited3).toEqual([null, "callback 'limited' is rate limited, try again later", false]);
    expect(c.invalid[0]).toBeNull();
    expect(c.invalid[1]).toMatch(/received invalid arguments: field 'item' must be string/);
    expect(c.valid).toEqual(['valid']);
    expect(c.admin).toEqual([null, "callback 'admin' is not allowed for this player", false]);
    // Every request counts as a call, the refused one too.
    expect(s.server('shop').metrics).toEqual([3, 1]);
  });
});

describe('utils.callbacks through the exports and the boii_utils stand-in (L3)', () => {
  it('exports.callback_bridge:register_callback / trigger_callback reach handlers registered through the import, and back', async () => {
    await luaRes(emu(), 'viaImport', { server: `utils.callbacks.register('imp', function(source, data, cb) cb('import', data) end)` });
    await luaRes(
      emu(),
      'viaExports',
      {
        server: `exports.callback_bridge:register_callback('exp', function(source, data, cb) cb('exports', data, source) end)`,
        client: `CreateThread(function()
          Wait(300)
          exports.callback_bridge:trigger_callback('imp', 1, function(...) out('imp', ...) end)
        end)`,
      },
      { aliased: false },
    );
    await luaRes(emu(), 'caller', { client: `CreateThread(function() Wait(300) utils.callbacks.trigger('exp', 2, function(...) out('exp', ...) end) end)` });
    const s = await scene(emu(), ['callback_bridge', 'viaImport', 'viaExports', 'caller'], { settle: 1500 });
    expect(s.client('viaExports').imp).toEqual(['import', 1]);
    expect(s.client('caller').exp).toEqual(['exports', 2, s.player.netId]);
  });

  it('stand-in: exports.boii_utils register_callback / trigger_callback / get("modules.callbacks"), from Lua and JS', async () => {
    await luaRes(
      emu(),
      'legacy',
      {
        server: `
          exports.boii_utils:register_callback('legacy:a', function(source, data, cb) cb('a', data.x, source) end)
          local callbacks = exports.boii_utils:get('modules.callbacks')
          callbacks.register('legacy:b', function(source, data, cb) cb('b', data.x) end)`,
        client: `CreateThread(function()
          Wait(300)
          exports.boii_utils:trigger_callback('legacy:a', { x = 1 }, function(...) out('a', ...) end)
          exports.boii_utils:get('modules.callbacks').trigger('legacy:b', { x = 2 }, function(...) out('b', ...) end)
          exports.boii_utils:trigger_callback('legacy:none', {}, function(...) out('none', ...) end)
        end)`,
      },
      { aliased: false },
    );
    await jsRes(emu(), 'jsLegacy', {
      client: `setTimeout(() => exports.boii_utils.trigger_callback('legacy:a', { x: 3 }, (...v) => { globalThis.got = v; }), 300);`,
    });
    const s = await scene(emu(), ['callback_bridge', 'legacy', 'jsLegacy'], { standin: 'boii_utils', settle: 1500 });
    expect(s.client('legacy')).toEqual({
      a: ['a', 1, s.player.netId],
      b: ['b', 2],
      none: [null, "callback 'legacy:none' does not exist", false],
    });
    expect(s.js('jsLegacy').got).toEqual(['a', 3, s.player.netId]);
    expect(emu().output(/utils\.callbacks: callback 'legacy:none' does not exist/)).toHaveLength(1);
  });

  it('is not there without the convar, nor in front of a boii_utils that exists', async () => {
    await luaRes(emu(), 'legacy', { server: `out('try', pcall(function() return exports.boii_utils:register_callback('x', print) end))` }, { aliased: false });
    await emu().addInlineResource('boii_utils', { 'fxmanifest.lua': "fx_version 'cerulean'\ngame 'gta5'\n" });
    const s = await scene(emu(), ['callback_bridge', 'legacy'], { standin: 'boii_utils' });
    expect(s.server('legacy').try[0]).toBe(false);
    expect(String(s.server('legacy').try[1])).toMatch(/No such export register_callback in resource boii_utils/);
  });
});

/** The files of an inline resource added earlier (to add one more file to it). */
async function inlineFiles(name: string): Promise<Record<string, string>> {
  const fs = await import('node:fs');
  const dir = emu().registry.get(name)!.path;
  return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(`${dir}/${f}`, 'utf8')]));
}
