/**
 * What an engine does for and with the bridge resource, besides claiming names (twin: lua/bridgelink.lua):
 *
 * - **Forwarded requests.** A caller whose directory replica does not know a name's owner yet (a script calling at
 *   load time, before the bridge's hello reply) addresses `callback_bridge`. The bridge does not answer NOT_FOUND for
 *   a name its ownership record knows: it re-raises the request locally as `cbb:fwd:<owner>` with
 *   `(player, callerResource, id, name, argc, ...args)`, and the owning engine serves it exactly as a request from
 *   that player, replying straight to `cbb:r:<callerResource>`. Only the bridge may raise it: any resource could
 *   raise a local event to pose as a player.
 * - **Bridge restarts.** A restarted bridge starts with an empty ownership record, so every engine claims its names
 *   again and rebuilds its directory replica.
 */
import { FrameKind, MAX_ARGS, type RequestFrame } from '../protocol/frames.ts';
import { BRIDGE_RESOURCE, type Coordinator } from './directory.ts';
import type { HandlerRegistry } from './handlers.ts';
import type { MetricsTable } from './metrics.ts';
import type { Origin, Responder } from './responder.ts';
import type { Transport } from './transport.ts';

export const forwardEvent = (resource: string) => `cbb:fwd:${resource}`;

/** A resource name as FiveM allows them (frames.ts reads FROM with the same rule). */
const RESOURCE_NAME = /^[\w.\-:@\[\]]{1,64}$/;

/** The bridge's side: hands a request it does not serve to `address`, the engine that does. */
export function forwardRequest(transport: Transport, address: string, origin: Origin, frame: RequestFrame): void {
  transport.emitLocal(forwardEvent(address), origin.player, origin.resource, frame.id, frame.name, frame.args.length, ...frame.args);
}

/** Reads a forwarded request; null when it is not one (the bridge never sends those, so nothing is answered). */
export function readForward(args: unknown[]): { origin: Origin; frame: RequestFrame } | null {
  const [player, resource, id, name, argc] = args;
  if (typeof player !== 'number' || !Number.isSafeInteger(player) || player < 0) return null;
  if (typeof resource !== 'string' || !RESOURCE_NAME.test(resource)) return null;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || typeof name !== 'string') return null;
  if (typeof argc !== 'number' || !Number.isInteger(argc) || argc < 0 || argc > MAX_ARGS) return null;
  // Trailing nils may not survive the local event: the count says how many arguments there are.
  const values = Array.from({ length: argc }, (_, i) => args[5 + i] ?? null);
  return { origin: { player, resource }, frame: { kind: FrameKind.REQUEST, id, name, args: values } };
}

export interface BridgeLinkDeps {
  transport: Transport;
  coordinator: Coordinator;
  handlers: HandlerRegistry;
  responder: Responder;
  metrics: MetricsTable;
  wake(): void;
}

/** Listens for forwarded requests and for the bridge (re)starting. */
export function linkBridge({ transport, coordinator, handlers, responder, metrics, wake }: BridgeLinkDeps): void {
  const server = transport.side === 'server';
  transport.onLocal(forwardEvent(transport.resource), (invoker, args) => {
    if (invoker !== BRIDGE_RESOURCE) return void metrics.counters.spoofed++;
    const request = readForward(args);
    if (!request) return void metrics.counters.malformed++;
    // On a client the only peer is the server (player 0); on the server the player must still be there.
    if (!server) request.origin.player = 0;
    else if (request.origin.player === 0 || !transport.connected(request.origin.player)) return;
    responder.handle(request.origin, request.frame);
    wake();
  });
  transport.onResourceStarted?.((name) => {
    if (name !== BRIDGE_RESOURCE || transport.resource === BRIDGE_RESOURCE) return;
    coordinator.refresh?.();
    for (const name of handlers.names()) {
      const cb = handlers.get(name)!;
      const claim = coordinator.claim(name, cb.owner, !!cb.options.allowOverride, transport.resource);
      if (!claim.ok) transport.log('warn', `callback '${name}' of ${cb.owner} could not be claimed again after ${BRIDGE_RESOURCE} restarted: ${claim.owner} holds it now`);
    }
  });
}
