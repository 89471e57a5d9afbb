/**
 * FXServer's keyed token buckets and the net-event limiters built on them (ref §3).
 *
 * Time is always passed in as milliseconds: the emulation feeds virtual time, the HTTP server feeds real time.
 * Nothing in this file reads a clock.
 */

/** One rate/burst pair: `rate` tokens per second, at most `burst` tokens banked. */
export interface LimiterSettings {
  readonly rate: number;
  readonly burst: number;
}

/** Options of {@link KeyedRateLimiter}. */
export interface KeyedRateLimiterOptions extends LimiterSettings {
  /** Buckets kept at most; beyond it the least recently used key is forgotten. Default 4000 (ref §3). */
  readonly maxKeys?: number;
}

interface Bucket {
  tokens: number;
  /** Time (ms) up to which `tokens` is settled. */
  at: number;
}

/** Throws unless `value` is a finite number > 0; a zero rate or burst would make every bucket dead. */
function positive(what: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${what} must be a finite number > 0, got ${value}`);
  return value;
}

/**
 * A token bucket per key (a client net id, a remote IP...). A new key starts full (`burst` tokens), gains `rate`
 * tokens per second of the time passed to {@link consume}, and never holds more than `burst`.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string | number, Bucket>();
  private readonly maxKeys: number;
  private _rate: number;
  private _burst: number;

  constructor(opts: KeyedRateLimiterOptions) {
    this._rate = positive('rate', opts.rate);
    this._burst = positive('burst', opts.burst);
    this.maxKeys = Math.floor(positive('maxKeys', opts.maxKeys ?? 4000));
  }

  /** Tokens gained per second. */
  get rate(): number {
    return this._rate;
  }

  /** Most tokens a bucket can hold, and what a new bucket starts with. */
  get burst(): number {
    return this._burst;
  }

  /** Number of keys currently tracked (at most `maxKeys`). */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Takes `cost` tokens from `key`'s bucket at time `now` (ms). Returns false, taking nothing, when the bucket holds
   * fewer than `cost` tokens; a cost above `burst` therefore always fails.
   */
  consume(key: string | number, now: number, cost = 1): boolean {
    if (!(cost >= 0)) throw new RangeError(`cost must be >= 0, got ${cost}`);
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key); // re-inserted below so Map order stays least- to most-recently used
      if (now > bucket.at) {
        bucket.tokens += ((now - bucket.at) * this._rate) / 1000;
        bucket.at = now;
      }
      bucket.tokens = Math.min(bucket.tokens, this._burst); // also caps what was banked under a higher burst
    } else {
      bucket = { tokens: this._burst, at: now };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens < cost) return false;
    bucket.tokens -= cost;
    return true;
  }

  /** Changes the refill rate of every bucket; banked tokens are kept (time since a bucket's last use accrues at the new rate). */
  setRate(rate: number): void {
    this._rate = positive('rate', rate);
  }

  /** Changes the burst of every bucket; banked tokens are kept but capped at the new burst. */
  setBurst(burst: number): void {
    this._burst = positive('burst', burst);
  }

  /** Forgets `key` (its next use starts full again), or every key when called without one. */
  reset(key?: string | number): void {
    if (key === undefined) this.buckets.clear();
    else this.buckets.delete(key);
  }
}

/** FXServer's built-in settings of the three net-event limiters (ref §3). */
export const NET_LIMITER_DEFAULTS = {
  netEvent: { rate: 50, burst: 200 },
  netEventFlood: { rate: 75, burst: 300 },
  netEventSize: { rate: 128 * 1024, burst: 384 * 1024 },
} as const;

/** Reads one float convar; unset or empty means "not set". */
function readFloat(getConvar: (name: string) => string | undefined, name: string): number | undefined {
  const raw = getConvar(name);
  if (raw === undefined || raw.trim() === '') return undefined;
  return Number.parseFloat(raw);
}

/**
 * The settings of limiter `key` from convars `rateLimiter_<key>_rate` and `rateLimiter_<key>_burst` (ref §3).
 *
 * An unset convar takes its value from `defaults`. As in FXServer the pair is applied together: if either value is
 * ≤ 0.01 (or not a number) the whole pair is ignored and `current` is returned, which is `defaults` unless given.
 */
export function limiterFromConvars(
  key: string,
  getConvar: (name: string) => string | undefined,
  defaults: LimiterSettings,
  current: LimiterSettings = defaults,
): { rate: number; burst: number } {
  const rate = readFloat(getConvar, `rateLimiter_${key}_rate`) ?? defaults.rate;
  const burst = readFloat(getConvar, `rateLimiter_${key}_burst`) ?? defaults.burst;
  // `!(x > 0.01)` also rejects NaN from an unparsable value
  if (!(rate > 0.01) || !(burst > 0.01)) return { rate: current.rate, burst: current.burst };
  return { rate, burst };
}

/** What the server does with one client→server net event: hand it to scripts, drop it silently, or kick the client. */
export type NetEventVerdict = 'accept' | 'drop' | { kick: string };

/** Options of {@link NetEventLimiters}. */
export interface NetEventLimitersOptions {
  /**
   * True for the instance that guards latent events the server receives: it has no size limiter, and its kick
   * reason is "Unreliable network event overflow." (ref §3 "Latent events received by the server").
   */
  readonly latent?: boolean;
  /** Convars read at construction (see {@link NetEventLimiters.reconfigure}). */
  readonly getConvar?: (name: string) => string | undefined;
  /** Keys per limiter before LRU eviction; default 4000. */
  readonly maxKeys?: number;
}

/** Kick reasons, as FXServer words them (ref §3). */
export const NET_EVENT_KICK_REASONS = {
  reliable: 'Reliable network event overflow.',
  latent: 'Unreliable network event overflow.',
  sizePrefix: 'Reliable network event size overflow: ',
} as const;

/**
 * The server's rate-limit decision for net events from clients, keyed by client net id (ref §3, "Server rate limits").
 *
 * Order of the checks, as the reference's packet handler (`ServerEventPacketHandler.cpp`) runs them:
 * 1. `netEvent` (count). Empty → the event is dropped; `netEventFlood` is then consumed, and if that is empty
 *    too the client is kicked. Either way the size bucket is NOT touched for this event.
 * 2. `netEventSize` (bytes: name length without NUL + payload length), only for events that passed step 1.
 *    Empty → kick, and the `netEvent` token already taken stays spent.
 * The latent instance runs step 1 only.
 */
export class NetEventLimiters {
  /** True for the latent-event instance. */
  readonly latent: boolean;
  /** Count limiter: 50/s, burst 200 by default. */
  readonly netEvent: KeyedRateLimiter;
  /** Second count limiter, consumed only by events `netEvent` dropped: 75/s, burst 300 by default. */
  readonly netEventFlood: KeyedRateLimiter;
  /** Byte limiter: 128 KiB/s, burst 384 KiB by default. Unused by the latent instance. */
  readonly netEventSize: KeyedRateLimiter;

  constructor(opts: NetEventLimitersOptions = {}) {
    this.latent = opts.latent ?? false;
    const make = (d: LimiterSettings) => new KeyedRateLimiter({ ...d, maxKeys: opts.maxKeys });
    this.netEvent = make(NET_LIMITER_DEFAULTS.netEvent);
    this.netEventFlood = make(NET_LIMITER_DEFAULTS.netEventFlood);
    this.netEventSize = make(NET_LIMITER_DEFAULTS.netEventSize);
    if (opts.getConvar) this.reconfigure(opts.getConvar);
  }

  /**
   * Decides the fate of one event from `clientId` at time `now` (ms). `nameLength` is the event name's byte length
   * without the NUL, `dataLength` the msgpack payload's byte length; `eventName` only fills the size-kick reason.
   * The latent instance ignores the lengths.
   */
  check(clientId: number, nameLength: number, dataLength: number, now: number, eventName = ''): NetEventVerdict {
    if (!this.netEvent.consume(clientId, now)) {
      if (this.netEventFlood.consume(clientId, now)) return 'drop';
      return { kick: this.latent ? NET_EVENT_KICK_REASONS.latent : NET_EVENT_KICK_REASONS.reliable };
    }
    if (this.latent) return 'accept';
    if (!this.netEventSize.consume(clientId, now, nameLength + dataLength)) {
      return { kick: NET_EVENT_KICK_REASONS.sizePrefix + eventName };
    }
    return 'accept';
  }

  /**
   * Re-reads `rateLimiter_{netEvent,netEventFlood,netEventSize}_{rate,burst}`. Unset convars fall back to the
   * built-in defaults; a pair with a value ≤ 0.01 leaves that limiter as it is. Banked tokens are kept.
   */
  reconfigure(getConvar: (name: string) => string | undefined): void {
    for (const key of ['netEvent', 'netEventFlood', 'netEventSize'] as const) {
      const limiter = this[key];
      const next = limiterFromConvars(key, getConvar, NET_LIMITER_DEFAULTS[key], limiter);
      limiter.setRate(next.rate);
      limiter.setBurst(next.burst);
    }
  }

  /** Forgets a client's buckets, e.g. when it drops, so a reused net id starts full. */
  forget(clientId: number): void {
    this.netEvent.reset(clientId);
    this.netEventFlood.reset(clientId);
    this.netEventSize.reset(clientId);
  }
}
