/**
 * L1: unmodified ESX callers (no import line) reach callbacks served through the bridge by any API, through
 * es_extended's own registry and wire; the bridge never answers ESX's wire itself while es_extended runs.
 */
import { describe, expect, it } from 'vitest';
import { manifest, useEmulator } from '../../support/cfx.ts';
import { J_LUA } from '../../engine/lua-support.ts';
import { jsNative, legacy, logged, scene, scriptErrors } from './support.ts';

const emu = useEmulator();

/** A plain ESX client calling `names` with cb and Await, 300 ms after it starts. */
const PLAIN_CALLER = (names: string[]) => `CreateThread(function()
  Wait(300)
  ${names.map((n) => `ESX.TriggerServerCallback('${n}', function(...) out('cb:${n}', ...) end, 'a')
  out('await:${n}', ESX.AwaitServerCallback('${n}', 'b'))`).join('\n  ')}
end)`;

/** A Lua resource with the native API only (no ESX): the import line, or the bridge's exports when `via` says so. */
async function luaNative(name: string, code: { server?: string; client?: string }, via: 'import' | 'exports'): Promise<void> {
  const files: Record<string, string> = { 'probe.lua': J_LUA };
  const lines: string[] = [];
  for (const side of ['server', 'client'] as const) {
    if (code[side] === undefined) continue;
    const scripts = via === 'import' ? ["'@callback_bridge/import.lua'", "'probe.lua'"] : ["'probe.lua'"];
    lines.push(`${side}_scripts { ${[...scripts, `'${side}.lua'`].join(', ')} }`);
    files[`${side}.lua`] = code[side]!;
  }
  files['fxmanifest.lua'] = manifest(lines.join('\n'));
  await emu().addInlineResource(name, files);
}

describe('L1: unmodified ESX callers reach handlers served through the bridge', () => {
  it('server handlers registered through the JS API, the Lua import and the exports; cb and Await get every value', async () => {
    await jsNative(emu(), 'jsShop', { server: `CallbackBridge.registerWithCallback('js', (source, cb, x) => cb(x, null, source));` });
    await luaNative('luaShop', { server: `RegisterServerCallback('lua', function(source, cb, x) cb(x, nil, source) end)` }, 'import');
    await luaNative('expShop', {
      server: `exports.callback_bridge:RegisterServerCallback('exp', function(source, cb, x) cb(x, nil, source) end)`,
    }, 'exports');
    await legacy(emu(), 'plain', { client: PLAIN_CALLER(['js', 'lua', 'exp']) });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'jsShop', 'luaShop', 'expShop', 'plain'], { settle: 1500 });
    const id = s.player.netId;
    // A JS cb's trailing null and a Lua cb's values travel alike; the await form is ESX's own (it drops what follows
    // a nil hole, ref §1.3), the cb form gets every value.
    expect(s.client('plain')).toEqual({
      'cb:js': ['a', null, id], 'await:js': ['b'],
      'cb:lua': ['a', null, id], 'await:lua': ['b'],
      'cb:exp': ['a', null, id], 'await:exp': ['b'],
    });
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('client handlers through the native API reach unmodified ESX.TriggerClientCallback / AwaitClientCallback', async () => {
    await luaNative('hud', { client: `RegisterClientCallback('hud:three', function(cb, x) cb(x, 'y', 3) end)` }, 'import');
    await jsNative(emu(), 'jsHud', { client: `CallbackBridge.registerClient('hud:js', (x) => x * 2);` });
    await legacy(emu(), 'boss', {
      server: `RegisterNetEvent('go', function()
        local player = source
        ESX.TriggerClientCallback(player, 'hud:three', function(...) out('cb', ...) end, 'x')
        out('await', ESX.AwaitClientCallback(player, 'hud:three', 'z'))
        out('js', ESX.AwaitClientCallback(player, 'hud:js', 21))
      end)`,
      client: `CreateThread(function() Wait(300) TriggerServerEvent('go') end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'hud', 'jsHud', 'boss'], { settle: 1500 });
    expect(s.server('boss')).toEqual({ cb: ['x', 'y', 3], await: ['z', 'y', 3], js: [42] });
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('es_extended starting after the bridge and the handlers: names served before are registered then', async () => {
    await luaNative('luaShop', { server: `RegisterServerCallback('early', function(source, cb) cb('early') end)` }, 'import');
    await legacy(emu(), 'plain', { client: PLAIN_CALLER(['early']) });
    const s = await scene(emu(), ['callback_bridge', 'luaShop'], { settle: 200 });
    expect(emu().start('es_extended')).toBe(true);
    expect(emu().start('plain')).toBe(true);
    await emu().advance(1000);
    expect(s.client('plain')).toEqual({ 'cb:early': ['early'], 'await:early': ['early'] });
  });

  it('es_extended restarting: its registry is rebuilt from the names served through the bridge', async () => {
    await luaNative('luaShop', { server: `RegisterServerCallback('kept', function(source, cb) cb('kept') end)` }, 'import');
    await legacy(emu(), 'plain', { client: PLAIN_CALLER(['kept']) });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'luaShop'], { settle: 200 });
    emu().restart('es_extended');
    await emu().advance(100);
    expect(emu().start('plain')).toBe(true);
    await emu().advance(1000);
    expect(s.client('plain')).toEqual({ 'cb:kept': ['kept'], 'await:kept': ['kept'] });
  });

  it('one answer per request: the bridge does not listen to ESX wire events while es_extended runs', async () => {
    await luaNative('luaShop', { server: `RegisterServerCallback('once', function(source, cb) cb(1) end)` }, 'import');
    await legacy(emu(), 'plain', {
      client: `local replies = 0
        RegisterNetEvent('esx:serverCallback', function() replies = replies + 1 out('replies', replies) end)
        ${PLAIN_CALLER(['once'])}`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'luaShop', 'plain'], { settle: 1000 });
    expect(s.client('plain')).toEqual({ 'cb:once': [1], 'await:once': [1], replies: [2] });
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('a name that goes away: the ESX caller hears nothing and the bridge says why; it comes back with its resource', async () => {
    await luaNative('luaShop', { server: `RegisterServerCallback('shop:open', function(source, cb) cb('open') end)` }, 'import');
    await legacy(emu(), 'plain', {
      client: `RegisterNetEvent('ask', function(tag) ESX.TriggerServerCallback('shop:open', function(...) out(tag, ...) end) end)`,
      server: `RegisterCommand('ask', function(_, args) TriggerClientEvent('ask', -1, args[1]) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'luaShop', 'plain'], { settle: 300 });
    emu().executeCommand(emu().server, 'ask first');
    await emu().advance(300);
    emu().stop('luaShop');
    await emu().advance(100);
    emu().executeCommand(emu().server, 'ask gone');
    await emu().advance(300);
    emu().start('luaShop');
    await emu().advance(100);
    emu().executeCommand(emu().server, 'ask back');
    await emu().advance(300);
    expect(s.client('plain')).toEqual({ first: ['open'], back: ['open'] });
    expect(logged(emu(), /ESX callback 'shop:open' \(player 1\) got no reply: NOT_FOUND/)).toHaveLength(1);
  });

  it("ESX callers get the engine's limits: over a rate limit the request is refused and printed", async () => {
    await jsNative(emu(), 'jsShop', {
      server: `CallbackBridge.register('limited', () => 'ok', { rateLimit: { rate: 1, burst: 1 } });`,
    });
    await legacy(emu(), 'plain', {
      client: `CreateThread(function()
        Wait(300)
        ESX.TriggerServerCallback('limited', function(...) out('first', ...) end)
        ESX.TriggerServerCallback('limited', function(...) out('second', ...) end)
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'jsShop', 'plain'], { settle: 800 });
    expect(s.client('plain')).toEqual({ first: ['ok'] });
    expect(logged(emu(), /ESX callback 'limited' \(player 1\) got no reply: RATE_LIMITED/)).toHaveLength(1);
  });
});
