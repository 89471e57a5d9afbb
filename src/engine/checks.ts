/**
 * The checks a request passes before its handler runs, small and in a fixed order (contract §6): rate limit,
 * payload size, schema, ACE permission, requests in flight. The first that fails answers the caller with its code,
 * and the handler never runs.
 */
import type { CallbackErrorCode } from '../core/errors.ts';
import { requestSize } from '../core/payload-size.ts';
import { RateLimiter } from '../core/token-bucket.ts';
import { validate, type ValidationResult } from '../core/validation.ts';
import type { EngineConfig } from './config.ts';
import type { RegisteredCallback } from './handlers.ts';
import type { Transport } from './transport.ts';

/** A failed check: the code, and a message safe to show the caller. */
export interface Refusal {
  code: CallbackErrorCode;
  message?: string;
}

export class RequestChecks {
  /** Per callback name: one bucket per player. */
  private readonly limiters = new Map<string, RateLimiter<number>>();
  /** Requests running in this engine's handlers, per player and in all. */
  private readonly running = new Map<number, number>();
  private total = 0;

  constructor(
    private readonly config: EngineConfig,
    private readonly transport: Transport,
  ) {}

  /**
   * Runs the checks in the contract's order for a request from `from` (0 on a client); synchronous unless a Standard
   * Schema answers asynchronously. Called once per request: a plain sequence, nothing made per call.
   */
  run(from: number, callback: RegisteredCallback, args: unknown[], now: number): Refusal | null | Promise<Refusal | null> {
    const early = this.rateLimit(from, callback, now) ?? this.payloadSize(callback, args);
    if (early) return early;
    const schema = this.schema(callback, args);
    if (schema instanceof Promise) return schema.then((r) => r ?? this.afterSchema(from, callback));
    return schema ?? this.afterSchema(from, callback);
  }

  private afterSchema(from: number, callback: RegisteredCallback): Refusal | null {
    return this.permission(from, callback) ?? this.inFlight(from);
  }

  private rateLimit(from: number, callback: RegisteredCallback, now: number): Refusal | null {
    const limits = callback.options.rateLimit;
    if (limits === false || !from) return null;
    let limiter = this.limiters.get(callback.name);
    if (!limiter) this.limiters.set(callback.name, (limiter = new RateLimiter(limits ?? this.config.rateLimit)));
    return limiter.take(from, now) ? null : { code: 'RATE_LIMITED' };
  }

  private payloadSize(callback: RegisteredCallback, args: unknown[]): Refusal | null {
    const max = callback.options.maxPayload ?? this.config.maxPayload;
    return requestSize(args, max) > max ? { code: 'PAYLOAD_TOO_LARGE' } : null;
  }

  private schema(callback: RegisteredCallback, args: unknown[]): Refusal | null | Promise<Refusal | null> {
    const schema = callback.options.validate;
    if (!schema) return null;
    let result: ValidationResult | Promise<ValidationResult>;
    try {
      result = validate(args[0], schema);
    } catch {
      // A schema that throws refuses the call; it must not break the rest of the batch it came in.
      return { code: 'INVALID_ARGUMENTS', message: 'the schema failed' };
    }
    const refuse = (r: ValidationResult): Refusal | null =>
      r.valid ? null : { code: 'INVALID_ARGUMENTS', message: r.errors.join('; ') };
    return result instanceof Promise ? result.then(refuse, () => ({ code: 'INVALID_ARGUMENTS' })) : refuse(result);
  }

  private permission(from: number, callback: RegisteredCallback): Refusal | null {
    const ace = callback.options.permission;
    if (!ace || !from) return null;
    return this.transport.allowed(from, ace) ? null : { code: 'FORBIDDEN' };
  }

  private inFlight(from: number): Refusal | null {
    if (this.total >= this.config.maxInFlightTotal) return { code: 'BUSY' };
    if (from && (this.running.get(from) ?? 0) >= this.config.maxInFlightPerPlayer) return { code: 'BUSY' };
    return null;
  }

  /** A handler started; pair every call with `end`. */
  begin(): void {
    this.total++;
  }

  end(): void {
    this.total = Math.max(0, this.total - 1);
  }

  /**
   * A handler of `from`'s returned without answering and keeps running: it counts against their in-flight limit
   * until `release`. One that answered before it returned (the usual case) never held a slot another request could
   * have seen, so the per-player table is touched only by handlers that wait.
   */
  hold(from: number): void {
    if (from) this.running.set(from, (this.running.get(from) ?? 0) + 1);
  }

  release(from: number): void {
    if (!from) return;
    const n = (this.running.get(from) ?? 1) - 1;
    if (n > 0) this.running.set(from, n);
    else this.running.delete(from);
  }

  /** Forgets a player who dropped (their buckets and counts). */
  forgetPlayer(player: number): void {
    for (const limiter of this.limiters.values()) limiter.forget(player);
  }

  /** Forgets the buckets of callbacks that are gone. */
  forgetCallback(name: string): void {
    this.limiters.delete(name);
  }

  /** Whether any player's rate bucket is kept: the engine ticks on until the sweep has freed them all. */
  get holding(): boolean {
    if (this.limiters.size === 0) return false;
    for (const limiter of this.limiters.values()) if (limiter.size > 0) return true;
    return false;
  }

  /** Frees buckets that refilled completely; the engine's tick calls it every few seconds. */
  sweep(now: number): void {
    if (this.limiters.size === 0) return;
    for (const limiter of this.limiters.values()) limiter.sweep(now);
  }
}
