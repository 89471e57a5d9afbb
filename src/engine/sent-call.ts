/**
 * A call an engine sent and waits on: its own entry in the engine's `pending` table (no closure per call but an
 * abort's). Split from engine.ts, which makes it; a NOT_FOUND goes on to the engine's fallbacks from here.
 */
import type { Group, Outcome, PendingRequest } from '../core/pending-requests.ts';
import type { CallOptions } from './config.ts';
import type { CallbackEngine } from './engine.ts';
import type { MetricsRow } from './metrics.ts';

/**
 * A call this engine sent, waiting in `pending`: its own `PendingRequest` and list node (no closure per call but an
 * abort's). A NOT_FOUND goes on to the engine's fallbacks from here. Its fields are `declare`d and assigned: the
 * bundles' target turns initialized class fields into a defineProperty call each, per call.
 */
export class SentCall implements PendingRequest {
  declare readonly engine: CallbackEngine;
  declare readonly id: number;
  declare readonly name: string;
  declare readonly player: number;
  declare readonly resource: string;
  declare readonly startedAt: number;
  declare readonly deadline: number;
  declare private readonly target: number;
  declare private readonly args: unknown[];
  declare private readonly options: CallOptions;
  declare private readonly then: (outcome: Outcome) => void;
  declare private onAbort: (() => void) | undefined;
  /** Its metrics row. */
  declare readonly row: MetricsRow;
  declare qprev: PendingRequest | null;
  declare qnext: PendingRequest | null;
  declare qgroup: Group | null;

  constructor(engine: CallbackEngine, id: number, target: number, name: string, args: unknown[], options: CallOptions, resource: string, startedAt: number, deadline: number, then: (outcome: Outcome) => void, row: MetricsRow) {
    this.engine = engine;
    this.id = id;
    this.name = name;
    this.player = engine.transport.side === 'server' ? target : 0;
    this.resource = resource;
    this.startedAt = startedAt;
    this.deadline = deadline;
    this.target = target;
    this.args = args;
    this.options = options;
    this.then = then;
    this.onAbort = undefined;
    this.row = row;
    this.qprev = this.qnext = this.qgroup = null;
  }

  /** Ends the call with the signal's reason when it aborts. */
  listen(signal: AbortSignal): void {
    this.onAbort = () => void this.engine.pending.settle(this.id, { ok: false, error: abortReason(signal) });
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  done(outcome: Outcome): void {
    if (this.onAbort) this.options.signal!.removeEventListener('abort', this.onAbort);
    this.engine.callEnded(this, outcome);
    const fallbacks = this.engine.fallbacks;
    if (fallbacks.wants(outcome, this.options)) fallbacks.after(this.target, this.name, this.args, this.options, this.deadline, outcome, this.then);
    else this.then(outcome);
  }
}

/** An abort signal's reason as an Error (a call ends with it). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  // The controller may come from another realm (the runtime's globals), where `instanceof Error` is false: any
  // error-like reason passes through unchanged, as `fetch` does.
  if (reason instanceof Error || (typeof reason === 'object' && reason !== null && typeof (reason as Error).message === 'string')) return reason as Error;
  return new Error(String(reason ?? 'aborted'));
}
