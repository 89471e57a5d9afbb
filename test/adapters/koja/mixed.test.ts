/**
 * KOJA with koja-lib running (our test double, fixtures/koja-lib): the import aliases the object koja-lib hands out
 * (the global set by `@koja-lib/init.lua`, and every `getSharedObject()`), keeps its other fields, and keeps mixed
 * migration working both ways through koja-lib's own functions and wire.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { luaRes, luaValue, noScriptErrors, scene } from '../utils/support.ts';

const emu = useEmulator();
const INIT = ['@koja-lib/init.lua'];
const opts = { fixtures: ['koja-lib' as const] };

describe('KOJA through the import while koja-lib runs', () => {
  it('aliases the object from init.lua and from getSharedObject; koja-lib\'s other fields stay; the calls gain timeouts', async () => {
    await luaRes(
      emu(),
      'migrated',
      {
        server: `KOJA.Server.RegisterServerCallback('m:hang', function(source, payload, cb) end)
          local again = exports['koja-lib']:getSharedObject()
          out('fields', KOJA.Version, KOJA.Server.GetMoney(1), again.Server.RegisterServerCallback == KOJA.Server.RegisterServerCallback)`,
        client: `CreateThread(function()
          Wait(300)
          KOJA.Client.TriggerServerCallback({ name = 'm:hang', timeout = 300 }, nil, function(...) out('hang', ...) end)
        end)`,
      },
      { head: INIT },
    );
    const s = await scene(emu(), ['callback_bridge', 'koja-lib', 'migrated'], { ...opts, settle: 1000 });
    expect(s.server('migrated').fields).toEqual(['1.1.0-double', 100, true]);
    expect(s.client('migrated').hang).toEqual([null, "callback 'm:hang' timed out", true]);
    // The migrated call did not use koja-lib's wire.
    expect(luaValue(emu(), 'server', 'koja-lib', 'KOJA_TEST')).toMatchObject({ serverRequests: 0 });
    noScriptErrors(emu());
  });

  it('mixed migration, client → server: each caller reaches each handler, migrated or not', async () => {
    await luaRes(emu(), 'newShop', { server: `KOJA.Server.RegisterServerCallback('new:price', function(source, payload, cb) cb('new ' .. payload .. ' for ' .. source) end)` }, { head: INIT });
    await luaRes(emu(), 'oldShop', { server: `KOJA.Server.RegisterServerCallback('old:price', function(source, payload, cb) cb('old ' .. payload) end)` }, { head: INIT, aliased: false });
    const calls = `CreateThread(function()
      Wait(400)
      KOJA.Client.TriggerServerCallback('new:price', 'bread', function(...) out('new', ...) end)
      Wait(200)
      KOJA.Client.TriggerServerCallback('old:price', 'milk', function(...) out('old', ...) end)
    end)`;
    await luaRes(emu(), 'newCaller', { client: calls }, { head: INIT });
    await luaRes(emu(), 'oldCaller', { client: calls }, { head: INIT, aliased: false });
    const s = await scene(emu(), ['callback_bridge', 'koja-lib', 'newShop', 'oldShop', 'newCaller', 'oldCaller'], { ...opts, settle: 1500 });
    const id = s.player.netId;
    expect(s.client('newCaller')).toEqual({ new: [`new bread for ${id}`], old: ['old milk'] });
    expect(s.client('oldCaller')).toEqual({ new: [`new bread for ${id}`], old: ['old milk'] });
  });

  it('mixed migration, server → client and server-local: migrated and unmigrated both ways', async () => {
    await luaRes(emu(), 'newUi', { client: `KOJA.Client.RegisterClientCallback('new:ask', function(payload, cb) cb('new ui: ' .. payload) end)` }, { head: INIT });
    await luaRes(emu(), 'oldUi', { client: `KOJA.Client.RegisterClientCallback('old:ask', function(payload) return 'old ui: ' .. payload end)` }, { head: INIT, aliased: false });
    await luaRes(emu(), 'oldShop', { server: `KOJA.Server.RegisterServerCallback('old:stock', function(source, payload, cb) cb(payload .. ' in stock for ' .. source) end)` }, { head: INIT, aliased: false });
    const asks = `RegisterCommand(GetCurrentResourceName(), function(_, args)
      local p = tonumber(args[1])
      KOJA.Server.TriggerClientCallback('new:ask', p, 'one', function(...) out('new', ...) end)
      KOJA.Server.TriggerClientCallback('old:ask', p, 'two', function(...) out('old', ...) end)
      KOJA.Server.TriggerClientCallback('gone:ask', p, 'three', function(...) out('gone', ...) end)
      KOJA.Server.TriggerCallback('old:stock', p, 'rice', function(...) out('stock', ...) end)
    end, true)`;
    await luaRes(emu(), 'newAdmin', { server: asks }, { head: INIT });
    await luaRes(emu(), 'oldAdmin', { server: asks }, { head: INIT, aliased: false });
    const s = await scene(emu(), ['callback_bridge', 'koja-lib', 'newUi', 'oldUi', 'oldShop', 'newAdmin', 'oldAdmin'], opts);
    emu().executeCommand(emu().server, `newAdmin ${s.player.netId}`);
    emu().executeCommand(emu().server, `oldAdmin ${s.player.netId}`);
    await emu().advance(1000);
    const id = s.player.netId;
    expect(s.server('newAdmin')).toEqual({
      new: ['new ui: one'],
      old: ['old ui: two'],
      // koja-lib answers 'cb_invalid' for a key nobody registered: the migrated caller hears NOT_FOUND.
      gone: [null, "callback 'gone:ask' does not exist", false],
      stock: [`rice in stock for ${id}`],
    });
    expect(s.server('oldAdmin')).toEqual({ new: ['new ui: one'], old: ['old ui: two'], gone: ['cb_invalid'], stock: [`rice in stock for ${id}`] });
  });

  it('a key found nowhere ends at the call\'s timeout (koja-lib never answers a missing server callback)', async () => {
    await luaRes(
      emu(),
      'newCaller',
      {
        client: `CreateThread(function()
          Wait(300)
          local t0 = GetGameTimer()
          KOJA.Client.TriggerServerCallback({ name = 'nowhere', timeout = 500 }, nil, function(...) out('nowhere', GetGameTimer() - t0, ...) end)
        end)`,
      },
      { head: INIT },
    );
    const s = await scene(emu(), ['callback_bridge', 'koja-lib', 'newCaller'], { ...opts, settle: 1500 });
    const r = s.client('newCaller').nowhere;
    expect(r.slice(1)).toEqual([null, "callback 'nowhere' timed out", true]);
    expect(r[0]).toBeGreaterThanOrEqual(500);
    expect(r[0]).toBeLessThan(700);
  });
});
