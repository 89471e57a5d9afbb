/**
 * L1, caller side: bridge triggers reach handlers that unmodified resources registered with `lib.callback.register`
 * (or the JS package's `onServerCallback` / `onClientCallback`), which only the ox wire knows.
 *
 * The rule: a call the bridge's own engine makes (the native exports, stand-in exports of other families) that ends in
 * NOT_FOUND is tried once more over the ox wire, from this side, with what is left of its timeout:
 *
 *   `ox_lib:validateCallback (name, 'callback_bridge', key)` then `__ox_cb_<name> ('callback_bridge', key, ...args)`
 *   reply on `__ox_cb_callback_bridge (key, ...values)`; `'cb_invalid'` first means NOT_FOUND after all (§6).
 *
 * Improving on ox (§1.10, #826): keys are unguessable, a reply on the server is believed only from the player the
 * request went to, a client drops local spoofs, a dropped player ends the call at once, and every call has a timeout.
 * In-resource engines do the same in their own resource, as callers named after it: Lua ones (`@callback_bridge/import.lua`)
 * in adapters/ox/wire.lua, JS ones (`dist/callbacks.js`, `createBridge`) with this class (include.ts).
 */
import { CallbackError, type CallbackErrorCode } from '../../src/core/errors.ts';
import type { Outcome } from '../../src/core/pending-requests.ts';
import { BRIDGE_RESOURCE } from '../../src/engine/directory.ts';
import type { CallbackEngine } from '../../src/engine/engine.ts';
import type { OxWire } from './cfx.ts';
import { CB_INVALID, newKey, requestEvent, responseEvent, VALIDATE_EVENT } from './protocol.ts';

/** Runs `send`, which sends `cost` events, now or later in order (pacing.ts); the bridge sends at once. */
export type Pace = (cost: number, send: () => void) => void;

export interface CallerOptions {
  /** The caller's resource: it names the response channel `__ox_cb_<resource>` (default: the bridge). */
  resource?: string;
  pace?: Pace;
}

interface Call {
  name: string;
  /** The player it went to (server), 0 on a client. */
  player: number;
  startedAt: number;
  timer: ReturnType<typeof setTimeout>;
  done: (outcome: Outcome) => void;
}

export class OxWireCaller {
  private readonly pending = new Map<string, Call>();
  private readonly stops: Array<() => void> = [];
  private readonly resource: string;
  private readonly pace: Pace;

  constructor(
    private readonly engine: CallbackEngine,
    private readonly wire: OxWire,
    { resource = BRIDGE_RESOURCE, pace = (_cost, send) => send() }: CallerOptions = {},
  ) {
    this.resource = resource;
    this.pace = pace;
    const counters = engine.metrics.counters;
    this.stops.push(
      wire.listenNet(responseEvent(resource), (from, [key, ...values]) => {
        const call = typeof key === 'string' ? this.pending.get(key) : undefined;
        if (!call) return void counters.lateReplies++;
        // ox_lib's server believes any player's reply (#826); we only the target's.
        if (wire.side === 'server' && from !== call.player) return void counters.forgedReplies++;
        if (values[0] === CB_INVALID) this.settle(key as string, this.failure('NOT_FOUND', call.name));
        else this.settle(key as string, { ok: true, values });
      }, () => void counters.spoofed++),
    );
    if (wire.side === 'server') {
      this.stops.push(
        wire.listenLocal('playerDropped', () => {
          const player = wire.droppedPlayer();
          for (const [key, call] of this.pending) if (call.player === player) this.settle(key, this.failure('PLAYER_DROPPED', call.name));
        }),
      );
    }
  }

  /** Calls `name` over the ox wire (`target`: the player on the server). `done` runs once. */
  call(target: number, name: string, args: unknown[], timeout: number, done: (outcome: Outcome) => void): void {
    const player = this.wire.side === 'server' ? target : 0;
    if (!this.wire.connected(player)) return done(this.failure('PLAYER_DROPPED', name));
    const key = newKey(name);
    const metrics = this.engine.metrics;
    metrics.started('caller', name);
    const timer = setTimeout(() => this.settle(key, this.failure('TIMEOUT', name)), Math.max(0, timeout));
    this.pending.set(key, { name, player, startedAt: this.engine.transport.now(), timer, done });
    this.pace(2, () => {
      if (!this.pending.has(key)) return; // ended while it waited for the budget
      this.wire.send(VALIDATE_EVENT, player, name, this.resource, key);
      this.wire.send(requestEvent(name), player, this.resource, key, ...args);
    });
  }

  /** Ends every call (the adapter detaches: nobody listens for their replies any more). */
  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const [key, call] of this.pending) this.settle(key, this.failure('RESOURCE_STOPPED', call.name));
  }

  private failure(code: CallbackErrorCode, name: string): Outcome {
    return { ok: false, error: new CallbackError(code, name) };
  }

  private settle(key: string, outcome: Outcome): void {
    const call = this.pending.get(key);
    if (!call) return;
    this.pending.delete(key);
    clearTimeout(call.timer);
    const code = outcome.ok ? undefined : (outcome.error as CallbackError).code;
    this.engine.metrics.finished('caller', call.name, this.engine.transport.now() - call.startedAt, code);
    call.done(outcome);
  }
}

/**
 * Makes the bridge engine try the ox wire after NOT_FOUND (see the rule above), through `engine.addFallback`: with
 * what is left of the call's timeout; still NOT_FOUND there, the call ends with the engine's own. Returns the function
 * that undoes it.
 */
export function fallBackToOxWire(engine: CallbackEngine, caller: OxWireCaller): () => void {
  return engine.addFallback((target, name, args, options, done) => {
    // `__ox_cb_callback_bridge` is our response channel, not a callback (answer.ts never serves that name either).
    if (name === BRIDGE_RESOURCE) return false;
    caller.call(target, name, args, options.timeout, done);
    return true;
  });
}
