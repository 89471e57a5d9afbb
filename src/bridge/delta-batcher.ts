/**
 * Directory changes gathered for a tick and sent as one event (contract §6: a client stays under FiveM's net-event
 * limiters). A resource that registers 300 client callbacks as it starts costs one `cbb:announce`, not 300; the
 * server bridge's `cbb:dir` broadcasts are coalesced the same way.
 */
import { encodedSize } from '../core/payload-size.ts';
import { RateLimiter, type BucketLimits } from '../core/token-bucket.ts';
import type { DirectoryDelta } from '../engine/directory.ts';

export interface DeltaBatcherOptions {
  /** Sends one chunk as one event. */
  send(delta: DirectoryDelta): void;
  /** Runs `fn` once, on a later tick. */
  later(fn: () => void): void;
  /** Milliseconds, monotonic: for pacing. */
  now(): number;
  /** Events and bytes per second a client may spend on these; no pacing when absent (the server). */
  pace?: { events: BucketLimits; bytes: BucketLimits };
  /** Largest chunk: entries (the server bridge refuses more than 1000) and estimated msgpack bytes. */
  maxEntries?: number;
  maxBytes?: number;
}

/** A client's announcement budget: far under FiveM's 50 events/s and 128 KiB/s, beside the engines' own traffic. */
export const ANNOUNCE_PACE = { events: { rate: 5, burst: 10 }, bytes: { rate: 16 * 1024, burst: 64 * 1024 } };

export class DeltaBatcher {
  /** name → address (null: released); only the last change of a name in a tick matters. */
  private readonly changes = new Map<string, string | null>();
  private scheduled = false;
  private readonly events: RateLimiter<number> | null;
  private readonly bytes: RateLimiter<number> | null;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(private readonly options: DeltaBatcherOptions) {
    this.events = options.pace ? new RateLimiter(options.pace.events) : null;
    this.bytes = options.pace ? new RateLimiter(options.pace.bytes) : null;
    this.maxEntries = options.maxEntries ?? 1000;
    this.maxBytes = Math.min(options.maxBytes ?? 16 * 1024, options.pace?.bytes.burst ?? Infinity);
  }

  /** Queues changes; they leave on a later tick, together with every other change made until then. */
  push(delta: DirectoryDelta): void {
    for (const [name, address] of delta) {
      // Re-inserted so the final state of a name keeps its place after earlier changes of other names.
      this.changes.delete(name);
      this.changes.set(name, address);
    }
    this.schedule();
  }

  /** How many changes wait to be sent. */
  get size(): number {
    return this.changes.size;
  }

  private schedule(): void {
    if (this.scheduled || this.changes.size === 0) return;
    this.scheduled = true;
    this.options.later(() => {
      this.scheduled = false;
      this.flush();
      this.schedule();
    });
  }

  /** Sends at most one chunk: what fits in the size limits and, on a client, in the budget. */
  private flush(): void {
    const chunk: DirectoryDelta = [];
    let bytes = 5; // the array header
    for (const [name, address] of this.changes) {
      const size = encodedSize(name) + (address === null ? 1 : encodedSize(address)) + 1;
      if (size > this.maxBytes) {
        // No chunk could carry it (the server refuses names that long anyway): it must not block the rest.
        this.changes.delete(name);
        continue;
      }
      if (chunk.length > 0 && (chunk.length >= this.maxEntries || bytes + size > this.maxBytes)) break;
      chunk.push([name, address]);
      bytes += size;
    }
    if (!this.pay(bytes)) return;
    for (const [name] of chunk) this.changes.delete(name);
    this.options.send(chunk);
  }

  private pay(bytes: number): boolean {
    if (!this.events || !this.bytes) return true;
    const now = this.options.now();
    if (this.events.available(0, now) < 1 || this.bytes.available(0, now) < bytes) return false;
    this.events.take(0, now);
    this.bytes.take(0, now, bytes);
    return true;
  }
}
