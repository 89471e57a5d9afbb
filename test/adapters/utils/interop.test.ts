/**
 * Interop of the three seed families with each other and with the native API: a callback registered through any
 * family (in-resource through the import, through the stand-in exports, or from JS) is reached by every other
 * family's trigger, in both directions, and server-locally through KOJA's TriggerCallback.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { jsRes, luaRes, noScriptErrors, scene } from './support.ts';

const emu = useEmulator();
const KOJA = `KOJA = exports['koja-lib']:getSharedObject()\n`;

/** Server handlers, one per way to register: each answers '<way>:<data>'. */
const SERVER_WAYS = ['utils', 'cbDoc', 'cbLib', 'koja', 'native', 'js', 'l3utils', 'l3cb', 'l3koja'];
/** Client handlers, likewise. */
const CLIENT_WAYS = ['cbDoc', 'cbLib', 'koja', 'native', 'js', 'l3cb', 'l3koja'];

/** Lua that calls every `names` through every trigger in `triggers` and records '<trigger>/<name>' → value. */
const matrix = (names: string[], prefix: string, triggers: string, key: string) => `
  local names = { ${names.map((n) => `'${prefix}${n}'`).join(', ')} }
  local triggers = ${triggers}
  local results, left = {}, 0
  for t in pairs(triggers) do left = left + #names end
  for tname, trigger in pairs(triggers) do
    for _, name in ipairs(names) do
      trigger(name, tname, function(v, err)
        results[tname .. '/' .. name] = v or ('failed: ' .. tostring(err))
        left = left - 1
        if left == 0 then out('${key}', results) end
      end)
    end
  end`;

/** What every cell must hold: the handler's way and the trigger's name. */
function expected(names: string[], prefix: string, triggers: string[]): Record<string, string> {
  const want: Record<string, string> = {};
  for (const t of triggers) for (const n of names) want[`${t}/${prefix}${n}`] = `${n}:${t}`;
  return want;
}

describe('one registry for the seed families, the native API and JS', () => {
  it('client → server: every registration way reached by every trigger way (L2, L3, native, JS)', async () => {
    await luaRes(emu(), 'handlers', {
      server:
        KOJA +
        `utils.callbacks.register('reg:utils', function(source, data, cb) cb('utils:' .. data) end)
        exports.community_bridge:RegisterServerCallback('reg:cbDoc', function(src, cb, data) cb('cbDoc:' .. data) end)
        exports.community_bridge:RegisterCallback('reg:cbLib', function(src, data) return 'cbLib:' .. data end)
        KOJA.Server.RegisterServerCallback('reg:koja', function(source, payload, cb) cb('koja:' .. payload) end)
        RegisterServerCallback('reg:native', function(source, cb, data) cb('native:' .. data) end)`,
    });
    await jsRes(emu(), 'jsHandlers', { server: `CallbackBridge.register('reg:js', (source, data) => 'js:' + data);` }, { include: true });
    await luaRes(
      emu(),
      'legacyHandlers',
      {
        server:
          KOJA +
          `exports.boii_utils:register_callback('reg:l3utils', function(source, data, cb) cb('l3utils:' .. data) end)
          exports.community_bridge:RegisterServerCallback('reg:l3cb', function(src, cb, data) cb('l3cb:' .. data) end)
          KOJA.Server.RegisterServerCallback('reg:l3koja', function(source, payload, cb) cb('l3koja:' .. payload) end)`,
      },
      { aliased: false },
    );
    const l2Triggers = `{
      utils = function(name, data, done) utils.callbacks.trigger(name, data, done) end,
      cbDoc = function(name, data, done) exports.community_bridge:TriggerServerCallback(name, done, data) end,
      cbPromise = function(name, data, done) CreateThread(function() done(exports.community_bridge:TriggerServerCallbackPromise(name, data)) end) end,
      cbLib = function(name, data, done) exports.community_bridge:TriggerCallback(name, done, data) end,
      koja = function(name, data, done) KOJA.Client.TriggerServerCallback(name, data, done) end,
      native = function(name, data, done) TriggerServerCallback(name, done, data) end,
    }`;
    const l3Triggers = `{
      l3utils = function(name, data, done) exports.boii_utils:trigger_callback(name, data, done) end,
      l3cb = function(name, data, done) exports.community_bridge:TriggerServerCallback(name, done, data) end,
      l3koja = function(name, data, done) KOJA.Client.TriggerServerCallback(name, data, done) end,
      exports = function(name, data, done) exports.callback_bridge:TriggerServerCallback(name, done, data) end,
    }`;
    await luaRes(emu(), 'callers', { client: KOJA + `CreateThread(function() Wait(400) ${matrix(SERVER_WAYS, 'reg:', l2Triggers, 'l2')} end)` });
    await luaRes(emu(), 'legacyCallers', { client: KOJA + `CreateThread(function() Wait(400) ${matrix(SERVER_WAYS, 'reg:', l3Triggers, 'l3')} end)` }, { aliased: false });
    await jsRes(
      emu(),
      'jsCallers',
      {
        client: `globalThis.results = {};
          setTimeout(() => {
            for (const way of ${JSON.stringify(SERVER_WAYS)}) {
              CallbackBridge.triggerServer('reg:' + way, 'js').then((v) => { results['js/reg:' + way] = v; }, (e) => { results['js/reg:' + way] = e.message; });
            }
          }, 400);`,
      },
      { include: true },
    );
    const s = await scene(emu(), ['callback_bridge', 'handlers', 'jsHandlers', 'legacyHandlers', 'callers', 'legacyCallers', 'jsCallers'], {
      standin: 'boii_utils,community_bridge,koja-lib',
      settle: 2500,
    });
    expect(s.client('callers').l2).toEqual([expected(SERVER_WAYS, 'reg:', ['utils', 'cbDoc', 'cbPromise', 'cbLib', 'koja', 'native'])]);
    expect(s.client('legacyCallers').l3).toEqual([expected(SERVER_WAYS, 'reg:', ['l3utils', 'l3cb', 'l3koja', 'exports'])]);
    expect(s.js('jsCallers').results).toEqual(expected(SERVER_WAYS, 'reg:', ['js']));
    noScriptErrors(emu());
  });

  it('server → client, and server-local through KOJA.Server.TriggerCallback: every way reaches every way', async () => {
    await luaRes(emu(), 'handlers', {
      server:
        KOJA +
        `utils.callbacks.register('reg:utils', function(source, data, cb) cb('utils:' .. data) end)
        exports.community_bridge:RegisterServerCallback('reg:cbDoc', function(src, cb, data) cb('cbDoc:' .. data) end)
        exports.community_bridge:RegisterCallback('reg:cbLib', function(src, data) return 'cbLib:' .. data end)
        RegisterServerCallback('reg:native', function(source, cb, data) cb('native:' .. data) end)`,
      client:
        KOJA +
        `exports.community_bridge:RegisterClientCallback('creg:cbDoc', function(cb, data) cb('cbDoc:' .. data) end)
        exports.community_bridge:RegisterCallback('creg:cbLib', function(data) return 'cbLib:' .. data end)
        KOJA.Client.RegisterClientCallback('creg:koja', function(payload, cb) cb('koja:' .. payload) end)
        RegisterClientCallback('creg:native', function(cb, data) cb('native:' .. data) end)`,
    });
    await jsRes(emu(), 'jsHandlers', { client: `CallbackBridge.registerClient('creg:js', (data) => 'js:' + data);` }, { include: true });
    await luaRes(
      emu(),
      'legacyHandlers',
      {
        client:
          KOJA +
          `exports.community_bridge:RegisterClientCallback('creg:l3cb', function(cb, data) cb('l3cb:' .. data) end)
          KOJA.Client.RegisterClientCallback('creg:l3koja', function(payload) return 'l3koja:' .. payload end)`,
      },
      { aliased: false },
    );
    const toClient = `{
      cbDoc = function(name, data, done) exports.community_bridge:TriggerClientCallback(PLAYER, name, done, data) end,
      cbLib = function(name, data, done) exports.community_bridge:TriggerCallback(name, PLAYER, done, data) end,
      koja = function(name, data, done) KOJA.Server.TriggerClientCallback(name, PLAYER, data, done) end,
      native = function(name, data, done) TriggerClientCallback(PLAYER, name, done, data) end,
    }`;
    const local = `{ kojaLocal = function(name, data, done) KOJA.Server.TriggerCallback(name, PLAYER, data, done) end }`;
    await luaRes(emu(), 'callers', {
      server:
        KOJA +
        `RegisterCommand('go', function(_, args)
          PLAYER = tonumber(args[1])
          ${matrix(CLIENT_WAYS, 'creg:', toClient, 'toClient')}
          ${matrix(['utils', 'cbDoc', 'cbLib', 'native'], 'reg:', local, 'local')}
        end, true)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'handlers', 'jsHandlers', 'legacyHandlers', 'callers'], {
      standin: 'community_bridge,koja-lib',
    });
    emu().executeCommand(emu().server, `go ${s.player.netId}`);
    await emu().advance(1500);
    expect(s.server('callers').toClient).toEqual([expected(CLIENT_WAYS, 'creg:', ['cbDoc', 'cbLib', 'koja', 'native'])]);
    expect(s.server('callers').local).toEqual([expected(['utils', 'cbDoc', 'cbLib', 'native'], 'reg:', ['kojaLocal'])]);
    noScriptErrors(emu());
  });
});
