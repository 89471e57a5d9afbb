/**
 * The Lua twin's call queue (lua/queue.lua, `CallbackBridge.CreateQueue`):
 * - its scheduler against the shared vectors (test/vectors/queue.json), in a bare Lua 5.4 state;
 * - end to end, Lua on both ends: the concurrency cap measured at the handler, priorities, failures freeing their
 *   slot, Clear / maxQueued / resource stop ending waiting calls with the same texts as the TS queue, both forms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import vectors from '../vectors/queue.json';
import { getLuaVm, type LuaState, type LuaVm } from '../emulator/lua/lua-vm.ts';
import { useEmulator } from '../support/cfx.ts';
import { addBridge, luaLiteral, luaResource, outs, runForString, scriptErrors, startAll, twinState } from './lua-support.ts';

let vm: LuaVm;
let L: LuaState;

beforeAll(async () => {
  vm = await getLuaVm();
  L = twinState(vm, ['errors', 'heap', 'queue']);
  vm.run(L, `
    function runCase(options, ops)
      local ok, res = pcall(function()
        local q = use('queue').scheduler(options)
        local log, entries, running = {}, {}, {}
        for _, op in ipairs(ops) do
          if op.push then
            local id = op.push
            local job = { id = id, priority = op.priority == nil and 0 or op.priority }
            function job.start()
              log[#log + 1] = 'start ' .. id
              if op.endsAtStart then q:finished() else running[id] = true end
            end
            local e = q:push(job)
            if e then entries[id] = e else log[#log + 1] = 'refused ' .. id end
          elseif op.finish then
            assert(running[op.finish], 'vector bug: ' .. op.finish .. ' is not running')
            running[op.finish] = nil
            q:finished()
          elseif op.remove then
            log[#log + 1] = (q:remove(entries[op.remove]) and 'removed ' or 'not removed ') .. op.remove
          elseif op.clear then
            for _, job in ipairs(q:drain()) do log[#log + 1] = 'cleared ' .. job.id end
          end
        end
        return J({ log = log, running = q.running, size = q.size })
      end)
      if not ok then return J({ error = tostring(res) }) end
      return res
    end`);
});

afterAll(() => vm.close(L));

describe('the twin scheduler against test/vectors/queue.json', () => {
  for (const c of vectors.cases) {
    it(c.name, () => {
      const got = JSON.parse(runForString(vm, L, `__out = runCase(${luaLiteral(c.options)}, ${luaLiteral(c.ops)})`))[0];
      if ('error' in c && c.error) {
        expect(got.error).toMatch(/must be a positive integer|must be a finite number/);
        return;
      }
      // `{}` reads as [] in J: an empty log.
      expect({ ...got, log: got.log.length === 0 ? [] : got.log }).toEqual({ log: c.log, running: c.running, size: c.size });
    });
  }
});

const emu = useEmulator();

/** `shop` serves `work(tag, ms)` and `boom`; `seen` is the arrival order and the most calls it ran at once. */
const SHOP = `
  local now, max, order = 0, 0, {}
  RegisterCallback('work', function(source, tag, ms)
    order[#order + 1] = tag
    now = now + 1
    if now > max then max = now end
    out('seen', max, order)
    Wait(ms or 100)
    now = now - 1
    return 'done ' .. tag
  end)
  RegisterCallback('boom', function() error('broken') end)
  RegisterCallback('never', function() Wait(60000) end)`;

/** Starts the bridge, shop and a Lua client resource `caller` running `client`, and connects one player. */
async function setup(client: string) {
  await addBridge(emu());
  await luaResource(emu(), 'shop', { server: SHOP });
  await luaResource(emu(), 'caller', { client });
  startAll(emu(), 'callback_bridge', 'shop', 'caller');
  const player = emu().connect();
  await emu().advance(300);
  return player;
}

describe('the twin queue end to end', () => {
  it('20 calls with concurrency 2 never have more than 2 in flight at the handler, and all succeed in order', async () => {
    const player = await setup(`RegisterCommand('go', function()
      local q = CallbackBridge.CreateQueue({ concurrency = 2 })
      local results, n = {}, 0
      for i = 1, 20 do
        q:TriggerServerCallback('work', function(v, err) n = n + 1 results[i] = v or err if n == 20 then out('results', results) end end, 'c' .. i)
      end
      out('counts', q:Running(), q:Size())
    end, false)`);
    emu().executeCommand(player.machine, 'go');
    await emu().advance(5000);
    const tags = Array.from({ length: 20 }, (_, i) => `c${i + 1}`);
    expect(outs(player.machine, 'caller')).toEqual({ counts: [2, 18], results: [tags.map((t) => `done ${t}`)] });
    expect(outs(emu().server, 'shop').seen).toEqual([2, tags]);
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('starts the highest priority first, FIFO among equals (name tables carry the priority)', async () => {
    const player = await setup(`RegisterCommand('go', function()
      local q = CallbackBridge.CreateQueue({ concurrency = 1 })
      for _, p in ipairs({ { 'hold', 0 }, { 'p1', 1 }, { 'p5a', 5 }, { 'p3', 3 }, { 'p5b', 5 }, { 'p0' }, { 'n2', -2 } }) do
        q:TriggerServerCallback({ name = 'work', priority = p[2] }, function() end, p[1], 50)
      end
    end, false)`);
    emu().executeCommand(player.machine, 'go');
    await emu().advance(3000);
    expect(outs(emu().server, 'shop').seen).toEqual([1, ['hold', 'p5a', 'p5b', 'p3', 'p1', 'p0', 'n2']]);
  });

  it('a failing call frees its slot; the await form returns values or nil, message', async () => {
    const player = await setup(`RegisterCommand('go', function()
      local q = CallbackBridge.CreateQueue({ concurrency = 1 })
      CreateThread(function() out('boom', q:TriggerServerCallbackPromise('boom')) end)
      CreateThread(function() out('never', q:TriggerServerCallbackPromise({ name = 'never', timeout = 200, retries = 1, backoff = 100 })) end)
      CreateThread(function() local t0 = GetGameTimer() out('after', q:TriggerServerCallbackPromise('work', 'after', 10)) out('afterTook', GetGameTimer() - t0) end)
    end, false)`);
    emu().executeCommand(player.machine, 'go');
    await emu().advance(2000);
    const o = outs(player.machine, 'caller');
    expect(o.boom).toEqual([null, "callback 'boom' failed on the other side"]);
    expect(o.never).toEqual([null, "callback 'never' timed out"]);
    expect(o.after).toEqual(['done after']);
    expect(o.afterTook[0] as number).toBeGreaterThanOrEqual(500); // waited for boom, then never (200 + 100 + 200)
    expect(outs(emu().server, 'shop').seen).toEqual([1, ['after']]);
  });

  it('Clear ends the waiting calls with BUSY, maxQueued refuses one more, both with the TS texts', async () => {
    const player = await setup(`RegisterCommand('go', function()
      local q = CallbackBridge.CreateQueue({ concurrency = 1, maxQueued = 2 })
      for _, tag in ipairs({ 'a', 'b', 'c', 'd' }) do
        q:TriggerServerCallback('work', function(...) out(tag, ...) end, tag)
      end
      out('cleared', q:Clear(), q:Running(), q:Size())
    end, false)`);
    emu().executeCommand(player.machine, 'go');
    await emu().advance(1000);
    expect(outs(player.machine, 'caller')).toEqual({
      a: ['done a'],
      b: [null, "callback 'work' refused: the queue was cleared before it started", false],
      c: [null, "callback 'work' refused: the queue was cleared before it started", false],
      d: [null, "callback 'work' refused: the queue is full", false],
      cleared: [2, 1, 0],
    });
  });

  it('stopping the calling resource ends waiting and running calls with RESOURCE_STOPPED', async () => {
    const player = await setup(`RegisterCommand('go', function()
      local q = CallbackBridge.CreateQueue({ concurrency = 1 })
      for _, tag in ipairs({ 'a', 'b', 'c' }) do
        q:TriggerServerCallback('work', function(v, err) print(('queued %s: %s'):format(tag, tostring(err))) end, tag, 1000)
      end
    end, false)`);
    emu().executeCommand(player.machine, 'go');
    await emu().advance(100);
    player.machine.stop('caller');
    await emu().advance(0);
    const lines = emu().output(/queued [abc]:/).map((l) => l.replace(/^.*queued /, ''));
    expect(lines.sort()).toEqual(['a', 'b', 'c'].map((t) => `${t}: callback 'work' ended: a resource stopped`));
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('on the server: AwaitClientCallback and TriggerClientCallback are queued too', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'shop', {
      client: `local now, max = 0, 0
        RegisterCallback('ask', function(n) now = now + 1 if now > max then max = now end Wait(50) now = now - 1 return n * 2, max end)`,
      server: `RegisterCommand('go', function()
        local q = CallbackBridge.CreateQueue({ concurrency = 2 })
        local player = GetPlayers()[1]
        for i = 1, 6 do CreateThread(function() out('r' .. i, q:AwaitClientCallback(player, 'ask', i)) end) end
        q:TriggerClientCallback(player, { name = 'ask', priority = 1 }, function(...) out('cb', ...) end, 10)
      end, true)`,
    });
    startAll(emu(), 'callback_bridge', 'shop');
    emu().connect();
    await emu().advance(300);
    emu().executeCommand(emu().server, 'go');
    await emu().advance(2000);
    const o = outs(emu().server, 'shop');
    for (let i = 1; i <= 6; i++) expect(o[`r${i}`][0]).toBe(i * 2);
    expect(o.cb[0]).toBe(20);
    expect(Math.max(...Object.values(o).map((v) => v[1] as number))).toBe(2);
  });

  it('bad arguments raise at the caller: options, priority, a dot instead of a colon, a wrong-side method', async () => {
    const player = await setup(`RegisterCommand('go', function()
      local function try(key, fn) local ok, err = pcall(fn) out(key, ok, err) end
      local q = CallbackBridge.CreateQueue()
      try('concurrency', function() CallbackBridge.CreateQueue({ concurrency = 0 }) end)
      try('priority', function() q:TriggerServerCallback({ name = 'work', priority = 'high' }, function() end) end)
      try('dot', function() q.TriggerServerCallback('work', function() end) end)
      try('name', function() q:TriggerServerCallback({ priority = 1 }, function() end) end)
      out('serverSide', q.TriggerClientCallback == nil, q.AwaitClientCallback == nil)
    end, false)`);
    emu().executeCommand(player.machine, 'go');
    await emu().advance(100);
    const o = outs(player.machine, 'caller');
    expect(o.concurrency).toEqual([false, "@caller/client.lua:4: queue option 'concurrency' must be a positive integer"]);
    expect(o.priority).toEqual([false, "@caller/client.lua:5: callback option 'priority' must be a finite number"]);
    expect(o.dot).toEqual([false, '@caller/client.lua:6: use queue:TriggerServerCallback(...), with a colon']);
    expect(o.name[1]).toMatch(/^@caller\/client\.lua:7: callback name must be a non-empty string/);
    expect(o.serverSide).toEqual([true, true]);
  });
});
