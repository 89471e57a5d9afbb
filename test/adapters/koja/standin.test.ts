/**
 * The koja-lib stand-in (L3): `setr callback_bridge:standin "koja-lib"` on a server without koja-lib, and unmodified
 * Lua and JS resources get `exports['koja-lib']:getSharedObject()` with the callback functions on the bridge's engine.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { jsRes, luaRes, luaValue, noScriptErrors, scene } from '../utils/support.ts';

const emu = useEmulator();
const plain = { aliased: false };
const GET = `KOJA = exports['koja-lib']:getSharedObject()\n`;

describe('koja-lib stand-in (L3)', () => {
  it('plain Lua: every KOJA callback function, with source binding and failures as (nil, message, timedOut)', async () => {
    await luaRes(
      emu(),
      'legacy',
      {
        server:
          GET +
          `KOJA.Server.RegisterServerCallback('myScript:getShopItems', function(source, payload, cb)
            cb({ { name = payload.category .. ':bread', by = source } })
          end)
          RegisterCommand('coords', function(_, args)
            local p = tonumber(args[1])
            KOJA.Server.TriggerClientCallback('myScript:getLocalCoords', p, nil, function(coords) out('coords', coords.x, coords.y, coords.z) end)
            KOJA.Server.TriggerClientCallback({ name = 'myScript:none', timeout = 300 }, p, nil, function(...) out('none', ...) end)
            KOJA.Server.TriggerCallback('myScript:getShopItems', p, { category = 'local' }, function(items) out('local', items[1].name, items[1].by) end)
          end, true)`,
        client:
          GET +
          `KOJA.Client.RegisterClientCallback('myScript:getLocalCoords', function(payload, cb) cb({ x = 1, y = 2, z = 3 }) end)
          CreateThread(function()
            Wait(300)
            KOJA.Client.TriggerServerCallback('myScript:getShopItems', { category = 'food' }, function(items)
              for _, item in ipairs(items) do out('item', item.name, item.by) end
            end)
            KOJA.Client.TriggerServerCallback('myScript:missing', nil, function(...) out('missing', ...) end)
          end)`,
      },
      plain,
    );
    const s = await scene(emu(), ['callback_bridge', 'legacy'], { standin: 'koja-lib', settle: 1000 });
    emu().executeCommand(emu().server, `coords ${s.player.netId}`);
    await emu().advance(600);
    expect(s.client('legacy')).toEqual({
      item: ['food:bread', s.player.netId],
      missing: [null, "callback 'myScript:missing' does not exist", false],
    });
    expect(s.server('legacy')).toEqual({
      coords: [1, 2, 3],
      none: [null, "callback 'myScript:none' does not exist", false],
      local: ['local:bread', s.player.netId],
    });
    noScriptErrors(emu());
  });

  it('JS: getSharedObject() from JS resources on both sides; a client handler may return its answer', async () => {
    await jsRes(emu(), 'jsLegacy', {
      server: `const KOJA = exports['koja-lib'].getSharedObject();
        KOJA.Server.RegisterServerCallback('js:square', (source, payload, cb) => cb(payload * payload, 'ignored'));
        globalThis.ask = (p) => KOJA.Server.TriggerClientCallback('js:name', p, 'who', (...v) => { globalThis.name = v; });`,
      client: `const KOJA = exports['koja-lib'].getSharedObject();
        KOJA.Client.RegisterClientCallback('js:name', (payload) => payload + ' is me');
        globalThis.got = [];
        setTimeout(() => KOJA.Client.TriggerServerCallback('js:square', 7, (...v) => globalThis.got.push(v)), 300);`,
    });
    const s = await scene(emu(), ['callback_bridge', 'jsLegacy'], { standin: 'koja-lib', settle: 1000 });
    s.js('jsLegacy', 'server').ask(s.player.netId);
    await emu().advance(500);
    // The client gets the first value only, as koja-lib forwards one result.
    expect(s.js('jsLegacy').got).toEqual([[49]]);
    expect(s.js('jsLegacy', 'server').name).toEqual(['who is me']);
  });

  it('is absent without the convar, and never in front of a koja-lib that exists', async () => {
    await luaRes(emu(), 'legacy', { server: `out('get', pcall(function() return exports['koja-lib']:getSharedObject() end))` }, plain);
    const s = await scene(emu(), ['callback_bridge', 'legacy']);
    expect(String(s.server('legacy').get[1])).toMatch(/No such export getSharedObject in resource koja-lib/);
  });

  it('is refused while koja-lib runs: the object is koja-lib\'s own', async () => {
    await luaRes(emu(), 'legacy', { server: GET + `out('version', KOJA.Version)` }, plain);
    const s = await scene(emu(), ['callback_bridge', 'koja-lib', 'legacy'], { standin: 'koja-lib', fixtures: ['koja-lib'] });
    expect(s.server('legacy').version).toEqual(['1.1.0-double']);
    expect(luaValue(emu(), 'server', 'koja-lib', 'KOJA_TEST')).toMatchObject({ serverRequests: 0 });
  });
});
