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
 * // client: at most 2 calls in flight, the highest priority first
 * const queue = bridge.queue({ concurrency: 2 });
 * const first = await queue.withOptions({ priority: 5 }).triggerServer('shop:price', 'bread');
 */
import { jsPieces } from '../../adapters/index-js.ts';
import type { JsPiece } from '../../adapters/types.ts';
import { CallbackError } from '../core/errors.ts';
import type { Outcome } from '../core/pending-requests.ts';
import { EngineCallQueue, type QueuedCallOptions, type QueueOptions } from '../engine/call-queue.ts';
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
  /**
   * A new call queue: at most `concurrency` of its calls in flight, the highest `priority` first (FIFO among
   * equals). Its calls start with this bridge's options. Create queues once, when the script loads.
   */
  queue(options?: QueueOptions): CallbackQueue<TServer, TClient>;
  /** The engine underneath (metrics, tests). */
  readonly engine: CallbackEngine;
}

/** The four triggers, the same on a bridge and on a queue. */
export type CallbackTriggers<TServer extends CallbackMap = CallbackMap, TClient extends CallbackMap = CallbackMap> = Pick<
  CallbackBridge<TServer, TClient>,
  'triggerServer' | 'triggerClient' | 'triggerServerValues' | 'triggerClientValues'
>;

/**
 * Calls that wait their turn (src/engine/call-queue.ts). A started call is a normal call (timeout, retries, codes);
 * one that never starts rejects with BUSY (queue full, or `clear()`), RESOURCE_STOPPED, or the signal's reason.
 */
export interface CallbackQueue<TServer extends CallbackMap = CallbackMap, TClient extends CallbackMap = CallbackMap>
  extends CallbackTriggers<TServer, TClient> {
  /** The same queue, its calls made with these options merged in (a new object: the original is unchanged). */
  withOptions(options: QueuedCallOptions): CallbackQueue<TServer, TClient>;
  /** Calls waiting for a slot. */
  readonly size: number;
  /** Calls in flight. */
  readonly running: number;
  /** Rejects every waiting call with BUSY and returns how many; calls in flight go on. */
  clear(): number;
}

function settle(resolve: (v: unknown[]) => void, reject: (e: unknown) => void): (o: Outcome) => void {
  return (o) => (o.ok ? resolve(o.values) : reject(o.error));
}

type Call = (target: number, name: string, args: unknown[], done: (outcome: Outcome) => void) => void;

/** The triggers over `call` (an engine's or a queue's); each checks it runs on the side that may use it. */
function triggers<S extends CallbackMap, C extends CallbackMap>(side: 'server' | 'client', call: Call): CallbackTriggers<S, C> {
  const values = (target: number, name: string, args: unknown[]) =>
    new Promise<unknown[]>((resolve, reject) => call(target, name, args, settle(resolve, reject)));
  // The first value straight from the outcome: no second Promise per call.
  const first = (target: number, name: string, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => call(target, name, args, (o) => (o.ok ? resolve(o.values[0]) : reject(o.error))));
  const onSide = (want: 'server' | 'client', what: string) => {
    if (side !== want) throw new CallbackError('NOT_FOUND', what, `${what} is only available on the ${want}`);
  };
  return {
    triggerServer: ((name: string, ...args: unknown[]) => {
      onSide('client', 'triggerServer');
      return first(0, name, args);
    }) as CallbackTriggers<S, C>['triggerServer'],
    triggerClient: ((player: number, name: string, ...args: unknown[]) => {
      onSide('server', 'triggerClient');
      return first(player, name, args);
    }) as CallbackTriggers<S, C>['triggerClient'],
    triggerServerValues: (name, ...args) => (onSide('client', 'triggerServerValues'), values(0, name, args)),
    triggerClientValues: (player, name, ...args) => (onSide('server', 'triggerClientValues'), values(player, name, args)),
  };
}

function makeQueue<S extends CallbackMap, C extends CallbackMap>(queue: EngineCallQueue, callOptions: QueuedCallOptions): CallbackQueue<S, C> {
  const p = callOptions.priority;
  if (p !== undefined && (typeof p !== 'number' || !Number.isFinite(p))) throw new TypeError('queue: priority must be a finite number');
  return {
    ...triggers<S, C>(queue.engine.transport.side, (target, name, args, done) => queue.call(target, name, args, callOptions, done)),
    withOptions: (options) => makeQueue<S, C>(queue, { ...callOptions, ...options }),
    get size() {
      return queue.size;
    },
    get running() {
      return queue.running;
    },
    clear: () => queue.clear(),
  };
}

function make<S extends CallbackMap, C extends CallbackMap>(engine: CallbackEngine, callOptions: CallOptions): CallbackBridge<S, C> {
  const side = engine.transport.side;
  const onSide = (want: 'server' | 'client', what: string) => {
    if (side !== want) throw new CallbackError('NOT_FOUND', what, `${what} is only available on the ${want}`);
  };
  return {
    ...triggers<S, C>(side, (target, name, args, done) => engine.call(target, name, args, callOptions, done)),
    engine,
    register: (name, handler, options) => (onSide('server', 'register'), engine.register(name, 'return', handler as Fn, options)),
    registerClient: (name, handler, options) => (onSide('client', 'registerClient'), engine.register(name, 'return', handler as Fn, options)),
    registerWithCallback: (name, handler, options) => engine.register(name, 'cb', handler, options),
    unregister: (name) => engine.unregister(name),
    exists: (name) => engine.has(name),
    withOptions: (options) => make<S, C>(engine, { ...callOptions, ...options }),
    queue: (options) => makeQueue<S, C>(new EngineCallQueue(engine, options), callOptions),
  };
}

/**
 * Creates the engine for this resource over the real CitizenFX runtime (once per resource), with the API families'
 * pieces for JS resources (`adapters/index-js.ts`: e.g. calls that end NOT_FOUND tried over ox_lib's wire).
 */
export function createBridge<S extends CallbackMap = CallbackMap, C extends CallbackMap = CallbackMap>(
  transport: Transport = cfxTransport(),
  pieces: readonly JsPiece[] = jsPieces,
): CallbackBridge<S, C> {
  const exportsOf = () => (globalThis as unknown as { exports: Record<string, any> }).exports[BRIDGE_RESOURCE];
  const engine = new CallbackEngine(transport, bridgeCoordinator(transport, exportsOf));
  for (const attach of pieces) attach(engine);
  return make<S, C>(engine, {});
}

export { CallbackError } from '../core/errors.ts';
export type { CallbackErrorCode } from '../core/errors.ts';
export type { CallbackOptions, CallOptions } from '../engine/config.ts';
export type { QueuedCallOptions, QueueOptions } from '../engine/call-queue.ts';
