/**
 * KOJA lib's callbacks, written down as types (shared/seeds/koja-lib-callbacks.md; the real library, reference
 * ox_lib-and-bridges.md §4: koja-lib v1.1.0). Consumers get the object with
 * `KOJA = exports['koja-lib']:getSharedObject()` (koja-lib's `init.lua` does exactly that).
 *
 * The original keys a client's pending server calls by callback NAME (concurrent calls of one name clobber each
 * other), has no timeouts and no source binding, forwards one result to the client, answers a missing client
 * callback with `'cb_invalid'` and a failing one with `false, err`, and never answers a missing server callback (§4).
 */
import type { NameOrOptions } from '../../src/bridge/native-exports.ts';
import type { CallbackOptions } from '../../src/engine/config.ts';

export const KOJA_RESOURCE = 'koja-lib';

/** koja-lib's own wire (§4): the bridge does not speak it; the import reaches it through koja-lib's functions. */
export const KOJA_WIRE = {
  /** client → server request: `(key, payload)` */
  serverRequest: 'koja:Server:HandleCallback',
  /** server → client reply: `(key, result)`, matched by key only */
  serverReply: 'koja:Client:HandleCallback',
  /** server → client request: `(key, cbid, [payload])`, `cbid = key:random:playerId` */
  clientRequest: 'koja:Client:HandleClientCallback',
  /** client → server reply: `(cbid, ...values)`; `'cb_invalid'` when missing, `false, err` when the handler failed */
  clientReply: 'koja:Server:HandleClientCallbackResponse',
} as const;

/** The original's answer for a client callback nobody registered (§4). */
export const KOJA_CB_INVALID = 'cb_invalid';

export type KojaReply = (...values: unknown[]) => unknown;
/** What a trigger's cb receives: the values, or on failure `(nil, message, timedOut)` (contract §3). */
export type KojaResult = (...valuesOrFailure: unknown[]) => unknown;

/** Server handler: `fn(source, payload, cb)`; `cb(result)` replies, the first call wins. */
export type KojaServerHandler = (source: number, payload: unknown, cb: KojaReply) => unknown;
/**
 * Client handler: `fn(payload, cb)` as the document shows; koja-lib itself sends the handler's RETURN values. Both
 * work: if the handler returns at least one value (`return nil` counts), those values are the reply; if it returns
 * nothing, the reply is its first `cb(...)` call (which may come later).
 */
export type KojaClientHandler = (payload: unknown, cb: KojaReply) => unknown;

/**
 * `KOJA.Server`. `key` may be `{ name = key, timeout = ms, retries = n, backoff = ms }` in the triggers (contract §3);
 * `options` at registration are ours. Values a caller's cb receives: TriggerServerCallback the FIRST value (the
 * original forwards one result), TriggerClientCallback and TriggerCallback every value (as the original does).
 */
export interface KojaServer {
  RegisterServerCallback(key: string, handler: KojaServerHandler, options?: CallbackOptions): boolean;
  TriggerClientCallback(key: NameOrOptions, playerId: number, payload: unknown, cb?: KojaResult): void;
  /** Server-local: runs a server callback of this machine as `source`, no network (the engine's local calls). */
  TriggerCallback(key: NameOrOptions, source: number, payload: unknown, cb?: KojaResult): void;
}

/** `KOJA.Client`. */
export interface KojaClient {
  TriggerServerCallback(key: NameOrOptions, payload: unknown, cb?: KojaResult): void;
  RegisterClientCallback(key: string, handler: KojaClientHandler, options?: CallbackOptions): boolean;
}

/** What `getSharedObject()` answers as a stand-in: the callback functions of this side only. */
export interface KojaObject {
  Server: Partial<KojaServer>;
  Client: Partial<KojaClient>;
}
