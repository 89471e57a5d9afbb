/**
 * Calls between resources on the same machine (twin: lua/localcalls.lua). The legacy-wire adapters need them (an
 * unmodified ESX caller reaches a handler that lives in another resource's engine through ESX's own registry, whose
 * entry relays here), and so does KOJA's server-local `TriggerCallback`. Not the hot path: each one is a local event
 * carrying a reply function (one cross-resource hop each way).
 *
 *   cbb:local:<resource>   (player, name, argc, ...args, reply)
 *   reply(true, count, ...values) | reply(false, code, message)
 *   (the count keeps trailing nils, which a function-reference call into Lua would drop, ref §2.4)
 *
 * The bridge passes on a call for a name it does not serve itself to the engine its ownership record names.
 */
import { isCallbackErrorCode } from '../core/errors.ts';
import { FrameKind, MAX_ARGS, type RequestFrame } from '../protocol/frames.ts';
import type { Coordinator } from './directory.ts';
import type { HandlerRegistry } from './handlers.ts';
import type { MetricsTable } from './metrics.ts';
import type { Responder } from './responder.ts';
import type { Transport } from './transport.ts';

export const localEvent = (resource: string) => `cbb:local:${resource}`;

export type LocalReply = (ok: boolean, ...rest: unknown[]) => unknown;

const MAX_VALUES = MAX_ARGS;

interface LocalCall {
  player: number;
  frame: RequestFrame;
  reply: LocalReply;
}

/** Reads a local call's arguments; null when they are not one. */
export function readLocalCall(args: unknown[]): LocalCall | null {
  const [player, name, argc] = args;
  if (typeof player !== 'number' || !Number.isSafeInteger(player) || player < 0 || typeof name !== 'string') return null;
  if (typeof argc !== 'number' || !Number.isInteger(argc) || argc < 0 || argc > MAX_ARGS) return null;
  const reply = args[3 + argc];
  if (typeof reply !== 'function') return null;
  // Trailing nils may not survive a local event: the count says how many arguments there are.
  const values = Array.from({ length: argc }, (_, i) => args[3 + i] ?? null);
  return { player, frame: { kind: FrameKind.REQUEST, id: 0, name, args: values }, reply: reply as LocalReply };
}

/** The arguments of a local call event. */
export function localCallArgs(player: number, name: string, args: unknown[], reply: LocalReply): unknown[] {
  return [player, name, args.length, ...args, reply];
}

/** Turns a local reply back into an outcome's parts: [ok, values] or [false, code, message]. */
export function readLocalReply(ok: unknown, rest: unknown[]): { ok: true; values: unknown[] } | { ok: false; code: string; message: string } {
  if (ok === true) {
    const n = typeof rest[0] === 'number' && Number.isInteger(rest[0]) && rest[0] >= 0 ? Math.min(rest[0], MAX_VALUES) : rest.length;
    return { ok: true, values: Array.from({ length: n }, (_, i) => rest[1 + i] ?? null) };
  }
  const code = isCallbackErrorCode(rest[0]) ? rest[0] : 'HANDLER_ERROR';
  return { ok: false, code, message: typeof rest[1] === 'string' ? rest[1] : '' };
}

export interface LocalCallDeps {
  transport: Transport;
  coordinator: Coordinator;
  handlers: HandlerRegistry;
  responder: Responder;
  metrics: MetricsTable;
}

/** Serves local calls addressed to this engine (from any resource on this machine: server code is trusted). */
export function listenLocalCalls({ transport, coordinator, handlers, responder, metrics }: LocalCallDeps): void {
  transport.onLocal(localEvent(transport.resource), (_invoker, args) => {
    const call = readLocalCall(args);
    if (!call) return void metrics.counters.malformed++;
    if (!handlers.has(call.frame.name)) {
      const address = coordinator.localAddress?.(call.frame.name);
      if (address && address !== transport.resource) return transport.emitLocal(localEvent(address), ...args);
    }
    responder.handle({ player: call.player, resource: transport.resource, local: call.reply }, call.frame);
  });
}
