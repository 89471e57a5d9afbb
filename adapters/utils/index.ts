/**
 * The seed `utils.callbacks` family, bridge side. There is no wire of ours to speak for it (L1): the seed's API runs
 * in resources through the import (L2, `import.lua`) and through the bridge's own exports `register_callback` /
 * `trigger_callback` (contract §3). This part is the stand-in (L3): with `setr callback_bridge:standin "boii_utils"`
 * on a server without boii_utils, `exports.boii_utils:register_callback(...)`, `exports.boii_utils:trigger_callback(...)`
 * and `exports.boii_utils:get('modules.callbacks')` run on the bridge's engine.
 */
import { splitName, type NameOrOptions } from '../../src/bridge/native-exports.ts';
import { CallbackError } from '../../src/core/errors.ts';
import type { CallbackOptions } from '../../src/engine/config.ts';
import type { Adapter, AdapterContext } from '../types.ts';
import { UTILS_EXPORTS, UTILS_MODULE_PATHS, UTILS_RESOURCE, type UtilsHandler, type UtilsResponse } from './protocol.ts';

declare const GetInvokingResource: () => string | null;

/** The stand-in's functions on one side: the server registers, a client triggers. */
export function utilsFunctions(ctx: AdapterContext) {
  const engine = ctx.engine;
  const owner = () => GetInvokingResource() ?? engine.transport.resource;
  return {
    /** `register(name, fn(source, data, cb), options?)`: owned by the calling resource (it goes when that stops). */
    register(name: string, handler: UtilsHandler, options?: CallbackOptions): boolean {
      if (typeof handler !== 'function') throw new TypeError('utils.callbacks.register(name, handler): handler must be a function');
      const seedStyle = (source: number, cb: (...v: unknown[]) => void, data: unknown) => handler(source, data, cb);
      return engine.register(String(name), 'cb', seedStyle, options && typeof options === 'object' ? options : {}, owner());
    },
    /** `trigger(name, data, cb)`: `cb(...values)`, or `cb(nil, message, timedOut)` after logging the failure. */
    trigger(spec: NameOrOptions, data: unknown, cb?: UtilsResponse): void {
      const [name, options] = splitName(spec);
      engine.call(0, name, [data], options, (o) => {
        if (!o.ok) ctx.log('warn', `utils.callbacks: ${o.error.message}`);
        if (typeof cb !== 'function') return;
        try {
          if (o.ok) cb(...o.values);
          else cb(null, o.error.message, o.error instanceof CallbackError && o.error.timedOut);
        } catch (e) {
          ctx.log('error', `utils.callbacks: the response function of '${name}' failed: ${String(e)}`);
        }
      });
    },
  };
}

export const utilsAdapter: Adapter = {
  name: 'utils',
  detect: (ctx) => (ctx.standins().includes(UTILS_RESOURCE) && ctx.resourceState(UTILS_RESOURCE) === 'missing' ? 'standin' : null),
  attach(ctx) {
    const fns = utilsFunctions(ctx);
    const server = ctx.side === 'server';
    // The seed's module is one side's half: register on the server, trigger on a client.
    const module = server ? { register: fns.register } : { trigger: fns.trigger };
    const stops: Array<() => void> = [];
    const provide = (name: string, fn: (...args: any[]) => unknown) => {
      const stop = ctx.provideExport(UTILS_RESOURCE, name, fn);
      if (stop) stops.push(stop);
    };
    if (server) provide(UTILS_EXPORTS.server, fns.register);
    else provide(UTILS_EXPORTS.client, fns.trigger);
    provide('get', (path: unknown) => {
      if ((UTILS_MODULE_PATHS as readonly unknown[]).includes(path)) return module;
      ctx.log('warn', `boii_utils stand-in: only the callbacks module is served (asked for '${String(path)}')`);
      return null;
    });
    return () => stops.forEach((stop) => stop());
  },
};
