import { describe, expect, it } from 'vitest';
import { HISTOGRAM_BOUNDS } from '../core/histogram.ts';
import type { CallbackMetricsDetail } from '../engine/metrics.ts';
import { addressIp, fromLoopback } from './metrics-http.ts';
import type { MetricsPull } from './metrics-pull.ts';
import { bucketQuantile, MetricsWindow, rowKey, SERIES_POINTS, WINDOW_SAMPLES } from './metrics-window.ts';

const empty = () => new Array<number>(HISTOGRAM_BOUNDS.length + 1).fill(0);
const row = (calls: number, bucket: number, errors = {}): CallbackMetricsDetail => {
  const buckets = empty();
  buckets[bucket] = calls;
  return { name: 'a', role: 'handler', resource: 'r', calls, errors, inFlight: 0, p50: 0, p95: 0, p99: 0, max: 500, sum: 0, buckets };
};
const pull = (rows: CallbackMetricsDetail[], limited: Array<[number, number]> = []): MetricsPull => ({
  rows, limited, counters: { malformed: 0, lateReplies: 0, forgedReplies: 0, spoofed: 0, notFound: 0 },
});

describe('bucketQuantile', () => {
  it('answers the upper bound of the bucket holding the quantile, null when empty, max past the bounds', () => {
    const c = empty();
    c[2] = 50;
    c[10] = 49;
    c[HISTOGRAM_BOUNDS.length] = 1;
    expect(bucketQuantile(c, 0.5, 9999)).toBe(HISTOGRAM_BOUNDS[2]);
    expect(bucketQuantile(c, 0.99, 9999)).toBe(HISTOGRAM_BOUNDS[10]);
    expect(bucketQuantile(c, 1, 9999)).toBe(9999);
    expect(bucketQuantile(empty(), 0.5, 1)).toBeNull();
  });
});

describe('MetricsWindow', () => {
  it('gives calls/s, latency and errors over the last pulls; a total that went down counts from zero', () => {
    const w = new MetricsWindow();
    const key = rowKey(row(0, 0));
    w.add(0, pull([row(10, 3)]));
    expect(w.values(key)).toBeUndefined();
    w.add(1000, pull([row(30, 3, { TIMEOUT: 2 })]));
    expect(w.values(key)).toEqual({ rate: 20, p50: HISTOGRAM_BOUNDS[3], p99: HISTOGRAM_BOUNDS[3], errors: { TIMEOUT: 2 } });
    // The engine restarted: 4 calls since, over the 2 s the window spans.
    w.add(2000, pull([row(4, 5)]));
    expect(w.values(key)!.rate).toBe(2);
    expect(w.values(key)!.p50).toBe(HISTOGRAM_BOUNDS[5]);
    expect(w.times).toEqual([1000, 2000]);
    expect(w.series.get(key)!.rate).toEqual([20, 2]);
  });

  it('spans at most WINDOW_SAMPLES pulls and keeps SERIES_POINTS points; rows gone the whole series are forgotten', () => {
    const w = new MetricsWindow();
    for (let i = 0; i <= SERIES_POINTS + 10; i++) w.add(i * 1000, pull(i < 5 ? [row(i * 10, 1)] : []));
    expect(w.spanSeconds).toBe(WINDOW_SAMPLES);
    expect(w.times.length).toBe(SERIES_POINTS);
    expect(w.series.size).toBe(0);
  });

  it('counts each player’s recent RATE_LIMITED refusals', () => {
    const w = new MetricsWindow();
    w.add(0, pull([], [[1, 5], [2, 3]]));
    w.add(1000, pull([], [[1, 9], [2, 3], [3, 1]]));
    expect([...w.recentLimited()]).toEqual([[1, 4], [3, 1]]);
  });
});

describe('loopback', () => {
  it('reads the IP of ip:port and [ip]:port; a forwarded request is never loopback', () => {
    expect(addressIp('127.0.0.1:5000')).toBe('127.0.0.1');
    expect(addressIp('[::1]:5000')).toBe('::1');
    expect(fromLoopback({ address: '127.0.0.1:1', headers: {}, method: 'GET', path: '/' })).toBe(true);
    expect(fromLoopback({ address: '[::1]:1', headers: {}, method: 'GET', path: '/' })).toBe(true);
    expect(fromLoopback({ address: '10.0.0.2:1', headers: {}, method: 'GET', path: '/' })).toBe(false);
    expect(fromLoopback({ address: '127.0.0.1:1', headers: { 'x-forwarded-for': '1.2.3.4' }, method: 'GET', path: '/' })).toBe(false);
    expect(fromLoopback({ address: '127.0.0.1:1', headers: { Forwarded: 'for=1.2.3.4' }, method: 'GET', path: '/' })).toBe(false);
  });
});
