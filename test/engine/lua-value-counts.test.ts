/**
 * The Lua twin's side of the 255-value bound (twin of js-value-counts.test.ts): too many arguments fail at once
 * with INVALID_ARGUMENTS, too many reply values become HANDLER_ERROR, other calls of the same tick still work.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { addBridge, luaResource, outs, scriptErrors, startAll } from './lua-support.ts';

const emu = useEmulator();

/** `N(n)`: the integers 0..n-1 as a list for table.unpack. */
const N = `local function N(n) local t = {} for i = 1, n do t[i] = i - 1 end return t end\n`;

describe('Lua: more than 255 values', () => {
  it('client → server: 256 arguments fail at once, 255 pass, a call in the same tick is untouched', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      server: `RegisterCallback('count', function(source, ...) return select('#', ...) end)`,
    });
    await luaResource(emu(), 'caller', {
      client: `${N}CreateThread(function()
        Wait(300)
        local opts = { name = 'count', timeout = 2000 }
        local t0 = GetGameTimer()
        TriggerServerCallback(opts, function(...) out('tooMany', GetGameTimer() - t0, ...) end, table.unpack(N(256)))
        TriggerServerCallback(opts, function(...) out('most', ...) end, table.unpack(N(255)))
        TriggerServerCallback(opts, function(...) out('innocent', ...) end, 'a')
      end)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    const player = emu().connect();
    await emu().advance(1000);
    expect(outs(player.machine, 'caller')).toEqual({
      tooMany: [0, null, "callback 'count' received invalid arguments: more than 255 arguments", false],
      most: [255],
      innocent: [1],
    });
  });

  it('a server handler answering 256 values: HANDLER_ERROR for that call, the console says why, the others arrive', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      server: `${N}RegisterServerCallback('spill', function(source, cb, n) cb(table.unpack(N(n))) end)
        RegisterCallback('ok', function() return 'fine' end)`,
    });
    await luaResource(emu(), 'caller', {
      client: `CreateThread(function()
        Wait(300)
        TriggerServerCallback('spill', function(...) out('spill', ...) end, 256)
        TriggerServerCallback('spill', function(...) out('most', select('#', ...)) end, 255)
        TriggerServerCallback('ok', function(...) out('innocent', ...) end)
      end)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'caller');
    const player = emu().connect();
    await emu().advance(1000);
    expect(outs(player.machine, 'caller')).toEqual({
      spill: [null, "callback 'spill' failed on the other side", false],
      most: [255],
      innocent: ['fine'],
    });
    expect(emu().output(/callback 'spill' \(resource shop\) failed: answered 256 values; at most 255 travel/)).toHaveLength(1);
  });

  it('server → client: AwaitClientCallback with 300 arguments fails at once; a client handler answering 300 values gives HANDLER_ERROR', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      client: `${N}RegisterClientCallback('spill', function(cb) cb(table.unpack(N(300))) end)
        RegisterCallback('count', function(...) return select('#', ...) end)`,
    });
    await luaResource(emu(), 'boss', {
      server: `${N}RegisterNetEvent('boss:go', function()
          local src = source
          out('tooMany', AwaitClientCallback(src, 'count', table.unpack(N(300))))
          out('spill', AwaitClientCallback(src, 'spill'))
          out('count', AwaitClientCallback(src, 'count', 1, 2, 3))
        end)`,
      client: `CreateThread(function() Wait(300) TriggerServerEvent('boss:go') end)`,
    });
    startAll(emu(), 'callback_bridge', 'shop', 'boss');
    emu().connect();
    await emu().advance(1500);
    expect(outs(emu().server, 'boss')).toEqual({
      tooMany: [null, "callback 'count' received invalid arguments: more than 255 arguments"],
      spill: [null, "callback 'spill' failed on the other side"],
      count: [3],
    });
    expect(scriptErrors(emu())).toEqual([]);
  });
});
