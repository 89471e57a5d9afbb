/**
 * ESX's callback wire, written down (reference `esx-qbcore-qbox.md` §2.2, cited as ref §N):
 *
 * | direction      | event                       | 1.9 – 1.13                          | before 1.9 (v1-final … 1.8.5) |
 * |----------------|-----------------------------|-------------------------------------|-------------------------------|
 * | C→S request    | `esx:triggerServerCallback` | `name, requestId, invoker, ...args` | `name, requestId, ...args`    |
 * | S→C response   | `esx:serverCallback`        | `requestId, invoker, ...returns`    | `requestId, ...returns`       |
 * | S→C request    | `esx:triggerClientCallback` | `name, requestId, invoker, ...args` | (no client callbacks)         |
 * | C→S response   | `esx:clientCallback`        | `requestId, invoker, ...returns`    | (no client callbacks)         |
 *
 * `requestId` is a number echoed unchanged; `invoker` is the calling resource's name, echoed verbatim. ESX sends no
 * reply for an unknown name or a failing handler (ref §2.2).
 */

export const ESX_RESOURCE = 'es_extended';

export const ESX_EVENTS = {
  triggerServer: 'esx:triggerServerCallback',
  serverReply: 'esx:serverCallback',
  triggerClient: 'esx:triggerClientCallback',
  clientReply: 'esx:clientCallback',
  /** Legacy local event: `TriggerEvent('esx:getSharedObject', function(obj) ... end)` (ref §2.3). */
  getSharedObject: 'esx:getSharedObject',
} as const;

/** The export that hands out the ESX object (ref §2.3). */
export const SHARED_OBJECT_EXPORT = 'getSharedObject';

/** `invoker`: 1.9 – 1.13, with the caller's resource name; `legacy`: before 1.9, without it. */
export type Dialect = 'invoker' | 'legacy';

export type RequestArgsInvoker = [name: string, requestId: number, invoker: string, ...args: unknown[]];
export type RequestArgsLegacy = [name: string, requestId: number, ...args: unknown[]];
export type ReplyArgsInvoker = [requestId: number, invoker: string, ...values: unknown[]];
export type ReplyArgsLegacy = [requestId: number, ...values: unknown[]];

/** One request read off the wire. */
export interface WireRequest {
  name: string;
  requestId: number;
  dialect: Dialect;
  /** Present in the `invoker` dialect. */
  invoker?: string;
  args: unknown[];
}

/** One reply read off the wire (to a request we sent in the `invoker` dialect). */
export interface WireReply {
  requestId: number;
  values: unknown[];
}

/** The callback functions of the ESX object on each side (ref §2.1). */
export const SERVER_FUNCTIONS = ['RegisterServerCallback', 'TriggerClientCallback', 'AwaitClientCallback', 'DoesServerCallbackExist'] as const;
export const CLIENT_FUNCTIONS = ['TriggerServerCallback', 'AwaitServerCallback', 'RegisterClientCallback', 'DoesClientCallbackExist'] as const;

const RESOURCE_NAME = /^[\w.\-:@[\]]{1,64}$/;

const isRequestId = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Reads a request's arguments; null when they are not one. The two dialects have the same event and differ only in
 * the third argument, so the shape decides: it is the 1.9+ `invoker` when it is a string that names a resource this
 * machine knows (`knows`), or `es_extended` (ESX's own fallback invoker). A pre-1.9 call whose first argument is
 * such a name would be misread; no other shape tells them apart (decision recorded in the README's ESX section).
 */
export function readRequest(args: unknown[], knows: (resource: string) => boolean): WireRequest | null {
  const [name, requestId, third] = args;
  if (typeof name !== 'string' || name === '' || !isRequestId(requestId)) return null;
  const isInvoker = typeof third === 'string' && RESOURCE_NAME.test(third) && (third === ESX_RESOURCE || knows(third));
  return isInvoker
    ? { name, requestId, dialect: 'invoker', invoker: third as string, args: args.slice(3) }
    : { name, requestId, dialect: 'legacy', args: args.slice(2) };
}

/** The reply event's arguments for `request`, in its dialect. */
export function replyArgs(request: WireRequest, values: unknown[]): ReplyArgsInvoker | ReplyArgsLegacy {
  return request.dialect === 'invoker' ? [request.requestId, request.invoker!, ...values] : [request.requestId, ...values];
}

/** A request we send (always the 1.9+ dialect: pre-1.9 had no client callbacks, and 1.9+ readers expect it). */
export function requestArgs(name: string, requestId: number, invoker: string, args: unknown[]): RequestArgsInvoker {
  return [name, requestId, invoker, ...args];
}

/** Reads a reply to one of our requests (1.9+ dialect: the invoker we sent comes back second); null if malformed. */
export function readReply(args: unknown[]): WireReply | null {
  const [requestId] = args;
  if (!isRequestId(requestId)) return null;
  return { requestId, values: args.slice(2) };
}
