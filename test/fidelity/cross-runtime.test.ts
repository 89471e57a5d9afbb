/**
 * Values crossing between a JS and a Lua resource through real events on the machine (ref §2.3), in both
 * directions, and the bridge build loaded as a resource and called from Lua and JS.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsGlobals, jsServer, luaGlobal, luaServer, resource, useEmulator } from '../support/cfx.ts';

const emu = useEmulator();

/** Lua: `describe(v)` names a value with its Lua type, so integer and float stay apart once read from JS. */
const describeLua = `
local function describe(v)
  if v == nil then return 'nil' end
  local t = type(v)
  if t == 'number' then return math.type(v) .. ':' .. tostring(v) end
  if t == 'table' then
    local keys = {}
    for k, x in pairs(v) do keys[#keys + 1] = type(k) .. ':' .. tostring(k) .. '=' .. tostring(x) end
    table.sort(keys)
    return 'table#' .. #v .. '{' .. table.concat(keys, ',') .. '}'
  end
  return t .. ':' .. tostring(v)
end`;

/** A Lua resource recording what every argument of event `name` looked like, in `seen` (and the count in `count`). */
const luaRecorder = (name: string) => `${describeLua}
AddEventHandler('${name}', function(...)
  count = select('#', ...)
  seen = {}
  for i = 1, count do seen[i] = describe((select(i, ...))) end
end)`;

describe('JS → Lua through events (ref §2.3)', () => {
  it('ref §2.3: undefined/null → nil in place, [a,b] → sequence, {"1":x} → string key, {} and [] → empty table', async () => {
    await luaServer(emu(), 'rec', luaRecorder('fromJs'));
    await jsServer(emu(), 'sender', `emit('fromJs', undefined, null, ['a', 'b'], { '1': 'x' }, {}, [], 'end');`);
    expect(luaGlobal(emu().server, 'rec', 'count')).toBe(7);
    expect(luaGlobal(emu().server, 'rec', 'seen')).toEqual([
      'nil',
      'nil',
      'table#2{number:1=a,number:2=b}',
      'table#0{string:1=x}',
      'table#0{}',
      'table#0{}',
      'string:end',
    ]);
  });

  it('ref §2.3: 2147483648 reaches Lua as a float, 5 and 5.0 as integers, 2^31-1 as an integer', async () => {
    await luaServer(emu(), 'rec', luaRecorder('nums'));
    await jsServer(emu(), 'sender', `emit('nums', 2147483648, 5, 5.0, 2147483647, 1.5, -3);`);
    expect(luaGlobal(emu().server, 'rec', 'seen')).toEqual([
      'float:2147483648.0',
      'integer:5',
      'integer:5',
      'integer:2147483647',
      'float:1.5',
      'integer:-3',
    ]);
  });

  it('ref §2.3: a JS function reaches Lua as a callable table with __cfx_functionReference that cannot be indexed', async () => {
    await luaServer(
      emu(),
      'rec',
      `AddEventHandler('takeFn', function(cb)
        fnType = type(cb)
        fnRef = rawget(cb, '__cfx_functionReference')
        hasCall = type(getmetatable(cb).__call) == 'function'
        local ok, err = pcall(function() return cb.anything end)
        indexOk, indexErr = ok, err
        fnResult = cb(21)
      end)`,
    );
    await jsServer(emu(), 'sender', `emit('takeFn', (x) => x * 2);`);
    const g = (n: string) => luaGlobal(emu().server, 'rec', n);
    expect(g('fnType')).toBe('table');
    expect(g('fnRef')).toMatch(/^sender:\d+:\d+$/);
    expect(g('hasCall')).toBe(true);
    expect(g('indexOk')).toBe(false);
    expect(g('indexErr')).toMatch(/Cannot index a funcref$/);
    expect(g('fnResult')).toBe(42);
  });
});

describe('Lua → JS through events (ref §2.3)', () => {
  /** A JS resource keeping the arguments of event `name` in `got`. */
  const jsRecorder = (name: string) => `globalThis.got = null; on('${name}', (...args) => { globalThis.got = args; });`;

  it('ref §2.3: {1,2,3} → array, {} → [], holes / {x=1} / {n=2,1,2} → string-keyed objects, 1.0 → 1', async () => {
    await jsServer(emu(), 'rec', jsRecorder('fromLua'));
    await luaServer(emu(), 'sender', `TriggerEvent('fromLua', {1, 2, 3}, {}, {[1] = 'a', [3] = 'c'}, {x = 1}, {n = 2, 1, 2}, 1.0, 2.5)`);
    const got = jsGlobals(emu().server, 'rec').got;
    expect(got).toHaveLength(7);
    expect(got[0]).toEqual([1, 2, 3]);
    expect(Array.isArray(got[1]) && got[1].length).toBe(0);
    expect(Array.isArray(got[2])).toBe(false);
    expect(got[2]).toEqual({ '1': 'a', '3': 'c' });
    expect(got[3]).toEqual({ x: 1 });
    expect(got[4]).toEqual({ '1': 1, '2': 2, n: 2 });
    expect(Object.is(got[5], 1)).toBe(true);
    expect(got[6]).toBe(2.5);
  });

  it('ref §2.3: nil arguments in the middle of a Lua TriggerEvent reach JS as null in place', async () => {
    await jsServer(emu(), 'rec', jsRecorder('holes'));
    await luaServer(emu(), 'sender', `TriggerEvent('holes', 1, nil, nil, 'four')`);
    expect(jsGlobals(emu().server, 'rec').got).toEqual([1, null, null, 'four']);
  });

  it('ref §2.3, §2.5: vector3(1,2,3) reaches JS as {buffer, type: 21} with three little-endian floats', async () => {
    await jsServer(emu(), 'rec', jsRecorder('vec'));
    await luaServer(emu(), 'sender', `TriggerEvent('vec', vector3(1, 2, 3))`);
    const [v] = jsGlobals(emu().server, 'rec').got;
    expect(v.type).toBe(21);
    const bytes = Uint8Array.from(v.buffer as Uint8Array);
    expect(bytes).toHaveLength(12);
    expect(Array.from(new Float32Array(bytes.buffer))).toEqual([1, 2, 3]);
  });

  it('ref §2.3: an int64 beyond 2^53 reaches JS with lost precision', async () => {
    await jsServer(emu(), 'rec', jsRecorder('big'));
    await luaServer(emu(), 'sender', `TriggerEvent('big', 9007199254740993, math.maxinteger)`);
    expect(jsGlobals(emu().server, 'rec').got).toEqual([9007199254740992, 9223372036854775807]);
  });

  it("ref §2.1, §2.4: what a JS script receives is of the script's own realm (instanceof holds)", async () => {
    await jsServer(
      emu(),
      'rec',
      `globalThis.checks = [];
      on('realm', (list, map, fn) => {
        checks.push(list instanceof Array, map.constructor === Object, fn instanceof Function);
        try { exports.rec.missing; } catch (e) { checks.push(e instanceof Error); }
      });
      on('bin', (bin) => checks.push(bin instanceof ArrayBuffer, bin.byteLength));`,
    );
    await luaServer(emu(), 'sender', `TriggerEvent('realm', {1, 2}, {x = 1}, function() end)`);
    await jsServer(emu(), 'jsSender', `emit('bin', new ArrayBuffer(3));`);
    expect(jsGlobals(emu().server, 'rec').checks).toEqual([true, true, true, true, true, 3]);
  });

  it('ref §2.3: a Lua function reaches JS as a callable that runs it', async () => {
    await jsServer(emu(), 'rec', `on('fn', (f) => { globalThis.kind = typeof f; globalThis.result = f(41); });`);
    await luaServer(emu(), 'sender', `TriggerEvent('fn', function(a) return a + 1 end)`);
    const g = jsGlobals(emu().server, 'rec');
    expect(g.kind).toBe('function');
    expect(g.result).toBe(42);
  });
});

describe('events between a Lua client and a JS server (ref §1.1, §1.2)', () => {
  it("ref §1.2: a Lua client's TriggerServerEvent reaches a JS server handler with source, and the reply reaches the Lua client", async () => {
    await resource(emu(), 'chat', {
      server: ['server.js', `globalThis.seen = []; onNet('ask', (q) => { seen.push([source, q]); emitNet('answer', source, q + '!', [1, 2]); });`],
      client: [
        'client.lua',
        `RegisterNetEvent('answer', function(text, list)
          reply = { source = source, text = text, n = #list, at = GetGameTimer() }
        end)
        TriggerServerEvent('ask', 'hello')`,
      ],
    });
    const player = emu().connect({ latency: 20 });
    await emu().advance(300);
    expect(jsGlobals(emu().server, 'chat').seen).toEqual([[player.netId, 'hello']]);
    // Sent at 0, at the server at 20, handled on the 50 ms tick, back at the client at 70, its next frame is 80.
    expect(luaGlobal(player.machine, 'chat', 'reply')).toEqual({ source: 65535, text: 'hello!', n: 2, at: 80 });
  });

  it("ref §1.2: a JS client's emitNet reaches a Lua server handler with an integer source, and TriggerClientEvent(source) answers it", async () => {
    await resource(emu(), 'chat', {
      server: [
        'server.lua',
        `RegisterNetEvent('ask', function(q, list)
          asked = { source = source, kind = math.type(source), q = q, second = list[2] }
          TriggerClientEvent('answer', source, q .. '!', { n = 1 })
        end)`,
      ],
      client: ['client.js', `globalThis.got = []; onNet('answer', (text, obj) => got.push([source, text, obj])); emitNet('ask', 'hello', ['a', 'b']);`],
    });
    const player = emu().connect({ latency: 20 });
    await emu().advance(300);
    expect(luaGlobal(emu().server, 'chat', 'asked')).toEqual({ source: player.netId, kind: 'integer', q: 'hello', second: 'b' });
    expect(jsGlobals(player.machine, 'chat').got).toEqual([[65535, 'hello!', { n: 1 }]]);
  });
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the bridge build as resource callback_bridge', () => {
  beforeAll(() => {
    // npm test builds first; a bare `vitest run` on a fresh checkout builds here.
    if (!fs.existsSync(path.join(repoRoot, 'dist/server.js'))) execSync('npm run build', { cwd: repoRoot, stdio: 'inherit' });
  }, 120_000);

  it('ref §5.1, §1.3: GetBridgeVersion answers the package.json version to a Lua server and a JS client', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    await emu().addResource('callback_bridge', repoRoot);
    expect(emu().start('callback_bridge')).toBe(true);
    await resource(emu(), 'consumer', {
      server: ['server.lua', `bridgeVersion = exports.callback_bridge:GetBridgeVersion()`],
      client: ['client.js', `globalThis.bridgeVersion = exports.callback_bridge.GetBridgeVersion();`],
    });
    const player = emu().connect();
    expect(luaGlobal(emu().server, 'consumer', 'bridgeVersion')).toBe(version);
    expect(jsGlobals(player.machine, 'consumer').bridgeVersion).toBe(version);
    expect(emu().scriptErrors).toEqual([]);
  });
});
