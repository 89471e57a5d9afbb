/**
 * Everything one engine sends in one tick, coalesced into one net event per (event, target), so a script that fires
 * 500 calls in one frame costs one event, not 500 (contract §6). On a client the events are paced under FiveM's
 * `netEvent` and `netEventSize` limiters; a frame too big for the reliable channel goes as a latent event.
 */
import { BoundedMemo } from '../core/bounded-memo.ts';
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
  /** Estimated msgpack size of `args` once sealed (payload-size.ts), bytes. */
  size: number;
  latent: boolean;
}

/**
 * Upper bound of a frame's fixed part: kind (1), id (≤ 5: ids stay in int32), count (1) or error code header (1).
 * Requests add their name, replies nothing more, errors their code and message.
 */
const FRAME_OVERHEAD = 8;

export class Outbox {
  /** Batches still being filled, by event then target (no key string made per frame)... */
  private readonly open = new Map<string, Map<number, OpenBatch>>();
  /** ...and in the order they were opened, which is the order they leave in. */
  private readonly opened: OpenBatch[] = [];
  /** Sealed batches (full, or a big frame alone) waiting to be sent, in order. */
  private readonly queue: OpenBatch[] = [];
  /**
   * Client only: events and reliable bytes per second (one key: a client only ever sends to the server). `events` is
   * the resource's whole event budget: whatever else the resource sends for the engine takes from it too.
   */
  readonly events: RateLimiter<number> | null;
  private readonly bytes: RateLimiter<number> | null;
  /** A batch's fixed part: the array header (≤ 5), version (1), sender name, end marker (1); the same for each. */
  private readonly batchBase: number;
  /** Encoded sizes of the callback names this engine calls (bounded: a script could make names up). */
  private readonly nameSizes = new BoundedMemo((name: string) => encodedSize(name));
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
    const client = transport.side === 'client';
    this.batchBase = 7 + encodedSize(transport.resource);
    this.events = client ? new RateLimiter(config.sendRate) : null;
    this.bytes = client ? new RateLimiter(config.sendBytes) : null;
  }

  get idle(): boolean {
    return this.opened.length === 0 && this.queue.length === 0;
  }

  request(event: string, target: number, id: number, name: string, args: ArrayLike<unknown>): void {
    const b = this.batchFor(event, target, FRAME_OVERHEAD + this.nameSizes.get(name) + argsSize(args));
    b.args.push(FrameKind.REQUEST, id, name, args.length);
    for (let i = 0; i < args.length; i++) b.args.push(args[i]);
  }

  reply(event: string, target: number, id: number, values: ArrayLike<unknown>, allowLatent: boolean): void {
    const b = this.batchFor(event, target, FRAME_OVERHEAD + argsSize(values), allowLatent);
    b.args.push(FrameKind.REPLY, id, values.length);
    for (let i = 0; i < values.length; i++) b.args.push(values[i]);
  }

  error(event: string, target: number, id: number, code: CallbackErrorCode, message: string): void {
    const b = this.batchFor(event, target, FRAME_OVERHEAD + encodedSize(code) + encodedSize(message));
    b.args.push(FrameKind.ERROR, id, code, message);
  }

  /**
   * Sends what the budget allows: sealed batches first, in order, then this tick's open ones. On a client, a batch
   * the budget cannot pay yet stays open and keeps filling, so everything a script calls while it waits leaves
   * together in one event: waiting never grows a backlog of small events. Returns true while anything waits.
   */
  flush(now: number): boolean {
    while (this.queue.length) {
      if (!this.pay(this.queue[0], now)) return true;
      this.send(this.queue.shift()!);
    }
    let sent = 0;
    while (sent < this.opened.length && this.pay(this.opened[sent], now)) this.close(this.opened[sent++]);
    if (sent === this.opened.length) this.opened.length = 0;
    else if (sent) this.opened.splice(0, sent);
    return this.opened.length > 0;
  }

  /** Drops whatever waits for `target` (a player who dropped). */
  forget(target: number): void {
    for (let i = this.opened.length - 1; i >= 0; i--) {
      const b = this.opened[i];
      if (b.target !== target) continue;
      this.unlist(b);
      this.opened.splice(i, 1);
    }
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].target === target) this.queue.splice(i, 1);
  }

  /** An open batch leaves: out of the lookup, then sent. */
  private close(b: OpenBatch): void {
    this.unlist(b);
    this.send(b);
  }

  private unlist(b: OpenBatch): void {
    const byTarget = this.open.get(b.event)!;
    byTarget.delete(b.target);
    // A made-up sender name (a reply event of its own) must leave nothing behind.
    if (byTarget.size === 0) this.open.delete(b.event);
  }

  /** Client pacing: charges one event, and the bytes of a reliable one, only when both buckets can pay. */
  private pay(b: OpenBatch, now: number): boolean {
    if (!this.events || !this.bytes) return true;
    // FiveM counts the event name (with its NUL) and the payload; a batch over the whole burst waits for a full bucket.
    const cost = b.latent ? 0 : Math.min(b.size + b.event.length + 1, this.bytes.burst);
    if (this.events.available(0, now) < 1 || this.bytes.available(0, now) < cost) return false;
    this.events.spend(0);
    this.bytes.spend(0, cost);
    return true;
  }

  private send(b: OpenBatch): void {
    b.args.push(END);
    this.transport.send(b.event, b.target, b.args, b.latent);
    if (b.latent) this.sent.latent++;
    else this.sent.reliable++;
  }

  /**
   * The batch a frame of `size` bytes joins: the open one for (event, target) while it stays under the latent
   * threshold, otherwise a new one; a frame bigger than the threshold travels alone, latent when allowed.
   */
  private batchFor(event: string, target: number, size: number, allowLatent = true): OpenBatch {
    this.wake();
    const limit = this.config.latentThreshold;
    if (size > limit) {
      const alone = this.newBatch(event, target, allowLatent);
      alone.size += size;
      this.queue.push(alone);
      return alone;
    }
    let byTarget = this.open.get(event);
    if (!byTarget) this.open.set(event, (byTarget = new Map()));
    let b = byTarget.get(target);
    if (b && b.size + size > limit) {
      // Full: sealed, it leaves before the batches opened after it (rare: 32 KiB of frames in one tick).
      this.opened.splice(this.opened.indexOf(b), 1);
      this.queue.push(b);
      b = undefined;
    }
    if (!b) {
      b = this.newBatch(event, target, false);
      byTarget.set(target, b);
      this.opened.push(b);
    }
    b.size += size;
    return b;
  }

  private newBatch(event: string, target: number, latent: boolean): OpenBatch {
    return { event, target, args: [PROTOCOL_VERSION, this.transport.resource], size: this.batchBase, latent };
  }
}
