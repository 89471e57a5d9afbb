/**
 * QBCore's callback wire and export surface, written down as types (facts: shared/reference/esx-qbcore-qbox.md §3.2,
 * §3.3, §4). Qbox (qbx_core) speaks the same four events and serves the same export names under `qb-core` through
 * `provide 'qb-core'` plus `__cfx_export_qb-core_<name>` handlers (§4.1).
 *
 * The wire has no request id: a reply is matched by callback name (per player on the server, `name .. source` in
 * qb-core, `'<source>:<name>'` in Qbox). Arguments travel as `table.unpack(args)`, so trailing nils may be lost.
 * An unknown name is ignored without a reply, and nothing times out (§3.2).
 */

/** The framework resource name (also what `qbx_core` provides). */
export const QB_RESOURCE = 'qb-core';

/** The four wire events (§3.2). */
export const QB_EVENTS = {
  /** client → server request: `(name, ...args)` */
  serverRequest: 'QBCore:Server:TriggerCallback',
  /** server → client reply: `(name, ...values)` */
  serverReply: 'QBCore:Client:TriggerCallback',
  /** server → client request: `(name, ...args)` */
  clientRequest: 'QBCore:Client:TriggerClientCallback',
  /** client → server reply: `(name, ...values)`, matched by name and the replying player */
  clientReply: 'QBCore:Server:TriggerClientCallback',
} as const;

/** Arguments of a request event: the callback name, then its arguments. */
export type QBWireRequest = [name: string, ...args: unknown[]];
/** Arguments of a reply event: the callback name, then every reply value (the await form keeps the first). */
export type QBWireReply = [name: string, ...values: unknown[]];

/** A reply function QBCore hands a handler: `cb(...values)`. */
export type QBReply = (...values: unknown[]) => unknown;

/** Server handler: `fn(source, cb, ...args)` (§3.1). */
export type QBServerHandler = (source: number, cb: QBReply, ...args: unknown[]) => unknown;
/** Client handler: `fn(cb, ...args)` (§3.1). */
export type QBClientHandler = (cb: QBReply, ...args: unknown[]) => unknown;

/**
 * The callback functions on `QBCore.Functions`, each also an export of its own (§3.1). `[cb]` is optional: QBCore
 * detects it as a function or a function reference; without it the call yields and returns the FIRST value only.
 * The local forms were removed from qb-core in January 2025 and are still served by Qbox (§3.1, §4.2).
 */
export interface QBServerFunctions {
  CreateCallback(name: string, fn: QBServerHandler): void;
  /** Name first, then the player (ESX is the reverse). */
  TriggerClientCallback(name: string, source: number, ...cbThenArgs: unknown[]): unknown;
  /** Local form (pre-2025, Qbox): runs a server callback of this machine as `source`. */
  TriggerCallback(name: string, source: number, cb: QBReply, ...args: unknown[]): void;
}

export interface QBClientFunctions {
  CreateClientCallback(name: string, fn: QBClientHandler): void;
  TriggerCallback(name: string, ...cbThenArgs: unknown[]): unknown;
  /** Local form (pre-2025, Qbox): runs a client callback of this machine. */
  TriggerClientCallback(name: string, cb: QBReply, ...args: unknown[]): void;
}

/** Export names the family answers on each side (besides `GetCoreObject`). */
export const QB_SERVER_EXPORTS = ['CreateCallback', 'TriggerClientCallback', 'TriggerCallback'] as const;
export const QB_CLIENT_EXPORTS = ['CreateClientCallback', 'TriggerCallback', 'TriggerClientCallback'] as const;

/** The export that registers a handler in QBCore's own registry, per side (L1). */
export const QB_REGISTER_EXPORT = { server: 'CreateCallback', client: 'CreateClientCallback' } as const;

/** `GetCoreObject([filters])`: filters is a list of top-level keys; with it, a new table holding only those (§3.3). */
export type QBFilters = string[] | undefined;

/** The export event any resource may answer for `qb-core` (ref §1.5, §4.1). */
export const qbExportEvent = (name: string) => `__cfx_export_${QB_RESOURCE}_${name}`;
