/**
 * The native exports of contract §3, for scripts that prefer `exports.callback_bridge:X(...)` to the in-resource
 * engine. Every call here pays one cross-resource hop (contract §10): it is the convenience path. The handlers live
 * in the bridge's engine but belong to the resource that registered them, and go when it stops.
 *
 * One rule gives every trigger form a per-call timeout: the name may be a table `{ name, timeout, retries }`
 * instead of a string. A trailing number is NOT read as a timeout (it would be ambiguous with arguments).
 */
import { CallbackError } from '../core/errors.ts';
import type { Outcome } from '../core/pending-requests.ts';
import { validateData, type TableSchema } from '../core/validation.ts';
import type { CallbackOptions, CallOptions } from '../engine/config.ts';
import type { CallbackEngine } from '../engine/engine.ts';
import type { Handler } from '../engine/handlers.ts';
import type { CallbackMetrics } from '../engine/metrics.ts';

declare const GetInvokingResource: () => string | null;

type Cb = (...args: unknown[]) => unknown;

/** A name, or `{ name, timeout, retries, backoff }`: the one way to give a call its own options. */
export type NameOrOptions = string | ({ name: string } & CallOptions);

export function splitName(target: NameOrOptions): [string, CallOptions] {
  if (typeof target === 'string') return [target, {}];
  if (target && typeof target === 'object' && typeof target.name === 'string') {
    const { name, timeout, retries, backoff } = target;
    return [name, { timeout: num(timeout), retries: num(retries), backoff: num(backoff) }];
  }
  throw new TypeError('callback name must be a string or { name = ..., timeout = ... }');
}

const num = (v: unknown) => (typeof v === 'number' && v >= 0 ? v : undefined);

/** Options from Lua arrive as plain tables: keep what we know. */
function callbackOptions(raw: unknown): CallbackOptions {
  return raw && typeof raw === 'object' ? (raw as CallbackOptions) : {};
}

/** Calls a script's function (often a reference into another resource) without letting its failure escape. */
function safely(engine: CallbackEngine, what: string, fn: Cb, args: unknown[]): void {
  try {
    fn(...args);
  } catch (e) {
    engine.transport.log('error', `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The cb forms' failure shape: `cb(nil, message, timedOut)` (contract §3). */
function cbOutcome(engine: CallbackEngine, name: string, cb: unknown): (o: Outcome) => void {
  return (o) => {
    if (typeof cb !== 'function') return;
    if (o.ok) safely(engine, `callback '${name}' reply handler`, cb as Cb, o.values);
    else safely(engine, `callback '${name}' reply handler`, cb as Cb, [null, o.error.message, o.error instanceof CallbackError && o.error.timedOut]);
  };
}

function promiseOf(engine: CallbackEngine, target: number, nameOrOptions: NameOrOptions, args: unknown[]): Promise<unknown> {
  const [name, options] = splitName(nameOrOptions);
  return new Promise((resolve, reject) => engine.call(target, name, args, options, (o) => (o.ok ? resolve(o.values[0]) : reject(o.error))));
}

export interface NativeExportsDeps {
  engine: CallbackEngine;
  /** Whether any resource on this side serves `name` (the bridge's ownership record). */
  exists(name: string): boolean;
  /** Every engine's metrics on this machine, pulled now. */
  metrics(): CallbackMetrics[];
  exports(name: string, fn: (...args: any[]) => unknown): void;
}

/** Registers the contract §3 exports for this side. */
export function installNativeExports({ engine, exists, metrics, exports }: NativeExportsDeps): void {
  const side = engine.transport.side;
  const owner = () => GetInvokingResource() ?? engine.transport.resource;
  const register = (style: 'cb' | 'return') => (name: string, handler: Handler, options?: unknown) =>
    engine.register(String(name), style, handler, callbackOptions(options), owner());

  exports('RegisterCallback', register('return'));
  exports('UnregisterCallback', (name: string) => engine.unregister(String(name), owner()));
  exports('DoesCallbackExist', (name: string) => exists(String(name)));
  exports('ValidateCallbackData', (data: unknown, schema: TableSchema) => validateData(data, schema ?? {}));
  exports('GetCallbackMetrics', () => metrics());

  if (side === 'server') {
    exports('RegisterServerCallback', register('cb'));
    // Seed `utils.callbacks` style: handler(source, data, cb).
    exports('register_callback', (name: string, handler: Cb, options?: unknown) =>
      engine.register(String(name), 'cb', (source: number, cb: Cb, data: unknown) => handler(source, data, cb), callbackOptions(options), owner()),
    );
    exports('TriggerClientCallback', (player: number, nameOrOptions: NameOrOptions, cb: unknown, ...args: unknown[]) => {
      const [name, options] = splitName(nameOrOptions);
      engine.call(Number(player), name, args, options, cbOutcome(engine, name, cb));
    });
    exports('AwaitClientCallback', (player: number, nameOrOptions: NameOrOptions, ...args: unknown[]) =>
      promiseOf(engine, Number(player), nameOrOptions, args),
    );
  } else {
    exports('RegisterClientCallback', register('cb'));
    exports('TriggerServerCallback', (nameOrOptions: NameOrOptions, cb: unknown, ...args: unknown[]) => {
      const [name, options] = splitName(nameOrOptions);
      engine.call(0, name, args, options, cbOutcome(engine, name, cb));
    });
    exports('TriggerServerCallbackPromise', (nameOrOptions: NameOrOptions, ...args: unknown[]) => promiseOf(engine, 0, nameOrOptions, args));
    // Seed `utils.callbacks` style: trigger_callback(name, data, cb).
    exports('trigger_callback', (nameOrOptions: NameOrOptions, data: unknown, cb: unknown) => {
      const [name, options] = splitName(nameOrOptions);
      engine.call(0, name, [data], options, cbOutcome(engine, name, cb));
    });
  }
}
