/**
 * L3: es_extended does not exist and `callback_bridge:standin` names it. The bridge answers
 * `exports['es_extended']:getSharedObject()` and the legacy `esx:getSharedObject` event with an object holding ESX's
 * callback functions (ref §2.1) on the bridge's engine, and answers ESX's callback wire events itself in both dialects
 * (ref §2.2), so a callback-only legacy script runs unmodified.
 */
import type { AdapterContext } from '../types.ts';
import type { CallbackError } from '../../src/core/errors.ts';
import { eventSource, invokingResource, listen, send } from './cfx.ts';
import { ESX_EVENTS, ESX_RESOURCE, readRequest, replyArgs, SHARED_OBJECT_EXPORT } from './protocol.ts';
import { WireCalls } from './wire.ts';

type Fn = (...args: any[]) => any;

/** What a call ends with: every value, or the reason it failed. */
type Ended = (ok: boolean, valuesOrReason: unknown[] | string) => void;

/**
 * A hand-made async return value (ref §1.4): a Lua caller waits on it in its thread and gets `table.unpack(values)`,
 * so an Await form returns every value (a JS function can only return one, ref §1.6); a failure raises there.
 */
function asyncReturn(start: (ended: Ended) => void): { __cfx_async_retval: (cb: Fn) => void } {
  return {
    __cfx_async_retval: (cb: Fn) => start((ok, r) => (ok ? cb(r, false) : cb(null, r))),
  };
}

/** Starts L3 on this side; returns its detach (a no-op when the export was refused: es_extended exists). */
export function attachStandin(ctx: AdapterContext): () => void {
  const server = ctx.side === 'server';
  const wire = new WireCalls(ctx);
  const me = ctx.engine.transport.resource;

  /** A call to the other side: through the engine, then over ESX's wire for a name no engine serves. */
  const call = (player: number, name: string, args: unknown[], invoker: string, ended: Ended) => {
    ctx.engine.call(player, name, args, {}, (outcome) => {
      if (outcome.ok) return ended(true, outcome.values);
      const error = outcome.error as CallbackError;
      if (error.code === 'NOT_FOUND') return wire.request(player, name, args, invoker, ended);
      ended(false, `${error.code ?? 'ERROR'}: ${error.message}`);
    });
  };

  /** The cb form: every value to `cb`; on failure cb is not called and the reason is printed (contract §4). */
  const trigger = (api: string, player: number, name: unknown, cb: unknown, args: unknown[]) => {
    const invoker = invokingResource() ?? me;
    if (typeof name !== 'string' || name === '') return ctx.log('warn', `ESX.${api} from ${invoker}: the callback name must be a non-empty string`);
    call(player, name, args, invoker, (ok, r) => {
      if (!ok) return ctx.log('warn', `ESX.${api}('${name}') from ${invoker} failed, cb not called: ${r as string}`);
      if (typeof cb !== 'function') return;
      try {
        settle((cb as Fn)(...(r as unknown[])), `ESX.${api}('${name}') cb of ${invoker}`);
      } catch (e) {
        ctx.log('warn', `ESX.${api}('${name}') from ${invoker}: the cb failed: ${String(e)}`);
      }
    });
  };

  /** The Await form: every value, or an error raised in the caller's thread. */
  const wait = (api: string, player: number, name: unknown, args: unknown[]) => {
    const invoker = invokingResource() ?? me;
    return asyncReturn((ended) => {
      if (typeof name !== 'string' || name === '') return ended(false, `ESX.${api}: the callback name must be a non-empty string`);
      call(player, name, args, invoker, (ok, r) => ended(ok, ok ? r : `ESX.${api}('${name}') failed: ${r as string}`));
    });
  };

  /** Register: in the bridge's engine, owned by the calling resource (its stop removes it). */
  const register = (name: unknown, handler: unknown) => {
    const owner = invokingResource() ?? me;
    if (typeof name !== 'string' || name === '' || typeof handler !== 'function') {
      return ctx.log('warn', `ESX register from ${owner}: needs a name and a function`);
    }
    // A Lua handler that waits and then raises reaches us as a rejected promise (ref §1.4): printed here (its own
    // runtime printed the script error); the caller hears TIMEOUT, since the cb form has no other way to fail.
    const wrapped = (...args: unknown[]) => settle((handler as Fn)(...args), `ESX callback '${name}' (${owner})`);
    ctx.engine.register(name, 'cb', wrapped, {}, owner);
  };

  /** Keeps a promise returned by a Lua function (it waited) from going unhandled. */
  const settle = (rv: unknown, what: string) => {
    if (rv && typeof (rv as Promise<unknown>).then === 'function') {
      (rv as Promise<unknown>).then(undefined, (e) => ctx.log('warn', `${what} failed after waiting: ${String(e)}`));
    }
  };

  const exists = (name: unknown) => typeof name === 'string' && ctx.addressOf(name) !== undefined;

  const object: Record<string, Fn> = server
    ? {
        RegisterServerCallback: register,
        TriggerClientCallback: (player: unknown, name: unknown, cb: unknown, ...args: unknown[]) =>
          trigger('TriggerClientCallback', Number(player), name, cb, args),
        AwaitClientCallback: (player: unknown, name: unknown, ...args: unknown[]) => wait('AwaitClientCallback', Number(player), name, args),
        DoesServerCallbackExist: exists,
      }
    : {
        TriggerServerCallback: (name: unknown, cb: unknown, ...args: unknown[]) => trigger('TriggerServerCallback', 0, name, cb, args),
        AwaitServerCallback: (name: unknown, ...args: unknown[]) => wait('AwaitServerCallback', 0, name, args),
        RegisterClientCallback: register,
        DoesClientCallbackExist: exists,
      };

  const stopExport = ctx.provideExport(ESX_RESOURCE, SHARED_OBJECT_EXPORT, () => object);
  if (!stopExport) {
    wire.close();
    return () => undefined;
  }
  const stops: Array<() => void> = [stopExport, () => wire.close()];
  stops.push(listen(ESX_EVENTS.getSharedObject, (cb: unknown) => typeof cb === 'function' && (cb as Fn)(object), false));

  // ESX's wire, answered for every name served through the bridge, in the dialect the request came in.
  const knows = (resource: string) => ctx.resourceState(resource) !== 'missing';
  const requestEvent = server ? ESX_EVENTS.triggerServer : ESX_EVENTS.triggerClient;
  const replyEvent = server ? ESX_EVENTS.serverReply : ESX_EVENTS.clientReply;
  stops.push(
    listen(
      requestEvent,
      (...args: unknown[]) => {
        const source = eventSource();
        // Raised locally (source ''): a spoof, ignored as ESX's SecureNetEvent does (ref §2.2).
        if (typeof source !== 'number') return;
        const request = readRequest(args, knows);
        if (!request) return;
        const player = server ? source : 0;
        ctx.engine.callLocal(player, request.name, request.args, {}, (outcome) => {
          if (outcome.ok) return send(ctx.side, replyEvent, player, replyArgs(request, outcome.values));
          // ESX sends nothing for an unknown name or a failing handler (ref §2.2), and a legacy caller's cb expects
          // real values, so nothing is sent here either; the reason is printed instead of ESX's script error.
          const error = outcome.error as CallbackError;
          const who = server ? `player ${player}` : 'the server';
          ctx.log('warn', `ESX wire request '${request.name}' from ${who} (${request.invoker ?? 'pre-1.9 dialect'}) got no reply: ${error.code}: ${error.message}`);
        });
      },
      true,
    ),
  );
  return () => {
    for (const stop of stops.splice(0)) stop();
  };
}
