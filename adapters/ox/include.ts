/**
 * The ox_lib family in JS resources on the in-resource TS engine (`@callback_bridge/dist/callbacks.js`, or
 * `createBridge` bundled): L1, caller side, the twin of adapters/ox/wire.lua's fallback. A call of the resource's
 * engine (any trigger, any queue) that ends in NOT_FOUND is tried once more over the ox wire, from this resource, with
 * what is left of its timeout (`engine.addFallback`), so it reaches handlers registered with unmodified
 * `lib.callback.register` or the JS package's `onServerCallback` / `onClientCallback`:
 *
 *   `ox_lib:validateCallback (name, <resource>, key)` then `__ox_cb_<name> (<resource>, key, ...args)`
 *   reply on `__ox_cb_<resource> (key, ...values)`; `'cb_invalid'` first: the engine's own NOT_FOUND after all.
 *
 * Only while someone validates names on that wire on this side, looked at when the call ends: ox_lib started
 * (`GetResourceState`), or the bridge standing in for it (asked of the bridge at most once a second: a script calling
 * unknown names in a loop must not pay an export call each time). Otherwise NOT_FOUND stays NOT_FOUND at once.
 *
 * The caller is the bridge's (caller.ts): unguessable keys, a server believes a reply only from the player asked,
 * local spoofs are dropped, a dropped player ends the call at once. On a client its two events per request share the
 * engine's event budget (pacing.ts).
 *
 * L1, handler side, the twin of the Lua alias's in-resource answering: every name the resource registers in its engine
 * answers unmodified ox callers in the resource itself (self-answer.ts), not through a hop into the bridge.
 */
import { BRIDGE_RESOURCE } from '../../src/engine/directory.ts';
import type { CallbackEngine } from '../../src/engine/engine.ts';
import type { JsPiece } from '../types.ts';
import { OxWireCaller, type Pace } from './caller.ts';
import { cfxWire, type OxWire } from './cfx.ts';
import { Pacer } from './pacing.ts';
import { OX_RESOURCE } from './protocol.ts';
import { answerOxInResource, releaseFromStandin } from './self-answer.ts';

declare const GetResourceState: (name: string) => string;
declare const exports: Record<string, Record<string, (...args: unknown[]) => unknown>>;

/** How long the bridge's answer "the ox stand-in runs" is kept, ms. */
const STANDIN_TTL_MS = 1000;

/** Where the piece looks whether the ox wire has someone to validate names (CitizenFX globals by default). */
export interface OxPresence {
  resourceState(name: string): string;
  /** The bridge's `GetAdapterModes()` export. */
  adapterModes(): unknown;
}

const cfxPresence: OxPresence = {
  resourceState: (name) => GetResourceState(name),
  adapterModes: () => exports[BRIDGE_RESOURCE].GetAdapterModes(),
};

/** Whether the ox wire is usable from this side now: ox_lib started, or the bridge stands in for it. */
export function oxWireAvailable(now: () => number, presence: OxPresence = cfxPresence): () => boolean {
  let standin = false;
  let askedAt = -Infinity;
  return () => {
    const state = presence.resourceState(OX_RESOURCE);
    if (state === 'started') return true;
    if (state !== 'missing' || presence.resourceState(BRIDGE_RESOURCE) !== 'started') return false;
    const at = now();
    if (at - askedAt >= STANDIN_TTL_MS) {
      askedAt = at;
      try {
        standin = (presence.adapterModes() as Record<string, unknown> | undefined)?.ox === 'standin';
      } catch {
        standin = false;
      }
    }
    return standin;
  };
}

/** Makes `engine` try the ox wire after NOT_FOUND (see above); returns the function that stops it. */
export function attachOxFallback(
  engine: CallbackEngine,
  wire: OxWire = cfxWire(engine.transport.side),
  available: () => boolean = oxWireAvailable(() => engine.transport.now()),
  pace: Pace = new Pacer(engine.outbox.events, () => engine.transport.now()).pace,
): () => void {
  /** Made at the first call over the ox wire: a resource that never needs it listens on nothing. */
  let caller: OxWireCaller | undefined;
  const remove = engine.addFallback((target, name, args, options, done) => {
    if (!available()) return false;
    caller ??= new OxWireCaller(engine, wire, { resource: engine.transport.resource, pace });
    caller.call(target, name, args, options.timeout, done);
    return true;
  });
  return () => {
    remove();
    caller?.close();
  };
}

/**
 * The piece `createBridge` runs on every new engine (adapters/index-js.ts); nothing outside a CitizenFX runtime. Both
 * halves share one wire, one look at the ox wire's presence and, on a client, the engine's event budget.
 */
export const oxJsPiece: JsPiece = (engine) => {
  if (typeof GetResourceState !== 'function') return;
  const wire = cfxWire(engine.transport.side);
  const available = oxWireAvailable(() => engine.transport.now());
  const pace = new Pacer(engine.outbox.events, () => engine.transport.now()).pace;
  attachOxFallback(engine, wire, available, pace);
  answerOxInResource(engine, wire, {
    available,
    pace,
    // Only the stand-in can take a name back; ox_lib itself would throw (or register it, §1.9).
    release: (name) => GetResourceState(OX_RESOURCE) === 'missing' && releaseFromStandin(name),
  });
};
