/**
 * Measuring what the bridge holds: the sizes of every table of an engine (TS or Lua twin) and of the bridge's own
 * records, so a test can prove they return to their baseline once hostile traffic stops; and `trueSize`, the msgpack
 * size of received arguments counted at any depth (the engine's own estimate stops at the codec's nesting limit).
 */
import type { Emulator } from '../emulator/emulator.ts';
import { luaGlobal } from '../support/cfx.ts';
import { encodedSize } from '../../src/core/payload-size.ts';

/** msgpack size of an argument list, every level counted (functions as the engine counts them: 40). */
export function trueSize(args: unknown[]): number {
  let acc = 0;
  const walk = (v: unknown): void => {
    if (v !== null && typeof v === 'object' && toString.call(v) !== '[object ArrayBuffer]') {
      const entries = Array.isArray(v) ? v : Object.entries(v as object).flat();
      acc += Array.isArray(v) ? encodedSize([]) + (v.length >= 16 ? 2 : 0) : encodedSize({}) + (entries.length / 2 >= 16 ? 2 : 0);
      for (const x of entries) walk(x);
    } else acc += encodedSize(v);
  };
  for (const a of args) walk(a);
  return acc;
}
const toString = Object.prototype.toString;

export type Sizes = Record<string, number>;

/** Every table of a TS engine (`CallbackBridge.engine` of a JS resource, or the bridge's own `engine`). */
export function tsEngineSizes(engine: any): Sizes {
  const responder = engine.responder;
  const checks = responder.checks;
  let buckets = 0;
  for (const limiter of checks.limiters.values()) buckets += limiter.size;
  const table = (p: any, prefix: string): Sizes => ({
    [`${prefix}`]: p.size,
    [`${prefix}.byPlayer`]: p.byPlayer.size,
    [`${prefix}.deadlines`]: p.groups.size,
  });
  return {
    ...table(engine.pending, 'pending'),
    ...table(responder.serving, 'serving'),
    'checks.running': checks.running.size,
    'checks.total': checks.total,
    'checks.limiters': checks.limiters.size,
    'checks.buckets': buckets,
    'outbox.open': engine.outbox.open.size,
    'outbox.queue': engine.outbox.queue.length,
    metrics: engine.metrics.entries.size,
    retries: engine.retries.length,
    handlers: engine.handlers.names().length,
  };
}

/** The Lua probe that fills the global SIZES of a Lua resource on `fz:sizes` (add it after the import). */
export const LUA_SIZES = `
AddEventHandler('fz:sizes', function()
  local e = CallbackBridge.engine
  local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
  local function pend(p, prefix, out)
    out[prefix] = p.size
    out[prefix .. '.byPlayer'] = count(p.byPlayer)
    out[prefix .. '.deadlines'] = count(p.groups)
  end
  local out = {}
  pend(e.pending, 'pending', out)
  pend(e.responder.serving, 'serving', out)
  local checks, buckets = e.responder.checks, 0
  for _, l in pairs(checks.limiters) do buckets = buckets + count(l.buckets) end
  out['checks.running'] = count(checks.running)
  out['checks.total'] = checks.total
  out['checks.limiters'] = count(checks.limiters)
  out['checks.buckets'] = buckets
  out['outbox.open'] = count(e.outbox.open)
  out['outbox.queue'] = #e.outbox.queue - e.outbox.head + 1
  out.metrics = count(e.metrics.entries)
  out.retries = #e.retries
  out.handlers = count(e.handlers)
  SIZES = json.encode(out)
end)
`;

/** Every table of the Lua engine of server resource `res` (it must carry LUA_SIZES). */
export function luaEngineSizes(emu: Emulator, res: string, machine = emu.server): Sizes {
  machine.triggerLocal('fz:sizes');
  return JSON.parse(String(luaGlobal(machine, res, 'SIZES'))) as Sizes;
}

/**
 * Tables that hold one entry per request in flight, per player or per bucket: at rest their baseline is empty.
 * The others (metrics rows, handlers, limiters per registered name, ownership records) keep their warm baseline.
 */
const PER_REQUEST = /(^|\.)(pending|serving|checks\.running|checks\.total|checks\.buckets|outbox\.open|outbox\.queue|retries)(\.|$)/;

/** The entries of `now` that differ from their baseline (an empty object when every table is back). */
export function grown(baseline: Sizes, now: Sizes): Sizes {
  const out: Sizes = {};
  for (const k of new Set([...Object.keys(baseline), ...Object.keys(now)])) {
    const rest = PER_REQUEST.test(k) ? 0 : baseline[k];
    if (rest !== now[k]) out[k] = now[k];
  }
  return out;
}
