/**
 * L3 (stand-in): `callback_bridge:standin` names qb-core and no resource of that name (nor a provider) exists. The
 * bridge answers `exports['qb-core']:GetCoreObject([filters])` with an object whose `Functions` hold QBCore's callback
 * functions, the same functions as direct exports, and QBCore's wire events, so callback-only legacy scripts run
 * unmodified on the bridge's engine (each call through these pays one cross-resource hop: the convenience path).
 *
 * The wire has no request id (reference §3.2). A script that speaks it directly and has two calls of one name in
 * flight gets two replies of that name and cannot tell them apart: it matches them to whatever it keeps under the
 * name, exactly as it would with QBCore (whose second request replaces the first). Each request is still answered
 * once, by the player's own reply, in the order the handlers finish. Calls made through the functions below use the
 * engine's ids and never collide.
 */
import { splitName, type NameOrOptions } from '../../src/bridge/native-exports.ts';
import type { CallbackOptions } from '../../src/engine/config.ts';
import type { AdapterContext } from '../types.ts';
import { listenNet, logFailure, safeCall, send } from './cfx.ts';
import { QB_EVENTS, QB_RESOURCE, type QBFilters } from './protocol.ts';

declare const GetInvokingResource: () => string | null;

type Fn = (...args: any[]) => unknown;

/** The callback functions of one side, as the bridge serves them (reference §3.1, plus the pre-2025 local forms). */
function functionsFor(ctx: AdapterContext): Record<string, Fn> {
  const { engine } = ctx;
  const owner = () => GetInvokingResource() ?? engine.transport.resource;
  const register = (name: unknown, fn: unknown, options?: unknown) => {
    if (typeof fn !== 'function') return void ctx.log('warn', `QBCore callback '${String(name)}': the handler is not a function`);
    // The registering script owns the name: its handlers go when it stops. Options (ours) may follow the handler.
    engine.register(String(name), 'cb', fn as Fn, options && typeof options === 'object' ? (options as CallbackOptions) : {}, owner());
  };
  /** A network call with QBCore's optional cb: all values to cb (returns nothing), or without cb a Promise of the
   * FIRST value (a Lua caller in a thread waits for it), nil on failure; a failure is logged, cb is not called. */
  const trigger = (target: number, spec: NameOrOptions, rest: unknown[]) => {
    const [name, options] = splitName(spec);
    const cb = typeof rest[0] === 'function' ? rest[0] : undefined;
    const args = cb ? rest.slice(1) : rest;
    const run = (settle: (first: unknown) => void) =>
      engine.call(target, name, args, options, (o) => {
        if (!o.ok) {
          logFailure(ctx, o.error);
          return settle(null);
        }
        safeCall(ctx, `QBCore callback '${name}' reply handler`, cb, o.values);
        settle(o.values[0] ?? null);
      });
    if (cb) return void run(() => undefined);
    return new Promise<unknown>(run);
  };
  /** A local form: runs a callback of this machine (as `player` on the server). */
  const local = (player: number, spec: NameOrOptions, cb: unknown, args: unknown[]) => {
    const [name, options] = splitName(spec);
    engine.callLocal(player, name, args, options, (o) =>
      o.ok ? safeCall(ctx, `QBCore callback '${name}' reply handler`, cb, o.values) : logFailure(ctx, o.error),
    );
  };

  if (ctx.side === 'server') {
    return {
      CreateCallback: register,
      TriggerClientCallback: (spec: NameOrOptions, source: unknown, ...rest: unknown[]) => {
        if (source === undefined || source === null) return undefined; // QBCore: `if not source then return end`
        return trigger(Number(source), spec, rest);
      },
      TriggerCallback: (spec: NameOrOptions, source: unknown, cb: unknown, ...args: unknown[]) => local(Number(source) || 0, spec, cb, args),
    };
  }
  return {
    CreateClientCallback: register,
    TriggerCallback: (spec: NameOrOptions, ...rest: unknown[]) => trigger(0, spec, rest),
    TriggerClientCallback: (spec: NameOrOptions, cb: unknown, ...args: unknown[]) => local(0, spec, cb, args),
  };
}

/** `GetCoreObject([filters])`: the object, or a new one holding only the listed top-level keys (§3.3). */
function coreObject(functions: Record<string, Fn>, filters: QBFilters): Record<string, unknown> {
  const whole: Record<string, unknown> = { Functions: functions };
  if (!Array.isArray(filters)) return whole;
  const picked: Record<string, unknown> = {};
  for (const key of filters) if (typeof key === 'string' && key in whole) picked[key] = whole[key];
  return picked;
}

/**
 * Answers the request event of this side's wire: the server serves `QBCore:Server:TriggerCallback` as the player who
 * sent it and replies to that player only; a client serves `QBCore:Client:TriggerClientCallback` from the server only
 * (a locally raised copy is a spoof). Failures send nothing, as QBCore's do, and are logged.
 */
function serveWire(ctx: AdapterContext): () => void {
  const { engine, side } = ctx;
  const [request, reply] = side === 'server' ? [QB_EVENTS.serverRequest, QB_EVENTS.serverReply] : [QB_EVENTS.clientRequest, QB_EVENTS.clientReply];
  return listenNet(request, side, (from, args) => {
    const [name, ...rest] = args;
    if (typeof name !== 'string') return;
    engine.callLocal(from, name, rest, {}, (o) => {
      if (!o.ok) return logFailure(ctx, o.error, `requested on ${request}`);
      send(side, reply, from, name, ...o.values);
    });
  });
}

/** Starts L3; returns its detach. */
export function attachStandin(ctx: AdapterContext): () => void {
  const functions = functionsFor(ctx);
  const stops: Array<() => void> = [];
  const provide = (name: string, fn: Fn) => {
    const stop = ctx.provideExport(QB_RESOURCE, name, fn);
    if (stop) stops.push(stop);
    else ctx.log('warn', `qbcore stand-in: ${QB_RESOURCE} exists, not answering its export ${name}`);
  };
  provide('GetCoreObject', (filters: QBFilters) => coreObject(functions, filters));
  for (const [name, fn] of Object.entries(functions)) provide(name, fn);
  stops.push(serveWire(ctx));
  return () => {
    for (const stop of stops) stop();
  };
}
