/**
 * The seed `utils.callbacks` API (shared/seeds/utils-callbacks.md), written down as types, and the names the stand-in
 * answers. The library the seed describes is boii_utils (shared/reference/ox_lib-and-bridges.md §4): there the module
 * comes from `exports.boii_utils:get('modules.callbacks')` and the same two functions are exports of boii_utils.
 *
 * The seed is client → server only: one `data` payload, continuation style. The original has no timeout, no pcall and
 * no request-id collision check, and its "not found" branch throws before answering, so the caller never hears back
 * (ref §4). Here every failure reaches the caller as `cb(nil, message, timedOut)` and is logged.
 */
import type { NameOrOptions } from '../../src/bridge/native-exports.ts';
import type { CallbackOptions } from '../../src/engine/config.ts';

/** The resource the stand-in (L3) answers for, when `callback_bridge:standin` names it and it is missing. */
export const UTILS_RESOURCE = 'boii_utils';

/** The module paths `exports.boii_utils:get(path)` answers with the callbacks module (ref §4). */
export const UTILS_MODULE_PATHS = ['modules.callbacks', 'callbacks'] as const;

/** Export names of the stand-in on each side (besides `get`). */
export const UTILS_EXPORTS = { server: 'register_callback', client: 'trigger_callback' } as const;

/** `cb(response)` replies; the first call wins. Every value passed travels. */
export type UtilsReply = (...values: unknown[]) => unknown;

/** Server handler: `fn(source, data, cb)`. */
export type UtilsHandler = (source: number, data: unknown, cb: UtilsReply) => unknown;

/**
 * What the caller's `cb` receives: the handler's values, or on failure `(nil, message, timedOut)` (contract §3; the
 * failure is also logged, as the seed promises for missing callbacks).
 */
export type UtilsResponse = (...valuesOrFailure: unknown[]) => unknown;

/** `utils.callbacks` on the server. `options` is ours (timeouts, limits, validation, ACE permission). */
export interface UtilsCallbacksServer {
  register(name: string, handler: UtilsHandler, options?: CallbackOptions): boolean;
}

/** `utils.callbacks` on a client. `name` may be `{ name, timeout, retries, backoff }` (the contract's one rule). */
export interface UtilsCallbacksClient {
  trigger(name: NameOrOptions, data: unknown, cb?: UtilsResponse): void;
}
