/**
 * KOJA lib, bridge side: the stand-in (L3). With `setr callback_bridge:standin "koja-lib"` on a server without
 * koja-lib, `exports['koja-lib']:getSharedObject()` answers a KOJA object whose callback functions run on the bridge's
 * engine (handlers belong to the resource that registered them). No L1: the bridge does not speak koja-lib's wire;
 * while koja-lib runs, the import (L2) aliases the object it hands out and keeps mixed migration working through
 * koja-lib's own functions.
 */
import { splitName, type NameOrOptions } from '../../src/bridge/native-exports.ts';
import { CallbackError } from '../../src/core/errors.ts';
import type { Outcome } from '../../src/core/pending-requests.ts';
import type { CallbackOptions } from '../../src/engine/config.ts';
import type { Adapter, AdapterContext } from '../types.ts';
import { KOJA_RESOURCE, type KojaClientHandler, type KojaObject, type KojaResult, type KojaServerHandler } from './protocol.ts';

declare const GetInvokingResource: () => string | null;

type Fn = (...args: any[]) => unknown;

const isThenable = (v: unknown): v is PromiseLike<unknown> => !!v && typeof (v as PromiseLike<unknown>).then === 'function';

/** The KOJA object of one side, on the bridge's engine. */
export function kojaObject(ctx: AdapterContext): KojaObject {
  const engine = ctx.engine;
  const owner = () => GetInvokingResource() ?? engine.transport.resource;
  const opts = (o: unknown): CallbackOptions => (o && typeof o === 'object' ? (o as CallbackOptions) : {});
  /** Hands an outcome to `cb`: `keep` values on success (1: the first only), `(nil, message, timedOut)` on failure. */
  const replyTo = (name: string, cb: unknown, keep?: 1) => (o: Outcome) => {
    if (!o.ok) ctx.log('warn', `KOJA: ${o.error.message}`);
    if (typeof cb !== 'function') return;
    try {
      if (o.ok) (cb as Fn)(...(keep ? o.values.slice(0, 1) : o.values));
      else (cb as Fn)(null, o.error.message, o.error instanceof CallbackError && o.error.timedOut);
    } catch (e) {
      ctx.log('error', `KOJA: the reply function of '${name}' failed: ${String(e)}`);
    }
  };
  /**
   * A Lua handler that yields reaches us as a promise (ref §2.4); one that fails after yielding rejects it, which the
   * engine's cb-style runner does not watch (it reads only synchronous throws), so the failure is logged here.
   */
  const settled = (key: string, rv: unknown, then?: (v: unknown) => unknown) => {
    if (isThenable(rv)) rv.then(then, (e) => ctx.log('error', `KOJA: callback '${key}' failed: ${String(e)}`));
  };
  if (ctx.side === 'server') {
    return {
      Client: {},
      Server: {
        RegisterServerCallback(key: string, handler: KojaServerHandler, options?: CallbackOptions) {
          if (typeof handler !== 'function') throw new TypeError('KOJA.Server.RegisterServerCallback(key, handler): handler must be a function');
          const seed = (source: number, cb: Fn, payload: unknown) => settled(key, handler(source, payload, cb));
          return engine.register(String(key), 'cb', seed, opts(options), owner());
        },
        TriggerClientCallback(spec: NameOrOptions, playerId: number, payload: unknown, cb?: KojaResult) {
          const [name, options] = splitName(spec);
          engine.call(Number(playerId), name, [payload], options, replyTo(name, cb));
        },
        TriggerCallback(spec: NameOrOptions, source: number, payload: unknown, cb?: KojaResult) {
          const [name, options] = splitName(spec);
          const player = Number(source);
          engine.callLocal(Number.isSafeInteger(player) && player > 0 ? player : 0, name, [payload], options, replyTo(name, cb));
        },
      },
    };
  }
  return {
    Server: {},
    Client: {
      TriggerServerCallback(spec: NameOrOptions, payload: unknown, cb?: KojaResult) {
        const [name, options] = splitName(spec);
        engine.call(0, name, [payload], options, replyTo(name, cb, 1));
      },
      RegisterClientCallback(key: string, handler: KojaClientHandler, options?: CallbackOptions) {
        if (typeof handler !== 'function') throw new TypeError('KOJA.Client.RegisterClientCallback(key, handler): handler must be a function');
        // The document's handler answers through cb; koja-lib's own sends what the handler returns. A Lua handler
        // that returned nothing reads as undefined here, `return nil` as null (ref §2.4), so both styles work.
        const either = (cb: Fn, payload: unknown) => {
          const rv = handler(payload, cb);
          if (isThenable(rv)) settled(key, rv, (v) => v !== undefined && cb(v));
          else if (rv !== undefined) cb(rv);
        };
        return engine.register(String(key), 'cb', either, opts(options), owner());
      },
    },
  };
}

export const kojaAdapter: Adapter = {
  name: 'koja',
  detect: (ctx) => (ctx.standins().includes(KOJA_RESOURCE) && ctx.resourceState(KOJA_RESOURCE) === 'missing' ? 'standin' : null),
  attach(ctx) {
    const object = kojaObject(ctx);
    const stop = ctx.provideExport(KOJA_RESOURCE, 'getSharedObject', () => object);
    return () => stop?.();
  },
};
