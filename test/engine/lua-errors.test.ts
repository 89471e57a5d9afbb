/**
 * Every coded failure of the Lua twin, Lua on both ends, through the emulated network: what the caller gets
 * (cb form `(nil, message, timedOut)`, await form `nil, message`), and that refused requests never run the handler.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { addBridge, luaResource, outs, startAll } from './lua-support.ts';

const emu = useEmulator();

/**
 * The bridge, a Lua `shop` serving `server` (it counts handler runs in RAN), and a Lua `caller` client script;
 * `commands` run on the server console first (convars, ACE).
 */
async function world(server: string, client: string, commands: string[] = []) {
  for (const line of commands) emu().executeCommand(emu().server, line);
  await addBridge(emu());
  await luaResource(emu(), 'shop', { server: `RAN = 0\n${server}` });
  await luaResource(emu(), 'caller', { client: `CreateThread(function()\nWait(300)\n${client}\nend)` });
  startAll(emu(), 'callback_bridge', 'shop', 'caller');
  const player = emu().connect();
  return {
    player,
    client: () => outs(player.machine, 'caller'),
    /** What `shop` recorded: `ran` counts handler runs. */
    ran: () => outs(emu().server, 'shop'),
  };
}

describe('coded failures reach a Lua caller', () => {
  it('TIMEOUT: the call deadline (cb gets timedOut = true)', async () => {
    const { client } = await world(
      `RegisterServerCallback('never', function() RAN = RAN + 1 end)`,
      `TriggerServerCallback({ name = 'never', timeout = 400 }, function(...) out('cb', ...) end)`,
    );
    await emu().advance(1500);
    expect(client().cb).toEqual([null, "callback 'never' timed out", true]);
  });

  it('TIMEOUT: without options the deadline is the convar callback_bridge:timeout (replicated)', async () => {
    const { client } = await world(
      `RegisterServerCallback('never', function() end)`,
      `local t0 = GetGameTimer()
       local v, err = TriggerServerCallbackPromise('never')
       out('r', v, err, GetGameTimer() - t0)`,
      ['setr callback_bridge:timeout 700'],
    );
    await emu().advance(2000);
    const [v, err, ms] = client().r as [null, string, number];
    expect([v, err]).toEqual([null, "callback 'never' timed out"]);
    expect(ms).toBeGreaterThanOrEqual(700);
    expect(ms).toBeLessThan(700 + 40);
  });

  it("TIMEOUT: the callback's own timeout option answers the caller at that deadline", async () => {
    const { client } = await world(
      `RegisterServerCallback('short', function() end, { timeout = 300 })`,
      `local t0 = GetGameTimer()
       local v, err = TriggerServerCallbackPromise('short')
       out('r', v, err, GetGameTimer() - t0 < 1000)`,
    );
    await emu().advance(2000);
    expect(client().r).toEqual([null, "callback 'short' timed out", true]);
  });

  it('NOT_FOUND: nobody serves the name (the bridge answers); timedOut is false', async () => {
    const { client } = await world(``, `TriggerServerCallback('ghost', function(...) out('cb', ...) end)`);
    await emu().advance(1500);
    expect(client().cb).toEqual([null, "callback 'ghost' does not exist", false]);
  });

  it('NOT_FOUND from a Lua engine that does not serve the name: counted once, no metrics row per made-up name', async () => {
    const { client, ran } = await world(
      `RegisterCommand('count', function()
        local rows = 0
        for _ in pairs(CallbackBridge.engine.metrics.entries) do rows = rows + 1 end
        out('count', CallbackBridge.engine.metrics.counters.notFound, rows)
      end, true)`,
      // A client may send frames straight to shop's request event, with names shop does not serve.
      `for i = 1, 3 do TriggerServerEvent('cbb:q:shop', 1, 'caller', 1, i, 'made:up:' .. i, 0, 0) end
       Wait(200)
       out('done', true)`,
    );
    await emu().advance(1000);
    expect(client().done).toEqual([true]);
    emu().executeCommand(emu().server, 'count');
    expect(ran().count).toEqual([3, 0]);
  });

  it('HANDLER_ERROR: no stack for the caller; the server logs the error with its traceback', async () => {
    const { client } = await world(
      `RegisterCallback('boom', function() error('secret detail') end)
       RegisterServerCallback('boomAfter', function(source, cb) cb('sent') error('after the answer') end)`,
      `out('r', TriggerServerCallbackPromise('boom'))
       out('after', TriggerServerCallbackPromise('boomAfter'))`,
    );
    await emu().advance(1500);
    expect(client()).toEqual({ r: [null, "callback 'boom' failed on the other side"], after: ['sent'] });
    const logged = emu().output(/callback 'boom' \(resource shop\) failed: /);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/@shop\/server\.lua:\d+: secret detail/);
    expect(logged[0]).toMatch(/stack traceback:/);
    // An error after the answer is still printed: failure is never silent.
    expect(emu().output(/callback 'boomAfter' \(resource shop\) failed: .*after the answer/)).toHaveLength(1);
  });

  it('INVALID_ARGUMENTS: the schema refuses before the handler runs, with the validator messages', async () => {
    const { client, ran } = await world(
      `RegisterCallback('buy', function(source, order) RAN = RAN + 1 out('ran', RAN) return true end,
         { validate = { required = { 'item', 'amount' }, types = { amount = 'integer', item = 'string' } } })`,
      `out('bad', TriggerServerCallbackPromise('buy', { item = 3, amount = 1.5 }))
       out('none', TriggerServerCallbackPromise('buy'))
       out('good', TriggerServerCallbackPromise('buy', { item = 'bread', amount = 2 }))`,
    );
    await emu().advance(1500);
    expect(client()).toEqual({
      bad: [null, "callback 'buy' received invalid arguments: field 'amount' must be integer (got number); field 'item' must be string (got number)"],
      none: [null, "callback 'buy' received invalid arguments: data must be a table (got nil)"],
      good: [true],
    });
    expect(ran()).toEqual({ ran: [1] });
  });

  it('RATE_LIMITED: 25 calls in one frame against the default 10/s burst 20 per player and callback', async () => {
    const { client, ran } = await world(
      `RegisterCallback('tick', function() RAN = RAN + 1 out('ran', RAN) return 'ok' end)`,
      `local ok, limited, other = 0, 0, {}
       for i = 1, 25 do
         TriggerServerCallback('tick', function(v, err)
           if v == 'ok' then ok = ok + 1
           elseif err == "callback 'tick' is rate limited, try again later" then limited = limited + 1
           else other[#other + 1] = err end
           out('counts', ok, limited, other)
         end)
       end`,
    );
    await emu().advance(1500);
    expect(client().counts).toEqual([20, 5, []]);
    expect(ran()).toEqual({ ran: [20] });
  });

  it('FORBIDDEN: the permission option checks IsPlayerAceAllowed; an allowed player is served', async () => {
    const refused = await world(
      `RegisterCallback('admin:kick', function() RAN = RAN + 1 out('ran', RAN) return 'done' end, { permission = 'callback.admin' })`,
      `out('r', TriggerServerCallbackPromise('admin:kick'))`,
    );
    await emu().advance(1500);
    expect(refused.client().r).toEqual([null, "callback 'admin:kick' is not allowed for this player"]);
    expect(refused.ran()).toEqual({});
    // The second player gets the ACE: served.
    emu().executeCommand(emu().server, 'add_ace player.2 callback.admin allow');
    const second = emu().connect();
    await emu().advance(1500);
    expect(outs(second.machine, 'caller').r).toEqual(['done']);
  });

  it('BUSY: more requests in flight than callback_bridge:maxInFlight (per player) are refused', async () => {
    const { client } = await world(
      `RegisterCallback('hold', function() Wait(500) return 'held' end)`,
      `local got = {}
       for i = 1, 5 do
         TriggerServerCallback('hold', function(v, err) got[#got + 1] = v or err out('got', got) end)
       end`,
      ['set callback_bridge:maxInFlight 2'],
    );
    await emu().advance(2000);
    const got = client().got[0] as string[];
    expect(got.filter((v) => v === 'held')).toHaveLength(2);
    expect(got.filter((v) => v === "callback 'hold' refused: too many requests in flight")).toHaveLength(3);
  });

  it('BUSY: callback_bridge:maxInFlightTotal caps the requests running in a resource, all players together', async () => {
    const first = await world(
      `RegisterCallback('hold', function() Wait(500) return 'held' end)`,
      `local got = {}
       for i = 1, 2 do
         TriggerServerCallback('hold', function(v, err) got[#got + 1] = v or err out('got', got) end)
       end`,
      ['set callback_bridge:maxInFlightTotal 3'],
    );
    const second = emu().connect();
    await emu().advance(2000);
    const all = [...(first.client().got[0] as string[]), ...(outs(second.machine, 'caller').got[0] as string[])];
    expect(all.filter((v) => v === 'held')).toHaveLength(3);
    expect(all.filter((v) => v === "callback 'hold' refused: too many requests in flight")).toHaveLength(1);
  });

  it('PAYLOAD_TOO_LARGE: the estimated msgpack size of the arguments above maxPayload; the handler never runs', async () => {
    const { client, ran } = await world(
      `RegisterCallback('note', function(source, text) RAN = RAN + 1 out('ran', RAN) return #text end, { maxPayload = 100 })`,
      `out('big', TriggerServerCallbackPromise('note', string.rep('x', 200)))
       out('small', TriggerServerCallbackPromise('note', string.rep('x', 50)))`,
    );
    await emu().advance(1500);
    expect(client()).toEqual({ big: [null, "callback 'note' payload is too large"], small: [50] });
    expect(ran()).toEqual({ ran: [1] });
  });
});
