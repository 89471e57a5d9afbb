/**
 * L1, handler side, inside a JS resource on the in-resource TS engine (`@callback_bridge/dist/callbacks.js`, or
 * `createBridge` bundled): every name that resource registers in its engine answers unmodified ox_lib callers
 * (`lib.callback.await`, the JS package's `triggerServerCallback` / `triggerClientCallback`) in the resource itself,
 * the twin of what the Lua ox alias does (adapters/ox/wire.lua `answer`). Without it the bridge answers them
 * (answer.ts), a cross-resource hop per call (contract §10: the hot path runs inside the resources that use it).
 *
 *   caller   → `__ox_cb_<name> (callerResource, key, ...args)`       (ref §1.3)
 *   resource → engine.serveHere: the responder serves it with this engine's handler, with every check (rate
 *              limit, payload size, schema, ACE, in flight), its metrics and its deadline; nothing leaves it
 *   resource → `__ox_cb_<callerResource> (key, ...values)` to that player (server) or to the server (client)
 *
 * Failures as answer.ts maps them: NOT_FOUND `'cb_invalid'`, a dropped player or a stopping resource nothing, any other
 * failure `(key)` alone (the ox caller gets nil, as after an ox handler error, §1.7).
 *
 * With the bridge (self-served.ts): `cbb:ox:engine (true)` when the engine starts, before any name is claimed, so the
 * bridge neither claims nor answers our names; `cbb:ox:self (name, true | false)` as names come and go; both again on
 * the bridge's `cbb:ox:hello`. With ox_lib: each name is claimed from this resource
 * (`exports.ox_lib:setValidCallback(name, true)`), so ox_lib records its real owner and drops it when we stop (§1.9).
 */
import type { CallbackEngine } from '../../src/engine/engine.ts';
import { BRIDGE_RESOURCE } from '../../src/engine/directory.ts';
import { isRequest, oxReplyValues } from './answer.ts';
import type { Pace } from './caller.ts';
import type { OxWire } from './cfx.ts';
import {
  HELLO_EVENT, OX_RESOURCE, requestEvent, responseEvent,
  SELF_ENGINE_EVENT, SELF_SERVED_EVENT,
} from './protocol.ts';

declare const exports: Record<string, Record<string, (...args: unknown[]) => unknown>>;

export interface SelfAnswerOptions {
  /** Whether someone validates names on the ox wire on this side now (include.ts `oxWireAvailable`). */
  available(): boolean;
  /** Runs a send of `cost` events within the engine's event budget (a client's pacer; the server sends at once). */
  pace?: Pace;
  /** Takes a name back from the ox stand-in (`setValidCallback(name, false)`); never called while ox_lib runs. */
  release?(name: string): void;
}

/**
 * Starts answering the ox wire for `engine`'s own names in this resource (see above); returns the function that stops.
 *
 * How it behaves where ox_lib and the bridge come and go:
 * - Announcements to the bridge go out whether or not ox runs: a local event per registration, and the bridge's ox
 *   adapter, attaching when ox_lib starts later, already knows our names are ours.
 * - Listening and claiming happen only while the ox wire is available (ox_lib started, or the bridge stands in for it).
 *   **ox_lib starting after our names were registered**: on its start event we claim every name from this resource
 *   and start listening; the same event after an ox_lib restart claims them again (its registry starts empty). The
 *   bridge's hello (its ox adapter attaching, stand-in included) also starts us. ox_lib stopping (and, under the
 *   stand-in, the bridge stopping) stops the listeners: nobody validates names then, as the bridge detaches too.
 * - Unregister: we stop listening and retract `cbb:ox:self (name, false)`. ox_lib cannot take a name back (§1.9:
 *   `setValidCallback(name, false)` throws), so it stays valid for us; the bridge then listens on it and answers
 *   `'cb_invalid'` (or relays, once another resource serves it). Under the stand-in we take it back (`release`).
 * - A callback named after this resource is left to the bridge: its request channel is our own response channel.
 */
export function answerOxInResource(engine: CallbackEngine, wire: OxWire, options: SelfAnswerOptions): () => void {
  const me = engine.transport.resource;
  const server = wire.side === 'server';
  const counters = engine.metrics.counters;
  const pace: Pace = options.pace ?? ((_cost, send) => send());
  const spoofed = () => void counters.spoofed++;
  /** Our names: name → the function that stops its listener (undefined while the ox wire is not available). */
  const names = new Map<string, (() => void) | undefined>();
  let active = false;

  const ours = (name: string, owner: string) => owner === me && name !== me && name !== BRIDGE_RESOURCE;

  const reply = (resource: string, player: number, key: string, values: unknown[]) =>
    pace(1, () => {
      // The player may have left while the handler ran or the reply waited for the budget.
      if (server && !wire.connected(player)) return;
      wire.send(responseEvent(resource), player, key, ...values);
    });

  const request = (name: string, from: number, event: unknown[]) => {
    if (!isRequest(event)) return void counters.malformed++;
    const [resource, key, ...args] = event;
    engine.serveHere(from, name, args, (outcome) => {
      const values = oxReplyValues(outcome);
      if (values) reply(resource, from, key, values);
    });
  };

  /** Claims `name` in ox_lib's registry from this resource and listens for its requests (once). */
  const serve = (name: string) => {
    if (names.get(name)) return;
    wire.setValid(name);
    names.set(name, wire.listenNet(requestEvent(name), (from, args) => request(name, from, args), spoofed));
  };

  const activate = () => {
    active = true;
    // A name already listened on is claimed again too: ox_lib may have restarted with an empty registry (§1.9).
    for (const name of names.keys()) {
      if (names.get(name)) wire.setValid(name);
      else serve(name);
    }
  };

  const deactivate = () => {
    active = false;
    for (const [name, stop] of names) {
      stop?.();
      names.set(name, undefined);
    }
  };

  const announce = () => {
    wire.emitLocal(SELF_ENGINE_EVENT, true);
    for (const name of names.keys()) wire.emitLocal(SELF_SERVED_EVENT, name, true);
  };

  const added = (name: string) => {
    if (names.has(name)) return; // replaced by its own resource: still ours, already listened on and claimed
    names.set(name, undefined);
    wire.emitLocal(SELF_SERVED_EVENT, name, true);
    if (active) serve(name);
  };

  const removed = (name: string) => {
    if (!names.has(name)) return;
    names.get(name)?.();
    names.delete(name);
    wire.emitLocal(SELF_SERVED_EVENT, name, false);
    if (active) options.release?.(name);
  };

  // First, before the resource's scripts can register anything (see SELF_ENGINE_EVENT in protocol.ts).
  wire.emitLocal(SELF_ENGINE_EVENT, true);
  const stopRegistry = engine.handlers.onChange((name, entry) => {
    if (entry && ours(name, entry.owner)) added(name);
    else removed(name);
  });
  for (const name of engine.handlers.names()) {
    const entry = engine.handlers.get(name)!;
    if (ours(name, entry.owner)) added(name);
  }
  if (options.available()) activate();

  const side = server ? 'Server' : 'Client';
  const stops = [
    stopRegistry,
    wire.listenLocal(HELLO_EVENT, (invoker) => {
      if (invoker !== BRIDGE_RESOURCE) return;
      announce();
      // The bridge's ox adapter is attaching: ox_lib runs or the bridge stands in for it, either way the wire is on.
      activate();
    }),
    wire.listenLocal(`on${side}ResourceStart`, (_invoker, [resource]) => {
      if (resource === OX_RESOURCE) activate();
    }),
    wire.listenLocal(`on${side}ResourceStop`, (_invoker, [resource]) => {
      // A restart within one tick shows ox_lib started here already: then the start event claims our names again.
      if ((resource === OX_RESOURCE || resource === BRIDGE_RESOURCE) && active && !options.available()) deactivate();
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    deactivate();
    names.clear();
  };
}

/** The stand-in's way to take back one of our names (ox_lib itself would throw, or register it, §1.9). */
export function releaseFromStandin(name: string): void {
  try {
    exports[OX_RESOURCE].setValidCallback(name, false);
  } catch {
    // No stand-in any more: nothing holds the name.
  }
}
