/**
 * The ox_lib callback wire (reference `ox_lib-and-bridges.md` §1.3–§1.9, `citizenfx-runtime.md` §5.6), written down
 * as types and constants, plus the two local events the bridge and the ox alias (`adapters/ox/import.lua`) use
 * between themselves. The Lua pieces spell the same strings; keep them in step.
 *
 * One namespace carries both directions (§1.3): `__ox_cb_<callbackName>` is a request channel and
 * `__ox_cb_<callerResource>` a response channel, so a callback named after a resource collides with that resource's
 * responses (ox_lib's own limitation; the bridge never serves a callback named `callback_bridge` over this wire).
 */

/** The ox_lib resource; `exports.ox_lib:setValidCallback` / `isCallbackValid` live there (§1.1). */
export const OX_RESOURCE = 'ox_lib';

/** Prefix of every request and response event (§1.3). */
export const OX_EVENT_PREFIX = '__ox_cb_';

/** Where requests for callback `name` go. */
export const requestEvent = (name: string) => `${OX_EVENT_PREFIX}${name}`;

/** Where replies for callers in `resource` go. */
export const responseEvent = (resource: string) => `${OX_EVENT_PREFIX}${resource}`;

/**
 * Sent by every ox caller just before its request, on the same channel (§1.8): the side that should serve `name`
 * answers `'cb_invalid'` on the caller's response channel when nobody registered it. ox_lib answers it while it runs;
 * the bridge only in stand-in mode (never double-answer, contract §4).
 */
export const VALIDATE_EVENT = 'ox_lib:validateCallback';

/** The first reply value that means "does not exist" (§1.8). A handler returning this string is misread by ox too. */
export const CB_INVALID = 'cb_invalid';

/** Convar with the await timeout in ms, read once per resource (§1.6). */
export const TIMEOUT_CONVAR = 'ox:callbackTimeout';
export const DEFAULT_TIMEOUT_MS = 300_000;

/** The await path's error texts (§1.6, §1.8). The JS package's own reject text misses a quote (§2); ours does not. */
export const notFoundMessage = (name: string) => `callback '${name}' does not exist`;
export const timedOutMessage = (key: string) => `callback event '${key}' timed out`;

/** `ox_lib:validateCallback (name, callerResource, key)`, client→server or server→client (§1.3). */
export type ValidateArgs = [name: string, callerResource: string, key: string];

/** `__ox_cb_<name> (callerResource, key, ...args)`: a request. The server handler also gets `source` (§1.2). */
export type RequestArgs = [callerResource: string, key: string, ...args: unknown[]];

/**
 * `__ox_cb_<callerResource> (key, ...values)`: a reply. A failed handler replies `(key)` alone (§1.7); an unknown name
 * gets `(key, 'cb_invalid')` (§1.8). A JS-package handler always sends exactly one value (§2).
 */
export type ResponseArgs = [key: string, ...values: unknown[]];

/**
 * Local event, ox alias → bridge, same machine: `(name, serving)`. A resource whose ox alias registered `name` answers
 * the ox wire for it in-resource (no cross-resource hop for unmodified ox callers) and says so here first, so the
 * bridge's L1 listener stays silent for it and does not claim it in ox_lib's registry. `serving = false` retracts.
 * The bridge believes it only for the invoking resource.
 */
export const SELF_SERVED_EVENT = 'cbb:ox:self';

/**
 * Local event, in-resource JS engine → bridge, same machine: `(serving)`. The invoking resource's engine answers the ox
 * wire itself for every name it serves, whatever the name (self-answer.ts). Sent when the engine starts, before it can
 * register anything: a name's claim reaches the bridge before the engine's registry could announce that name, so a
 * per-name `cbb:ox:self` alone would come after the bridge had claimed it in ox_lib's registry. A callback named after
 * its own resource is the exception (its request channel is that resource's response channel): the bridge keeps it.
 */
export const SELF_ENGINE_EVENT = 'cbb:ox:engine';

/** Local event, bridge → every resource: "tell me again which names you answer yourself" (the bridge (re)attached). */
export const HELLO_EVENT = 'cbb:ox:hello';

/** Request keys we make: `<name>:<random>` (§1.4: opaque to handlers, echoed back; ours are unguessable). */
export function newKey(name: string): string {
  const part = () => Math.floor(Math.random() * 0x100000000).toString(36);
  return `${name}:${part()}${part()}${part()}`;
}

/** A resource name as FiveM allows them (the caller's resource names the response channel we reply on). */
export const RESOURCE_NAME = /^[\w.\-:@\[\]]{1,64}$/;
