/**
 * Everything one engine sends in one tick, coalesced into one net event per (event, target), so a script that fires
 * 500 calls in one frame costs one event, not 500 (contract §6). On a client the events are paced under FiveM's
 * `netEvent` limiter; a frame too big for the reliable channel goes as a latent event.
 */
import { argsSize, encodedSize } from '../core/payload-size.ts';
import { RateLimiter } from '../core/token-bucket.ts';
import type { CallbackErrorCode } from '../core/errors.ts';
import { END, FrameKind, PROTOCOL_VERSION } from '../protocol/frames.ts';
import type { EngineConfig } from './config.ts';
import type { Transport } from './transport.ts';

interface OpenBatch {
  event: string;
  target: number;
  args: unknown[];
  size: number;
  latent: boolean;
}

/** Every batch's fixed part: version, sender, end marker. */
const BATCH_OVERHEAD = 48;

export class Outbox {
  /** Batches still being filled, by `event|target`. */
  private readonly open = new Map<string, OpenBatch>();
  /** Sealed batches waiting for the send budget (client pacing), in order. */
  private readonly queue: OpenBatch[] = [];
  private readonly budget: RateLimiter<number> | null;
  /** Events sent so far, reliable and latent (for metrics and tests). */
  sent = { reliable: 0, latent: 0 };

  /**
   * `wake` runs whenever a frame is queued, so a frame queued outside the engine's tick and outside a net event (an
   * answer after an asynchronous schema check, a timer) still gets flushed.
   */
  constructor(
    private readonly transport: Transport,
    private readonly config: EngineConfig,
    private readonly wake: () => void = () => undefined,
  ) {
    this.budget = transport.side === 'client' ? new RateLimiter(config.sendRate) : null;
  }

  get idle(): boolean {
    return this.open.size === 0 && this.queue.length === 0;
  }

  request(event: string, target: number, id: number, name: string, args: ArrayLike<unknown>): void {
    const b = this.batchFor(event, target, encodedSize(name) + argsSize(args) + 12);
    b.args.push(FrameKind.REQUEST, id, name, args.length);
    for (let i = 0; i < args.length; i++) b.args.push(args[i]);
  }

  reply(event: string, target: number, id: number, values: ArrayLike<unknown>, allowLatent: boolean): void {
    const b = this.batchFor(event, target, argsSize(values) + 10, allowLatent);
    b.args.push(FrameKind.REPLY, id, values.length);
    for (let i = 0; i < values.length; i++) b.args.push(values[i]);
  }

  error(event: string, target: number, id: number, code: CallbackErrorCode, message: string): void {
    const b = this.batchFor(event, target, message.length + code.length + 12);
    b.args.push(FrameKind.ERROR, id, code, message);
  }

  /** Seals this tick's batches and sends what the budget allows; returns true while anything waits. */
  flush(now: number): boolean {
    for (const b of this.open.values()) this.queue.push(b);
    this.open.clear();
    while (this.queue.length) {
      const b = this.queue[0];
      if (this.budget && !b.latent && !this.budget.take(0, now)) break;
      this.queue.shift();
      b.args.push(END);
      this.transport.send(b.event, b.target, b.args, b.latent);
      if (b.latent) this.sent.latent++;
      else this.sent.reliable++;
    }
    return this.queue.length > 0;
  }

  /** Drops whatever waits for `target` (a player who dropped). */
  forget(target: number): void {
    for (const [key, b] of this.open) if (b.target === target) this.open.delete(key);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].target === target) this.queue.splice(i, 1);
  }

  /**
   * The batch a frame of `size` bytes joins: the open one for (event, target) while it stays under the latent
   * threshold, otherwise a new one; a frame bigger than the threshold travels alone, latent when allowed.
   */
  private batchFor(event: string, target: number, size: number, allowLatent = true): OpenBatch {
    const key = `${event}|${target}`;
    const limit = this.config.latentThreshold;
    if (size > limit) {
      const alone = this.newBatch(event, target, allowLatent);
      alone.size += size;
      this.queue.push(alone);
      this.wake();
      return alone;
    }
    this.wake();
    let b = this.open.get(key);
    if (b && b.size + size > limit) {
      this.queue.push(b);
      b = undefined;
    }
    if (!b) {
      b = this.newBatch(event, target, false);
      this.open.set(key, b);
    }
    b.size += size;
    return b;
  }

  private newBatch(event: string, target: number, latent: boolean): OpenBatch {
    return { event, target, args: [PROTOCOL_VERSION, this.transport.resource], size: BATCH_OVERHEAD, latent };
  }
}
