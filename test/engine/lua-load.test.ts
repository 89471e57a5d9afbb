/**
 * The Lua twin under load and with big payloads (contract §6): per-tick batching and client pacing keep a Lua
 * client under FiveM's netEvent / netEventSize limiters, big frames go latent, and the bridge pulls the twin's
 * metrics. Needs `npm run build` (the bridge resource is the built `dist/`).
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import type { Player } from '../emulator/emulator.ts';
import { addBridge, luaResource, outs, scriptErrors, startAll } from './lua-support.ts';

const emu = useEmulator();

/** The bridge, a Lua `shop` (server handlers) and a Lua `caller` (client), one player. */
async function world(server: string, client: string): Promise<Player> {
  await addBridge(emu());
  await luaResource(emu(), 'shop', { server });
  await luaResource(emu(), 'caller', { client });
  startAll(emu(), 'callback_bridge', 'shop', 'caller');
  return emu().connect();
}

/** The player is still there and the server neither dropped nor kicked anything. */
function stillConnected(player: Player) {
  expect(emu().counters).toMatchObject({ dropped: 0, kicked: 0, oversize: 0 });
  expect(emu().players.has(player.netId)).toBe(true);
}

describe("FiveM's limiters", () => {
  it('500 calls fired in one frame by one Lua client are all served without a kick, in one request event', async () => {
    const player = await world(
      `RegisterCallback('echo', function(source, i) return i, source end, { rateLimit = false })`,
      `RegisterCommand('fire', function()
        local ok, bad = 0, 0
        local before = CallbackBridge.engine.outbox.sent.reliable
        for i = 1, 500 do
          TriggerServerCallback('echo', function(j, src)
            if j == i and src == GetPlayerServerId(PlayerId()) then ok = ok + 1 else bad = bad + 1 end
            out('result', ok, bad, CallbackBridge.engine.outbox.sent.reliable - before)
          end, i)
        end
      end, false)`,
    );
    await emu().advance(300);
    emu().executeCommand(player.machine, 'fire');
    await emu().advance(1000);
    expect(outs(player.machine, 'caller').result).toEqual([500, 0, 1]);
    stillConnected(player);
  });

  it('500 calls of 1 KiB each in one frame (500 KiB) stay under the byte limiter and are all served', async () => {
    const player = await world(
      `RegisterCallback('store', function(source, s) return #s end, { rateLimit = false })`,
      `RegisterCommand('fire', function()
        local blob, ok = string.rep('x', 1024), 0
        for i = 1, 500 do
          TriggerServerCallback('store', function(n) if n == 1024 then ok = ok + 1 end out('ok', ok, GetGameTimer()) end, blob)
        end
      end, false)`,
    );
    await emu().advance(300);
    emu().executeCommand(player.machine, 'fire');
    await emu().advance(10_000);
    expect(outs(player.machine, 'caller').ok[0]).toBe(500);
    stillConnected(player);
  });

  it('a Lua client calling every frame for 10 virtual seconds is never dropped and is served promptly', async () => {
    const player = await world(
      `RegisterCallback('echo', function(source, i) return i end, { rateLimit = false })`,
      `RegisterCommand('go', function(_, args)
        local stop = GetGameTimer() + tonumber(args[1])
        local made, ok, errors = 0, 0, {}
        CreateThread(function()
          while GetGameTimer() < stop do
            made = made + 1
            local i = made
            TriggerServerCallback('echo', function(j, err)
              if j == i then ok = ok + 1 else errors[#errors + 1] = err end
              out('counts', made, ok, errors)
            end, i)
            Wait(0)
          end
        end)
      end, false)
      RegisterCommand('p99', function()
        for _, row in ipairs(CallbackBridge.engine.metrics:snapshot()) do
          if row.name == 'echo' then out('p99', row.p99, row.calls) end
        end
      end, false)`,
    );
    await emu().advance(300);
    emu().executeCommand(player.machine, 'go 10000');
    await emu().advance(11_000);
    const [made, ok, errors] = outs(player.machine, 'caller').counts as [number, number, string[]];
    expect(made).toBeGreaterThan(600); // a 16 ms frame: ~62 calls a second
    expect([ok, errors]).toEqual([made, []]);
    emu().executeCommand(player.machine, 'p99');
    const [p99] = outs(player.machine, 'caller').p99 as [number];
    expect(p99).toBeLessThan(250); // paced batches, not a queue that grows for ten seconds
    stillConnected(player);
  });
});

describe('the client byte budget convars', () => {
  it('callback_bridge:sendBytesRate / sendBytesBurst (default 98304 / 262144) pace a Lua client', async () => {
    const client = `RegisterCommand('budget', function() out('budget', CallbackBridge.engine.config.sendBytes) end, false)
      RegisterCommand('two', function()
        local blob, t0 = string.rep('x', 6000), GetGameTimer()
        TriggerServerCallback('store', function(n) out('first', n, GetGameTimer() - t0) end, blob)
        Wait(50) -- after the first batch left: a batch of its own
        TriggerServerCallback('store', function(n) out('second', n, GetGameTimer() - t0) end, blob)
      end, false)`;
    const plain = await world(`RegisterCallback('store', function(source, s) return #s end, { rateLimit = false })`, client);
    await emu().advance(300);
    emu().executeCommand(plain.machine, 'budget');
    expect(outs(plain.machine, 'caller').budget).toEqual([{ rate: 96 * 1024, burst: 256 * 1024 }]);
    emu().setConvar('callback_bridge:sendBytesRate', '4096', true);
    emu().setConvar('callback_bridge:sendBytesBurst', '8192', true);
    const paced = emu().connect();
    await emu().advance(300);
    emu().executeCommand(paced.machine, 'budget');
    emu().executeCommand(paced.machine, 'two');
    await emu().advance(3000);
    const o = outs(paced.machine, 'caller');
    expect(o.budget).toEqual([{ rate: 4096, burst: 8192 }]);
    expect(o.first[0]).toBe(6000);
    expect(o.first[1] as number).toBeLessThan(200);
    // ~2 KB left after the first: the second waits about (6 KB - 2 KB) / 4 KB/s.
    expect(o.second[0]).toBe(6000);
    expect(o.second[1] as number).toBeGreaterThan(800);
    stillConnected(paced);
  });
});

describe('latent events', () => {
  it('a 200 KiB request goes latent from the Lua client and arrives intact', async () => {
    const player = await world(
      `RegisterCallback('upload', function(source, s) return #s, s:sub(1, 3) .. s:sub(-3) end, { maxPayload = 512 * 1024 })`,
      `RegisterCommand('up', function()
        local v, head = TriggerServerCallbackPromise('upload', 'abc' .. string.rep('u', 200 * 1024) .. 'xyz')
        out('r', v, head, CallbackBridge.engine.outbox.sent.latent)
      end, false)`,
    );
    await emu().advance(300);
    emu().executeCommand(player.machine, 'up');
    await emu().advance(5000);
    expect(outs(player.machine, 'caller').r).toEqual([200 * 1024 + 6, 'abcxyz', 1]);
    stillConnected(player);
  });

  it('a 1 MiB reply from a Lua handler arrives intact as a latent event; latent = false keeps a reply reliable', async () => {
    const player = await world(
      `local big = {}
      for i = 1, 1024 do big[i] = string.rep(string.char(97 + i % 26), 1024) end
      RegisterCallback('big', function() return big end)
      RegisterCallback('bigReliable', function() return string.rep('y', 100 * 1024) end, { latent = false })
      RegisterCommand('sent', function() out('sent', CallbackBridge.engine.outbox.sent) end, true)`,
      `RegisterCommand('get', function()
        local big = TriggerServerCallbackPromise('big')
        local ok = #big == 1024
        for i = 1, 1024 do ok = ok and big[i] == string.rep(string.char(97 + i % 26), 1024) end
        out('big', ok)
        out('reliable', #TriggerServerCallbackPromise('bigReliable'))
      end, false)`,
    );
    await emu().advance(300);
    emu().executeCommand(player.machine, 'get');
    await emu().advance(10_000);
    expect(outs(player.machine, 'caller')).toEqual({ big: [true], reliable: [100 * 1024] });
    emu().executeCommand(emu().server, 'sent');
    expect(outs(emu().server, 'shop').sent).toEqual([{ latent: 1, reliable: 1 }]);
    expect(emu().output(/sending large event/)).toEqual([]);
    stillConnected(player);
  });
});

describe('metrics', () => {
  it("the bridge's GetCallbackMetrics pulls the Lua engine's rows (calls, errors by code, latency); other resources cannot pull", async () => {
    const player = await world(
      `RegisterCallback('m:ok', function() Wait(100) return true end)
      RegisterCallback('m:boom', function() error('x') end)
      RegisterCommand('metrics', function()
        local rows = {}
        for _, row in ipairs(exports.callback_bridge:GetCallbackMetrics()) do
          if row.resource == 'shop' then rows[row.name] = row end
        end
        out('rows', rows)
      end, true)
      RegisterCommand('pullAsMe', function()
        local got = 0
        TriggerEvent('cbb:metrics:pull', function() got = got + 1 end)
        out('pulledByOther', got)
      end, true)`,
      `RegisterCommand('calls', function()
        for i = 1, 3 do TriggerServerCallback('m:ok', function() end) end
        TriggerServerCallback('m:boom', function() end)
      end, false)`,
    );
    await emu().advance(300);
    emu().executeCommand(player.machine, 'calls');
    await emu().advance(1000);
    emu().executeCommand(emu().server, 'metrics');
    emu().executeCommand(emu().server, 'pullAsMe');
    const o = outs(emu().server, 'shop');
    const rows = o.rows[0] as Record<string, Record<string, unknown>>;
    expect(rows['m:ok']).toMatchObject({ role: 'handler', calls: 3, inFlight: 0 });
    expect(rows['m:ok'].p50 as number).toBeGreaterThanOrEqual(100);
    expect(rows['m:ok'].p99 as number).toBeLessThan(200);
    expect(rows['m:boom']).toMatchObject({ role: 'handler', calls: 1, errors: { HANDLER_ERROR: 1 } });
    expect(o.pulledByOther).toEqual([0]);
    expect(scriptErrors(emu())).toEqual([]);
  });
});
