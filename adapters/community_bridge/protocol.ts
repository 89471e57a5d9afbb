/**
 * The Community Bridge callback module, written down as types: the API its document shows
 * (shared/seeds/community-bridge-callback.md, "the doc API") and the API of the real library
 * (shared/reference/ox_lib-and-bridges.md §3, "the library API"). The two do not overlap except `RegisterCallback`:
 * the doc API exists in no release of community_bridge (ref §3), so it is always served by us, in-resource through
 * the import (L2) and as exports of `community_bridge` by the stand-in (L3). The library API is served only while no
 * `community_bridge` resource exists (L2: the import; L3: the stand-in convar too).
 *
 * The trailing number of the doc's "custom timeout" example is ambiguous with arguments (its own client-callback
 * example passes a trailing `5000` that is a handler argument), so it stays an argument: a per-call timeout is given
 * by passing `{ name = ..., timeout = ms, retries = n, backoff = ms }` instead of the name (contract §3).
 */
import type { NameOrOptions } from '../../src/bridge/native-exports.ts';
import type { CallbackOptions } from '../../src/engine/config.ts';

export const CB_RESOURCE = 'community_bridge';

/** `cb(...values)` replies; the first call wins. `cb(nil, "message")` is an ordinary reply the caller reads as an error. */
export type CBReply = (...values: unknown[]) => unknown;
/** What a trigger's function receives: the values, or on an engine failure `(nil, message, timedOut)`. */
export type CBResult = (result: unknown, error?: unknown, timedOut?: boolean, ...more: unknown[]) => unknown;

/** The doc API on the server (`exports.community_bridge:<name>`). */
export interface CBDocServer {
  RegisterServerCallback(name: string, handler: (src: number, cb: CBReply, ...args: unknown[]) => unknown, options?: CallbackOptions): boolean;
  /** Player first (the doc's order, unlike the library's `Trigger(name, target, ...)`). */
  TriggerClientCallback(playerId: number, name: NameOrOptions, cb: CBResult | null, ...args: unknown[]): void;
}

/** The doc API on a client. */
export interface CBDocClient {
  TriggerServerCallback(name: NameOrOptions, cb: CBResult | null, ...args: unknown[]): void;
  /** Lua (import): the values, or `nil, message`. JS and Lua through the stand-in export: a promise of the first value. */
  TriggerServerCallbackPromise(name: NameOrOptions, ...args: unknown[]): unknown;
  RegisterClientCallback(name: string, handler: (cb: CBReply, ...args: unknown[]) => unknown, options?: CallbackOptions): boolean;
}

/** Both sides: the shared functions, and the engine's metrics (the doc's "performance tracking"). */
export interface CBDocShared {
  UnregisterCallback(name: string): boolean;
  DoesCallbackExist(name: string): boolean;
  ValidateCallbackData(data: unknown, schema: { required?: string[]; types?: Record<string, string> }): { valid: boolean; errors: string[] };
  GetCallbackMetrics(): unknown[];
}

/** The doc API names served on each side. */
export const DOC_NAMES = {
  server: ['RegisterServerCallback', 'TriggerClientCallback'],
  client: ['TriggerServerCallback', 'TriggerServerCallbackPromise', 'RegisterClientCallback'],
  shared: ['UnregisterCallback', 'DoesCallbackExist', 'ValidateCallbackData', 'GetCallbackMetrics'],
} as const;

/**
 * Who a library `Trigger` on the server asks (ref §3): one player id, a list of ids, or nil / -1 for every player.
 * With several, the first successful reply wins; if every one fails, the caller hears the last failure.
 */
export type CBTarget = number | number[] | null | undefined;

/** The library's module (`Bridge.Callback`, and the `Callback` export, which here is a function returning it). */
export interface CBModuleServer {
  /** `handler(src, ...args)` returns the reply values. */
  Register(name: string, handler: (src: number, ...args: unknown[]) => unknown, options?: CallbackOptions): boolean;
  /** If the first extra argument is a function it is the cb; otherwise the call waits and returns the values. */
  Trigger(name: NameOrOptions, target: CBTarget, ...cbThenArgs: unknown[]): unknown;
}

export interface CBModuleClient {
  Register(name: string, handler: (...args: unknown[]) => unknown, options?: CallbackOptions): boolean;
  Trigger(name: NameOrOptions, ...cbThenArgs: unknown[]): unknown;
  /** `fn(...values)` sees every successful server reply for `name` to a `Trigger` made through this module. */
  RegisterRebound(name: string, fn: (...values: unknown[]) => unknown): void;
}

/** The library API's export names: `RegisterCallback`, `TriggerCallback`, `Callback()`, `Bridge()`, client `RegisterRebound`. */
export const LIBRARY_NAMES = {
  server: ['RegisterCallback', 'TriggerCallback', 'Callback', 'Bridge'],
  client: ['RegisterCallback', 'TriggerCallback', 'Callback', 'Bridge', 'RegisterRebound'],
} as const;

/** The real library's wire (ref §3), for reference only: the bridge does not speak it (no L1 for this family). */
export const CB_WIRE = {
  clientToServer: `${CB_RESOURCE}:CS:Callback`,
  serverReply: `${CB_RESOURCE}:CSR:Callback`,
  serverToClient: `${CB_RESOURCE}:SC:Callback`,
  clientReply: `${CB_RESOURCE}:SCR:Callback`,
} as const;
