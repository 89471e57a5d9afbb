/**
 * Token buckets keyed by anything (a player and a callback name, a player alone). A bucket starts full, refills at
 * `rate` tokens per second up to `burst`, and a refused take costs nothing. Time comes from the caller, so virtual
 * time drives it in tests.
 */
export interface BucketLimits {
  /** Tokens per second. */
  rate: number;
  /** Largest number of tokens a bucket holds. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter<K = string> {
  private readonly buckets = new Map<K, Bucket>();

  constructor(private limits: BucketLimits) {}

  /** Takes `cost` tokens from `key`'s bucket at time `now` (ms); false when there are not enough. */
  take(key: K, now: number, cost = 1): boolean {
    const b = this.refill(key, now);
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  }

  /** Tokens in `key`'s bucket at time `now`, taking none (to check two buckets before charging either). */
  available(key: K, now: number): number {
    return this.refill(key, now).tokens;
  }

  /** Takes `cost` tokens from `key`'s bucket as `available` just refilled it (checked first: no second refill). */
  spend(key: K, cost = 1): void {
    const b = this.buckets.get(key);
    if (b) b.tokens -= cost;
  }

  get burst(): number {
    return this.limits.burst;
  }

  private refill(key: K, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.limits.burst, at: now };
      this.buckets.set(key, b);
    } else if (now > b.at) {
      b.tokens = Math.min(this.limits.burst, b.tokens + ((now - b.at) / 1000) * this.limits.rate);
      b.at = now;
    }
    return b;
  }

  /** Forgets buckets that have refilled completely, so idle keys do not accumulate (call it now and then). */
  sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.limits.rate >= this.limits.burst) this.buckets.delete(key);
    }
  }

  /** Forgets one key (a player who dropped). */
  forget(key: K): void {
    this.buckets.delete(key);
  }

  /** Forgets every key `match` accepts. */
  forgetWhere(match: (key: K) => boolean): void {
    for (const key of this.buckets.keys()) if (match(key)) this.buckets.delete(key);
  }

  setLimits(limits: BucketLimits): void {
    this.limits = limits;
  }

  get size(): number {
    return this.buckets.size;
  }
}
