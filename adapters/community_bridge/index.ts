/**
 * The Community Bridge callback module, bridge side: the stand-in (L3). With `setr callback_bridge:standin
 * "community_bridge"` on a server without community_bridge, `exports.community_bridge:<name>` answers the doc API
 * (the contract §3 shapes, reused from the bridge's own exports) and the real library's `RegisterCallback`,
 * `TriggerCallback`, `Callback()`, `Bridge()` and client `RegisterRebound` (ref §3), all on the bridge's engine.
 * There is no L1: the bridge does not speak community_bridge's wire. In-resource (L2) the same names are served by
 * `import.lua` without the export hop.
 */
import { installNativeExports, splitName, type NameOrOptions } from '../../src/bridge/native-exports.ts';
import { pullMetrics } from '../../src/bridge/metrics-pull.ts';
import { CallbackError } from '../../src/core/errors.ts';
import type { Outcome } from '../../src/core/pending-requests.ts';
import type { CallbackOptions } from '../../src/engine/config.ts';
import type { CallbackEngine } from '../../src/engine/engine.ts';
import type { Adapter, AdapterContext } from '../types.ts';
import { CB_RESOURCE, DOC_NAMES, type CBTarget } from './protocol.ts';

declare const GetInvokingResource: () => string | null;
declare const getPlayers: () => string[];
declare const emit: (event: string, ...args: unknown[]) => void;

type Fn = (...args: any[]) => unknown;

/** Calls `name` on every target at once: the first success wins; if all fail, the last failure (ref §3's broadcast). */
export function race(engine: CallbackEngine, targets: number[], name: string, args: unknown[], options: object, done: (o: Outcome) => void): void {
  if (targets.length === 0) {
    return done({ ok: false, error: new CallbackError('PLAYER_DROPPED', name, `callback '${name}': no player to call`) });
  }
  let left = targets.length;
  let finished = false;
  for (const target of targets) {
    engine.call(target, name, args, options, (o) => {
      left--;
      if (finished || (!o.ok && left > 0)) return;
      finished = true;
      done(o);
    });
  }
}

/** The players a library `Trigger` on the server asks: one id, a list, or nil / -1 for everyone (ref §3). */
export function targetsOf(target: CBTarget): number[] {
  if (target === null || target === undefined || target === -1) return getPlayers().map(Number);
  if (Array.isArray(target)) return target.map(Number).filter((n) => Number.isFinite(n) && n > 0);
  if (target && typeof target === 'object') return Object.values(target).map(Number).filter((n) => Number.isFinite(n) && n > 0);
  return [Number(target)];
}

/** The library's module on one side (`Callback()` and `Bridge().Callback`), on the bridge's engine. */
export function libraryModule(ctx: AdapterContext): Record<string, Fn> {
  const engine = ctx.engine;
  const server = ctx.side === 'server';
  const owner = () => GetInvokingResource() ?? engine.transport.resource;
  const rebounds = new Map<string, Fn>();
  const safely = (what: string, fn: Fn, args: unknown[]) => {
    try {
      fn(...args);
    } catch (e) {
      ctx.log('error', `community_bridge: ${what} failed: ${String(e)}`);
    }
  };
  /** The cb-or-await rule: a function first means a cb; otherwise a promise of the first value (one value crosses). */
  const finish = (name: string, cb: Fn | undefined, start: (done: (o: Outcome) => void) => void): unknown => {
    const settled = (o: Outcome) => {
      const rebound = rebounds.get(name);
      if (o.ok && rebound) safely(`rebound of '${name}'`, rebound, o.values);
    };
    if (cb) {
      start((o) => {
        settled(o);
        if (o.ok) safely(`callback '${name}' reply handler`, cb, o.values);
        else safely(`callback '${name}' reply handler`, cb, [null, o.error.message, o.error instanceof CallbackError && o.error.timedOut]);
      });
      return undefined;
    }
    return new Promise((resolve, reject) =>
      start((o) => {
        settled(o);
        if (o.ok) resolve(o.values[0]);
        else reject(o.error);
      }),
    );
  };
  const module: Record<string, Fn> = {
    Register: (name: string, handler: Fn, options?: CallbackOptions) =>
      engine.register(String(name), 'return', handler, options && typeof options === 'object' ? options : {}, owner()),
  };
  if (server) {
    module.Trigger = (spec: NameOrOptions, target: CBTarget, ...rest: unknown[]) => {
      const cb = typeof rest[0] === 'function' ? (rest.shift() as Fn) : undefined;
      const [name, options] = splitName(spec);
      return finish(name, cb, (done) => race(engine, targetsOf(target), name, rest, options, done));
    };
  } else {
    module.Trigger = (spec: NameOrOptions, ...rest: unknown[]) => {
      const cb = typeof rest[0] === 'function' ? (rest.shift() as Fn) : undefined;
      const [name, options] = splitName(spec);
      return finish(name, cb, (done) => engine.call(0, name, rest, options, done));
    };
    module.RegisterRebound = (name: string, fn: Fn) => {
      if (typeof fn === 'function') rebounds.set(String(name), fn);
      else rebounds.delete(String(name));
    };
  }
  return module;
}

export const communityBridgeAdapter: Adapter = {
  name: 'community_bridge',
  detect: (ctx) => (ctx.standins().includes(CB_RESOURCE) && ctx.resourceState(CB_RESOURCE) === 'missing' ? 'standin' : null),
  attach(ctx) {
    const side = ctx.side;
    const stops: Array<() => void> = [];
    const provide = (name: string, fn: Fn) => {
      const stop = ctx.provideExport(CB_RESOURCE, name, fn);
      if (stop) stops.push(stop);
    };
    // The doc API has the contract §3 shapes: the bridge's own exports, answered under community_bridge's name.
    const doc = new Set<string>([...DOC_NAMES[side], ...DOC_NAMES.shared, 'RegisterCallback']);
    installNativeExports({
      engine: ctx.engine,
      exists: (name) => ctx.addressOf(name) !== undefined,
      metrics: () => pullMetrics(emit),
      exports: (name, fn) => doc.has(name) && provide(name, fn),
    });
    const module = libraryModule(ctx);
    provide('TriggerCallback', module.Trigger);
    if (side === 'client') provide('RegisterRebound', module.RegisterRebound);
    // The library exports its module table as `Callback`, which no caller can call (ref §3); here it is a function.
    provide('Callback', () => module);
    provide('Bridge', () => ({ Callback: module }));
    return () => stops.forEach((stop) => stop());
  },
};
