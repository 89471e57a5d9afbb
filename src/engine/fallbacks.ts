/**
 * Last tries for calls that end in NOT_FOUND (`CallbackEngine.addFallback`). The engine knows no framework: an adapter
 * that knows another way to reach a name (a framework's own wire) adds a fallback, and every call of the engine, of
 * any API, gets it. Twin: `lua/fallbacks.lua`.
 */
import { CallbackError } from '../core/errors.ts';
import type { Outcome } from '../core/pending-requests.ts';
import type { CallOptions } from './config.ts';

/**
 * Tries `name` another way after the engine's own call ended in NOT_FOUND. `options` are the call's, with `timeout`
 * set to what is left of its deadline (0 or less when nothing is left). Returns false to decline, synchronously and
 * without calling `done`; true when it took the call: `done` then runs exactly once. Its NOT_FOUND passes the call on
 * to the next fallback; after the last one the call ends with the engine's own NOT_FOUND. Metrics are its own.
 */
export type CallFallback = (
  target: number,
  name: string,
  args: unknown[],
  options: CallOptions & { timeout: number },
  done: (outcome: Outcome) => void,
) => boolean;

const isNotFound = (o: Outcome) => !o.ok && o.error instanceof CallbackError && o.error.code === 'NOT_FOUND';

export class CallFallbacks {
  /** Replaced, never changed in place: a removal during a call's tries does not shift the list it walks. */
  private list: readonly CallFallback[] = [];

  constructor(private readonly now: () => number) {}

  add(fn: CallFallback): () => void {
    this.list = [...this.list, fn];
    return () => void (this.list = this.list.filter((f) => f !== fn));
  }

  /**
   * The `done` a call started now, with `timeout` ms to live, should end with: `done` itself while there is no
   * fallback (nothing added per call), else `done` behind the fallbacks (those present when the call ends). An
   * aborted call is not tried again.
   */
  around(target: number, name: string, args: unknown[], options: CallOptions, timeout: number, done: (outcome: Outcome) => void): (outcome: Outcome) => void {
    if (this.list.length === 0) return done;
    const deadline = this.now() + timeout;
    return (outcome) => this.after(target, name, args, options, deadline, outcome, done);
  }

  /** Whether a call that ended with `outcome` goes on to the fallbacks (there are some, it is NOT_FOUND, not aborted). */
  wants(outcome: Outcome, options: CallOptions): boolean {
    return this.list.length > 0 && isNotFound(outcome) && !options.signal?.aborted;
  }

  /**
   * Ends a call that ended with `outcome`, its deadline at `deadline`: through the fallbacks (those present now) when
   * `wants` says so, else at once. `around` without a closure made per call (the engine's calls without retries).
   */
  after(target: number, name: string, args: unknown[], options: CallOptions, deadline: number, outcome: Outcome, done: (outcome: Outcome) => void): void {
    if (!this.wants(outcome, options)) return done(outcome);
    const list = this.list;
    const from = (first: number): void => {
      for (let i = first; i < list.length; i++) {
        const next = i + 1;
        const rest = { ...options, timeout: deadline - this.now() };
        if (list[i](target, name, args, rest, (second) => (isNotFound(second) ? from(next) : done(second)))) return;
      }
      done(outcome);
    };
    from(0);
  }
}
