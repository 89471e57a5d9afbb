/**
 * Fidelity: FXServer's token-bucket limits on client→server net events (ref §3). All times are virtual ms.
 */
import { describe, expect, it } from 'vitest';
import {
  KeyedRateLimiter,
  NET_LIMITER_DEFAULTS,
  NetEventLimiters,
  limiterFromConvars,
  type NetEventVerdict,
} from '../emulator/net/rate-limiter.ts';

const CLIENT = 7;
const KIB = 1024;

/** Sends `n` small events at time `now` and returns the verdicts. */
function burst(lim: NetEventLimiters, n: number, now = 0, client = CLIENT): NetEventVerdict[] {
  return Array.from({ length: n }, () => lim.check(client, 4, 16, now, 'ping'));
}

/** A convar reader over a plain object. */
const convars = (vars: Record<string, string>) => (name: string) => vars[name];

describe('ref §3: netEvent / netEventFlood', () => {
  it('ref §3: the defaults are netEvent 50/s burst 200, netEventFlood 75/s burst 300, netEventSize 128 KiB/s burst 384 KiB', () => {
    expect(NET_LIMITER_DEFAULTS).toEqual({
      netEvent: { rate: 50, burst: 200 },
      netEventFlood: { rate: 75, burst: 300 },
      netEventSize: { rate: 131072, burst: 393216 },
    });
    const lim = new NetEventLimiters();
    expect([lim.netEvent.rate, lim.netEvent.burst, lim.netEventFlood.burst, lim.netEventSize.burst]).toEqual([50, 200, 300, 393216]);
  });

  it('ref §3: the 201st event in one burst is dropped', () => {
    const lim = new NetEventLimiters();
    const verdicts = burst(lim, 201);
    expect(verdicts.slice(0, 200).every((v) => v === 'accept')).toBe(true);
    expect(verdicts[200]).toBe('drop');
  });

  it('ref §3: 300 dropped events in the same instant empty netEventFlood; the next one kicks "Reliable network event overflow."', () => {
    const lim = new NetEventLimiters();
    const verdicts = burst(lim, 501);
    expect(verdicts.filter((v) => v === 'drop')).toHaveLength(300);
    expect(verdicts[499]).toBe('drop');
    expect(verdicts[500]).toEqual({ kick: 'Reliable network event overflow.' });
  });

  it('ref §3: a client firing 1000 events/s is kicked within a second, at ~0.55 s', () => {
    // netEvent (burst 200, +0.05/ms) empties at 200/0.95 ≈ 210 ms; then 95% of events drop and the flood bucket
    // (full at first use, +0.075/ms) lasts 300/(0.95 - 0.075) ≈ 343 ms: kick at ≈ 553 ms
    const lim = new NetEventLimiters();
    let kickedAt = -1;
    for (let i = 0; i < 1000 && kickedAt < 0; i++) {
      const v = lim.check(CLIENT, 4, 16, i, 'ping');
      if (typeof v === 'object') kickedAt = i;
    }
    expect(kickedAt).toBeGreaterThanOrEqual(545);
    expect(kickedAt).toBeLessThan(560);
  });

  it('ref §3: buckets are per client net id', () => {
    const lim = new NetEventLimiters();
    burst(lim, 201, 0, 1);
    expect(lim.check(2, 4, 16, 0, 'ping')).toBe('accept');
  });

  it('ref §3: netEvent refills at 50 events per second of virtual time, never above its burst', () => {
    const lim = new NetEventLimiters();
    burst(lim, 200, 0);
    expect(lim.check(CLIENT, 4, 16, 0)).toBe('drop');
    expect(lim.check(CLIENT, 4, 16, 20)).toBe('accept'); // 20 ms = one token
    expect(lim.check(CLIENT, 4, 16, 20)).toBe('drop');
    const second = burst(lim, 51, 1020);
    expect(second.filter((v) => v === 'accept')).toHaveLength(50);
    const later = burst(lim, 201, 1_000_000);
    expect(later.filter((v) => v === 'accept')).toHaveLength(200);
  });
});

describe('ref §3: netEventSize', () => {
  it('ref §3: name + data up to the 384 KiB burst pass; one byte more kicks "Reliable network event size overflow: <name>"', () => {
    const lim = new NetEventLimiters();
    expect(lim.check(CLIENT, 10, 384 * KIB - 10, 0, 'big:event1')).toBe('accept');
    expect(lim.check(CLIENT, 10, 0, 0, 'big:event2')).toEqual({ kick: 'Reliable network event size overflow: big:event2' });
  });

  it('ref §3: a single event above the 384 KiB size burst kicks at once', () => {
    const lim = new NetEventLimiters();
    expect(lim.check(CLIENT, 5, 384 * KIB, 0, 'huge!')).toEqual({ kick: 'Reliable network event size overflow: huge!' });
  });

  it('ref §3: netEventSize refills at 128 KiB/s', () => {
    const lim = new NetEventLimiters();
    expect(lim.check(CLIENT, 0, 384 * KIB, 0, 'a')).toBe('accept');
    expect(lim.check(CLIENT, 0, 128 * KIB, 1000, 'a')).toBe('accept');
    expect(lim.check(CLIENT, 0, 1, 1000, 'a')).toEqual({ kick: 'Reliable network event size overflow: a' });
  });

  it('ref §3: netEvent is checked first, so an event it drops does not touch netEventSize', () => {
    const lim = new NetEventLimiters();
    burst(lim, 200);
    expect(lim.check(CLIENT, 3, 100 * KIB, 0, 'big')).toBe('drop');
    // all of the size bucket minus the 200 accepted events (20 bytes each) is still there
    expect(lim.netEventSize.consume(CLIENT, 0, 384 * KIB - 200 * 20)).toBe(true);
  });

  it('ref §3: an event kicked by netEventSize has already spent its netEvent token', () => {
    const lim = new NetEventLimiters();
    expect(typeof lim.check(CLIENT, 3, 400 * KIB, 0, 'big')).toBe('object');
    expect(burst(lim, 200).filter((v) => v === 'accept')).toHaveLength(199);
  });
});

describe('ref §3: latent events received by the server', () => {
  it('ref §3: latent events use separate buckets and kick with "Unreliable network event overflow."', () => {
    const reliable = new NetEventLimiters();
    const latent = new NetEventLimiters({ latent: true });
    burst(reliable, 500);
    expect(latent.check(CLIENT, 4, 16, 0)).toBe('accept');
    const verdicts = burst(latent, 499); // 1 + 499 = 200 accepted + 300 dropped
    expect(verdicts[498]).toBe('drop');
    expect(latent.check(CLIENT, 4, 16, 0)).toEqual({ kick: 'Unreliable network event overflow.' });
  });

  it('ref §3: the latent instance has no size limiter', () => {
    const latent = new NetEventLimiters({ latent: true });
    expect(latent.check(CLIENT, 4, 10 * 1024 * KIB, 0, 'big')).toBe('accept');
  });
});

describe('ref §3: rateLimiter_<key>_rate|burst convars', () => {
  it('ref §3: rateLimiter_netEvent_burst and _rate override the defaults', () => {
    const lim = new NetEventLimiters({ getConvar: convars({ rateLimiter_netEvent_burst: '500', rateLimiter_netEvent_rate: '100.5' }) });
    const verdicts = burst(lim, 501);
    expect(verdicts.filter((v) => v === 'accept')).toHaveLength(500);
    expect(verdicts[500]).toBe('drop');
    expect(burst(lim, 101, 1000).filter((v) => v === 'accept')).toHaveLength(100);
  });

  it('ref §3: a value ≤ 0.01 is ignored, and takes its partner with it', () => {
    const get = convars({ rateLimiter_netEvent_rate: '0.01', rateLimiter_netEvent_burst: '500' });
    expect(limiterFromConvars('netEvent', get, NET_LIMITER_DEFAULTS.netEvent)).toEqual({ rate: 50, burst: 200 });
    const lim = new NetEventLimiters({ getConvar: get });
    expect(burst(lim, 201)[200]).toBe('drop');
  });

  it('ref §3: 0.02 is above the threshold and applies', () => {
    const get = convars({ rateLimiter_netEventFlood_rate: '0.02', rateLimiter_netEventFlood_burst: '1' });
    expect(limiterFromConvars('netEventFlood', get, NET_LIMITER_DEFAULTS.netEventFlood)).toEqual({ rate: 0.02, burst: 1 });
    const lim = new NetEventLimiters({ getConvar: get });
    const verdicts = burst(lim, 202);
    expect(verdicts[200]).toBe('drop');
    expect(verdicts[201]).toEqual({ kick: 'Reliable network event overflow.' });
  });

  it('ref §3: unset convars keep the default; unparsable or zero ones keep the current setting', () => {
    const current = { rate: 7, burst: 9 };
    expect(limiterFromConvars('netEventSize', convars({}), NET_LIMITER_DEFAULTS.netEventSize, current)).toEqual({ rate: 131072, burst: 393216 });
    expect(limiterFromConvars('netEventSize', convars({ rateLimiter_netEventSize_rate: 'fast' }), NET_LIMITER_DEFAULTS.netEventSize, current)).toEqual(current);
    expect(limiterFromConvars('netEventSize', convars({ rateLimiter_netEventSize_burst: '0' }), NET_LIMITER_DEFAULTS.netEventSize, current)).toEqual(current);
  });

  it('ref §3: reconfigure re-reads the convars and keeps banked tokens', () => {
    const vars: Record<string, string> = {};
    const lim = new NetEventLimiters({ getConvar: convars(vars) });
    burst(lim, 200);
    vars.rateLimiter_netEvent_burst = '300';
    lim.reconfigure(convars(vars));
    expect(lim.netEvent.burst).toBe(300);
    expect(lim.check(CLIENT, 4, 16, 0)).toBe('drop'); // not refilled by the change
    expect(burst(lim, 301, 60_000).filter((v) => v === 'accept')).toHaveLength(300);
  });
});

describe('ref §3: KeyedRateLimiter', () => {
  it('ref §3: a refused consume takes nothing, and a cost above the burst always fails', () => {
    const lim = new KeyedRateLimiter({ rate: 1, burst: 5 });
    expect(lim.consume('k', 0, 3)).toBe(true);
    expect(lim.consume('k', 0, 3)).toBe(false);
    expect(lim.consume('k', 0, 2)).toBe(true);
    expect(lim.consume('fresh', 0, 6)).toBe(false);
    expect(lim.consume('fresh', 0, 5)).toBe(true);
  });

  it('ref §3: time running backwards adds no tokens', () => {
    const lim = new KeyedRateLimiter({ rate: 1000, burst: 1 });
    expect(lim.consume('k', 5000)).toBe(true);
    expect(lim.consume('k', 0)).toBe(false);
    expect(lim.consume('k', 5001)).toBe(true);
  });

  it('ref §3: at most 4000 keys are kept, the least recently used is evicted', () => {
    const lim = new KeyedRateLimiter({ rate: 0.001, burst: 1 });
    for (let k = 0; k < 4000; k++) lim.consume(k, 0);
    expect(lim.size).toBe(4000);
    expect(lim.consume(0, 0)).toBe(false); // key 0 is now the most recently used
    expect(lim.consume(4000, 0)).toBe(true); // evicts key 1
    expect(lim.size).toBe(4000);
    expect(lim.consume(1, 0)).toBe(true); // forgotten, so it starts full again
    expect(lim.consume(0, 0)).toBe(false); // kept
  });

  it('ref §3: maxKeys is configurable and reset forgets keys', () => {
    const lim = new KeyedRateLimiter({ rate: 0.001, burst: 1, maxKeys: 2 });
    lim.consume('a', 0);
    lim.consume('b', 0);
    lim.consume('c', 0);
    expect(lim.size).toBe(2);
    expect(lim.consume('a', 0)).toBe(true);
    lim.reset('a');
    expect(lim.consume('a', 0)).toBe(true);
    lim.reset();
    expect(lim.size).toBe(0);
  });
});
