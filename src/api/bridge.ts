/**
 * The typed TypeScript API for JS/TS resources. It runs the engine inside the resource that uses it (contract §10):
 * bundle this module, or include `@callback_bridge/dist/callbacks.js`, which defines the global `CallbackBridge`.
 *
 * @example
 * // server
 * const bridge = createBridge<{ 'shop:price': (item: string) => number }>();
 * bridge.register('shop:price', (source, item) => prices[item]);
 * // client
 * const price = await bridge.triggerServer('shop:price', 'bread');            // 12
 * const quick = await bridge.withOptions({ timeout: 2000 }).triggerServer('shop:price', 'bread');
 */
import { CallbackError } from '../core/errors.ts';
import type { Outcome } from '../core/pending-requests.ts';
import { cfxTransport } from '../engine/cfx-transport.ts';
import type { CallbackOptions, CallOptions } from '../engine/config.ts';
import { BRIDGE_RESOURCE, bridgeCoordinator } from '../engine/directory.ts';
import { CallbackEngine } from '../engine/engine.ts';
import type { Transport } from '../engine/transport.ts';

type Fn = (...args: any[]) => any;
/** Callback names and their handler shapes (arguments → reply), as the caller sees them. */
export type CallbackMap = Record<string, Fn>;

/** A server handler gets the calling player first; a client handler does not. */
export type ServerHandler<F extends Fn> = (source: number, ...args: Parameters<F>) => ReturnType<F> | Promise<Awaited<ReturnType<F>>>;
export type ClientHandler<F extends Fn> = (...args: Parameters<F>) => ReturnType<F> | Promise<Awaited<ReturnType<F>>>;

export interface CallbackBridge<TServer extends CallbackMap = CallbackMap, TClient extends CallbackMap = CallbackMap> {
  /** Server: serves `name` to clients; the handler's return value (or resolved Promise) is the reply. */
  register<K extends keyof TServer & string>(name: K, handler: ServerHandler<TServer[K]>, options?: CallbackOptions): boolean;
  /** Client: serves `name` to the server. */
  registerClient<K extends keyof TClient & string>(name: K, handler: ClientHandler<TClient[K]>, options?: CallbackOptions): boolean;
  /** cb style: `handler(source, cb, ...args)` on the server, `handler(cb, ...args)` on a client; the first cb call wins. */
  registerWithCallback(name: string, handler: Fn, options?: CallbackOptions): boolean;
  unregister(name: string): boolean;
  exists(name: string): boolean;
  /** Client: calls a server callback; resolves with its first value, rejects with a CallbackError. */
  triggerServer<K extends keyof TServer & string>(name: K, ...args: Parameters<TServer[K]>): Promise<Awaited<ReturnType<TServer[K]>>>;
  /** Server: calls a client callback of one player. */
  triggerClient<K extends keyof TClient & string>(player: number, name: K, ...args: Parameters<TClient[K]>): Promise<Awaited<ReturnType<TClient[K]>>>;
  /** Like the triggers, resolving with every value the handler sent (Lua handlers may send several). */
  triggerServerValues(name: string, ...args: unknown[]): Promise<unknown[]>;
  triggerClientValues(player: number, name: string, ...args: unknown[]): Promise<unknown[]>;
  /** A bridge whose calls use these options (a new object: the original is unchanged). */
  withOptions(options: CallOptions): CallbackBridge<TServer, TClient>;
  /** The engine underneath (metrics, tests). */
  readonly engine: CallbackEngine;
}

function settle(resolve: (v: unknown[]) => void, reject: (e: unknown) => void): (o: Outcome) => void {
  return (o) => (o.ok ? resolve(o.values) : reject(o.error));
}

function make<S extends CallbackMap, C extends CallbackMap>(engine: CallbackEngine, callOptions: CallOptions): CallbackBridge<S, C> {
  const side = engine.transport.side;
  const values = (target: number, name: string, args: unknown[]) =>
    new Promise<unknown[]>((resolve, reject) => engine.call(target, name, args, callOptions, settle(resolve, reject)));
  const onSide = (want: 'server' | 'client', what: string) => {
    if (side !== want) throw new CallbackError('NOT_FOUND', what, `${what} is only available on the ${want}`);
  };
  return {
    engine,
    register: (name, handler, options) => (onSide('server', 'register'), engine.register(name, 'return', handler as Fn, options)),
    registerClient: (name, handler, options) => (onSide('client', 'registerClient'), engine.register(name, 'return', handler as Fn, options)),
    registerWithCallback: (name, handler, options) => engine.register(name, 'cb', handler, options),
    unregister: (name) => engine.unregister(name),
    exists: (name) => engine.has(name),
    triggerServer: ((name: string, ...args: unknown[]) => {
      onSide('client', 'triggerServer');
      return values(0, name, args).then((v) => v[0]);
    }) as CallbackBridge<S, C>['triggerServer'],
    triggerClient: ((player: number, name: string, ...args: unknown[]) => {
      onSide('server', 'triggerClient');
      return values(player, name, args).then((v) => v[0]);
    }) as CallbackBridge<S, C>['triggerClient'],
    triggerServerValues: (name, ...args) => (onSide('client', 'triggerServerValues'), values(0, name, args)),
    triggerClientValues: (player, name, ...args) => (onSide('server', 'triggerClientValues'), values(player, name, args)),
    withOptions: (options) => make<S, C>(engine, { ...callOptions, ...options }),
  };
}

/** Creates the engine for this resource over the real CitizenFX runtime (once per resource). */
export function createBridge<S extends CallbackMap = CallbackMap, C extends CallbackMap = CallbackMap>(transport: Transport = cfxTransport()): CallbackBridge<S, C> {
  const exportsOf = () => (globalThis as unknown as { exports: Record<string, any> }).exports[BRIDGE_RESOURCE];
  const engine = new CallbackEngine(transport, bridgeCoordinator(transport, exportsOf));
  return make<S, C>(engine, {});
}

export { CallbackError } from '../core/errors.ts';
export type { CallbackErrorCode } from '../core/errors.ts';
export type { CallbackOptions, CallOptions } from '../engine/config.ts';
