/**
 * L1, handler side: every callback served through the bridge on this side (any API, any resource) answers unmodified
 * ox_lib callers (`lib.callback.await`, the JS package's `triggerServerCallback` / `triggerClientCallback`).
 *
 *   caller → `__ox_cb_<name> (callerResource, key, ...args)`   (ref §1.3, §6 "Handler side")
 *   bridge → engine.callLocal(player, name, args) → the resource that serves it (or this engine)
 *   bridge → `__ox_cb_<callerResource> (key, ...values)` to that player (server) or to the server (client)
 *
 * Failures as ox_lib shows them: an unknown name replies `'cb_invalid'` (§1.8), every other failure `(key)` alone, so
 * the caller gets nil (§1.7); the reason stays in our console and metrics. Names a resource answers itself (a Lua ox
 * alias's, every name of a JS resource's own engine: self-answer.ts) are left to it (self-served.ts).
 */
import { CallbackError } from '../../src/core/errors.ts';
import type { Outcome } from '../../src/core/pending-requests.ts';
import { BRIDGE_RESOURCE } from '../../src/engine/directory.ts';
import type { AdapterContext } from '../types.ts';
import type { OxWire } from './cfx.ts';
import { CB_INVALID, RESOURCE_NAME, requestEvent, responseEvent, type RequestArgs } from './protocol.ts';
import type { SelfServed } from './self-served.ts';

export interface AnswerOptions {
  /** Makes `name` valid for ox callers: `exports.ox_lib:setValidCallback(name, true)` while ox_lib runs (§6), a no-op
   * for the stand-in (its `ox_lib:validateCallback` looks at the bridge's names directly). */
  claim(name: string): void;
  /** How long a relayed call may take, ms (`ox:callbackTimeout`: the ox caller waits that long). */
  timeout: number;
}

export interface Answering {
  /** Claims every name we answer again (ox_lib restarted with an empty registry, §1.9). */
  reclaim(): void;
  stop(): void;
}

/**
 * Whether `args` start with an ox request's `(callerResource, key)`. The resource names the event we reply on
 * (`__ox_cb_<resource>`), so only a resource name passes (issue: security).
 */
export function isRequest(args: unknown[]): args is RequestArgs {
  return typeof args[0] === 'string' && RESOURCE_NAME.test(args[0]) && typeof args[1] === 'string';
}

/**
 * What an ox caller gets for an outcome, after its key: the values; `'cb_invalid'` for NOT_FOUND (§1.8); nothing
 * for any other failure (the caller gets nil, §1.7). Null when nobody can take a reply (a dropped player, a stop).
 */
export function oxReplyValues(outcome: Outcome): unknown[] | null {
  if (outcome.ok) return outcome.values;
  const code = outcome.error instanceof CallbackError ? outcome.error.code : 'HANDLER_ERROR';
  if (code === 'PLAYER_DROPPED' || code === 'RESOURCE_STOPPED') return null;
  return code === 'NOT_FOUND' ? [CB_INVALID] : [];
}

/** Starts answering. */
export function answerOxCallers(ctx: AdapterContext, wire: OxWire, selfServed: SelfServed, { claim, timeout }: AnswerOptions): Answering {
  const counters = ctx.engine.metrics.counters;
  const spoofed = () => void counters.spoofed++;
  /** Names we listen on, once each. A name that stops being served keeps its listener (see `request`). */
  const listening = new Map<string, () => void>();

  const reply = (resource: string, player: number, key: string, ...values: unknown[]) => {
    if (ctx.side === 'server' && !wire.connected(player)) return;
    wire.send(responseEvent(resource), player, key, ...values);
  };

  const request = (name: string, from: number, event: unknown[]) => {
    if (!isRequest(event)) return void counters.malformed++;
    const [resource, key, ...args] = event;
    const address = ctx.addressOf(name);
    if (selfServed.serves(name, address)) return;
    // ox_lib cannot take a name out of its registry again (§1.9: setValidCallback(name, false) throws), so a name we
    // claimed stays valid there after its owner stopped: we answer what ox_lib would have, instead of letting the
    // caller wait out its 300 s.
    if (address === undefined) return reply(resource, from, key, CB_INVALID);
    ctx.engine.callLocal(from, name, args, { timeout }, (outcome) => {
      const values = oxReplyValues(outcome);
      if (values) reply(resource, from, key, ...values);
    });
  };

  /** Names we made valid in ox_lib's registry ourselves (a listener may exist without it, see `onRetract`). */
  const claimed = new Set<string>();

  const listen = (name: string) => {
    // `__ox_cb_callback_bridge` is our own response channel (caller.ts): a callback of that name cannot have it.
    if (name === BRIDGE_RESOURCE || listening.has(name)) return;
    listening.set(name, wire.listenNet(requestEvent(name), (from, args) => request(name, from, args), spoofed));
  };

  const serve = (name: string) => {
    if (name === BRIDGE_RESOURCE || selfServed.serves(name, ctx.addressOf(name))) return;
    if (!claimed.has(name)) {
      claimed.add(name);
      claim(name);
    }
    listen(name);
  };

  for (const [name, address] of ctx.names()) if (address) serve(name);
  const stopWatching = ctx.onNamesChanged((delta) => {
    for (const [name, address] of delta) if (address) serve(name);
  });
  // A resource unregistered a name it answered itself: ox_lib keeps it valid, owned by that resource, so from now on we
  // answer it as any name whose owner went ('cb_invalid', or a relay once someone serves it again), without claiming.
  selfServed.onRetract(listen);

  return {
    reclaim() {
      for (const name of listening.keys()) {
        const address = ctx.addressOf(name);
        if (address !== undefined && !selfServed.serves(name, address)) claim(name);
      }
    },
    stop() {
      stopWatching();
      claimed.clear();
      for (const stop of listening.values()) stop();
      listening.clear();
    },
  };
}
