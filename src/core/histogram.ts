/**
 * A bounded latency histogram: fixed log-spaced buckets from 0.25 ms to about 2 minutes, so memory never grows with
 * traffic and p50/p95/p99 cost one pass over ~60 counters.
 */
const BUCKETS = 60;
const BASE = 0.25;
const FACTOR = 1.25;
/** Upper bound of each bucket in ms. */
const BOUNDS = Array.from({ length: BUCKETS }, (_, i) => BASE * FACTOR ** i);
/** The buckets' upper bounds in ms; a histogram's {@link Histogram.buckets} has one more count, for what is past them. */
export const HISTOGRAM_BOUNDS: readonly number[] = BOUNDS;

/** The bucket of a latency in ms: the one formula, for any value. */
function bucketOf(v: number): number {
  const i = v <= BASE ? 0 : Math.ceil(Math.log(v / BASE) / Math.log(FACTOR));
  return i > BUCKETS ? BUCKETS : i;
}
/** Whole milliseconds below this (the usual latencies: GetGameTimer counts whole ms) are looked up, not computed. */
const TABLE_MS = 4096;
const TABLE = Uint8Array.from({ length: TABLE_MS }, (_, ms) => bucketOf(ms));

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS + 1);
  count = 0;
  sum = 0;
  max = 0;

  record(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    this.counts[v < TABLE_MS && (v | 0) === v ? TABLE[v] : bucketOf(v)]++;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /** The `q` quantile (0..1) as the upper bound of the bucket it falls in; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const target = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= target) return i === BUCKETS ? this.max : Math.min(BOUNDS[i], this.max);
    }
    return this.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  /** The count of each bucket (a copy, `HISTOGRAM_BOUNDS.length + 1` long): what the bridge's metrics pull carries. */
  buckets(): number[] {
    return Array.from(this.counts);
  }

  /** Bucket upper bounds and cumulative counts, for Prometheus `_bucket` lines. */
  cumulative(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      out.push([BOUNDS[i], seen]);
    }
    return out;
  }
}
