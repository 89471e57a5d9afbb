/**
 * The engine's generic NOT_FOUND hook (`CallbackEngine.addFallback`, `Engine:addFallback`): src/engine/fallbacks.ts and
 * its twin lua/fallbacks.lua run the same cases (a virtual clock; each fallback that takes a call answers 100 ms
 * later), plus what only one side has (abort signals, removal).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackError } from '../../src/core/errors.ts';
import type { Outcome } from '../../src/core/pending-requests.ts';
import { CallFallbacks, type CallFallback } from '../../src/engine/fallbacks.ts';
import { getLuaVm, type LuaState, type LuaVm } from '../emulator/lua/lua-vm.ts';
import { luaLiteral, runForString, twinState } from './lua-support.ts';

/** What a fallback does: decline, or take the call and end it (after 100 ms) with a value or a code. */
type Kind = 'decline' | 'ok' | 'NOT_FOUND' | 'BUSY';

interface Case {
  name: string;
  fallbacks: Kind[];
  /** How the engine's own call ended, after `elapsed` of its 1000 ms. */
  first: 'ok' | 'NOT_FOUND' | 'TIMEOUT';
  elapsed: number;
  /** `code:who`: who ended the call (`engine` or the fallback's index); and [fallback, timeout it was given]. */
  ended: string;
  tried: [number, number][];
}

const CASES: Case[] = [
  { name: 'no fallback: the outcome as it is', fallbacks: [], first: 'NOT_FOUND', elapsed: 50, ended: 'NOT_FOUND:engine', tried: [] },
  { name: 'a success is not tried again', fallbacks: ['ok'], first: 'ok', elapsed: 50, ended: 'ok:engine', tried: [] },
  { name: 'another failure is not tried again', fallbacks: ['ok'], first: 'TIMEOUT', elapsed: 1000, ended: 'TIMEOUT:engine', tried: [] },
  {
    name: 'in order: a decline passes it on, the first taker answers, with what is left of the deadline',
    fallbacks: ['decline', 'ok', 'ok'],
    first: 'NOT_FOUND',
    elapsed: 300,
    ended: 'ok:1',
    tried: [[0, 700], [1, 700]],
  },
  {
    name: "a taker's NOT_FOUND passes it on; after the last, the engine's own NOT_FOUND",
    fallbacks: ['NOT_FOUND', 'decline', 'NOT_FOUND'],
    first: 'NOT_FOUND',
    elapsed: 300,
    ended: 'NOT_FOUND:engine',
    tried: [[0, 700], [1, 600], [2, 600]],
  },
  { name: "a taker's other failure ends the call", fallbacks: ['BUSY', 'ok'], first: 'NOT_FOUND', elapsed: 0, ended: 'BUSY:0', tried: [[0, 1000]] },
  { name: 'nothing left: the fallback is still asked, with 0', fallbacks: ['ok'], first: 'NOT_FOUND', elapsed: 1000, ended: 'ok:0', tried: [[0, 0]] },
];

/** Runs one case on the TS side. */
function runTs(c: Case): { ended: string; tried: [number, number][] } {
  let now = 0;
  const fallbacks = new CallFallbacks(() => now);
  const tried: [number, number][] = [];
  c.fallbacks.forEach((kind, i) => {
    const fn: CallFallback = (_target, name, _args, options, done) => {
      tried.push([i, options.timeout]);
      if (kind === 'decline') return false;
      now += 100;
      done(kind === 'ok' ? { ok: true, values: [i] } : { ok: false, error: new CallbackError(kind, name, `fallback ${i}`) });
      return true;
    };
    fallbacks.add(fn);
  });
  let ended = '';
  const done = fallbacks.around(0, 'x', [], { timeout: 1000 }, 1000, (o: Outcome) => {
    ended = o.ok ? `ok:${o.values[0]}` : `${(o.error as CallbackError).code}:${o.error.message.replace('fallback ', '')}`;
  });
  now += c.elapsed;
  done(c.first === 'ok' ? { ok: true, values: ['engine'] } : { ok: false, error: new CallbackError(c.first, 'x', 'engine') });
  return { ended, tried };
}

describe('TS: src/engine/fallbacks.ts', () => {
  for (const c of CASES) it(c.name, () => expect(runTs(c)).toEqual({ ended: c.ended, tried: c.tried }));

  it('an aborted call is not tried again; a removed fallback no longer acts, even for calls already running', () => {
    const fallbacks = new CallFallbacks(() => 0);
    let asked = 0;
    const remove = fallbacks.add((_t, _n, _a, _o, done) => (asked++, done({ ok: true, values: [] }), true));
    const abort = new AbortController();
    abort.abort();
    const outcomes: Outcome[] = [];
    const notFound: Outcome = { ok: false, error: new CallbackError('NOT_FOUND', 'x') };
    fallbacks.around(0, 'x', [], { signal: abort.signal }, 1000, (o) => outcomes.push(o))(notFound);
    const running = fallbacks.around(0, 'x', [], {}, 1000, (o) => outcomes.push(o));
    remove();
    running(notFound);
    expect(asked).toBe(0);
    expect(outcomes).toEqual([notFound, notFound]);
    // None left: calls get their own `done` back.
    const own = () => undefined;
    expect(fallbacks.around(0, 'x', [], {}, 1000, own)).toBe(own);
  });
});

describe('Lua twin: lua/fallbacks.lua', () => {
  let vm: LuaVm;
  let L: LuaState;
  beforeAll(async () => {
    vm = await getLuaVm();
    L = twinState(vm, ['fallbacks']);
    vm.run(L, `
      function runCase(kinds, first, elapsed)
        local T = 0
        local engine = { transport = { now = function() return T end } }
        local fallbacks, tried, ended = use('fallbacks'), {}, nil
        for i, kind in ipairs(kinds) do
          fallbacks.add(engine, function(target, name, args, options, done)
            tried[#tried + 1] = { i - 1, options.timeout }
            if kind == 'decline' then return false end
            T = T + 100
            if kind == 'ok' then done(true, { i - 1 }, 1, 1) else done(false, kind, 'fallback ' .. (i - 1)) end
            return true
          end)
        end
        local done = fallbacks.around(engine, 0, 'x', { n = 0 }, { timeout = 1000 }, 1000, function(ok, a, b, c)
          if ok then ended = 'ok:' .. tostring(a[b]) else ended = a .. ':' .. (b == 'engine' and 'engine' or b:match('%d+')) end
        end)
        T = T + elapsed
        if first == 'ok' then done(true, { 'engine' }, 1, 1) else done(false, first, 'engine') end
        return J({ ended = ended, tried = tried })
      end`);
  });
  afterAll(() => vm.close(L));

  for (const c of CASES) {
    it(c.name, () => {
      const [got] = JSON.parse(runForString(vm, L, `__out = runCase(${luaLiteral(c.fallbacks)}, '${c.first}', ${c.elapsed})`));
      expect({ ended: got.ended, tried: got.tried ?? [] }).toEqual({ ended: c.ended, tried: c.tried });
    });
  }

  it('a removed fallback no longer acts; with none left a call keeps its own done', () => {
    const out = runForString(vm, L, `
      local engine = { transport = { now = function() return 0 end } }
      local fallbacks, asked = use('fallbacks'), 0
      local remove = fallbacks.add(engine, function(_, _, _, _, done) asked = asked + 1 done(true, {}, 1, 0) return true end)
      local got
      local running = fallbacks.around(engine, 0, 'x', { n = 0 }, {}, 1000, function(ok, a) got = a end)
      remove()
      running(false, 'NOT_FOUND', 'engine')
      local own = function() end
      __out = J({ asked = asked, got = got, same = fallbacks.around(engine, 0, 'x', { n = 0 }, {}, 1000, own) == own })`);
    expect(JSON.parse(out)[0]).toEqual({ asked: 0, got: 'NOT_FOUND', same: true });
  });
});
