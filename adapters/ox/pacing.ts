/**
 * On a client, the ox wire shares the engine's event budget (`callback_bridge:sendRate` / `sendBurst`, the engine's
 * `outbox.events`), as adapters/ox/wire.lua does for Lua resources. The ox wire costs two events per request and
 * cannot coalesce them, so a script firing 100 calls at an unmigrated handler would otherwise send 200 events in one
 * frame, past FiveM's netEvent burst (ref citizenfx-runtime §3: dropped beyond it, kicked beyond netEventFlood).
 * A send the budget cannot pay yet waits, in order, and goes in a later tick. On the server nothing is paced.
 */
import type { RateLimiter } from '../../src/core/token-bucket.ts';
import type { Pace } from './caller.ts';

export class Pacer {
  private readonly backlog: Array<{ cost: number; send: () => void }> = [];
  private pumping = false;

  /** `events`: the engine's budget (`engine.outbox.events`, null on the server). */
  constructor(
    private readonly events: RateLimiter<number> | null,
    private readonly now: () => number,
  ) {}

  /** Runs `send` (which sends `cost` events) now when the budget allows and nothing waits before it, else later. */
  readonly pace: Pace = (cost, send) => {
    const events = this.events;
    if (!events) return send();
    // More than a whole burst could never be paid: it waits for a full bucket instead.
    cost = Math.min(cost, events.burst);
    if (this.backlog.length === 0 && events.take(0, this.now(), cost)) return send();
    this.backlog.push({ cost, send });
    if (!this.pumping) this.pump(events);
  };

  private pump(events: RateLimiter<number>): void {
    this.pumping = true;
    setTimeout(() => {
      const now = this.now();
      while (this.backlog.length > 0 && events.take(0, now, this.backlog[0].cost)) this.backlog.shift()!.send();
      if (this.backlog.length > 0) this.pump(events);
      else this.pumping = false;
    }, 0);
  }
}
