/**
 * The outbox alone, over a recording transport: batching per (event, target), splitting at the latent threshold,
 * big frames alone and latent, and a client's pacing checked against FiveM's own limiters (the emulation's
 * `NetEventLimiters`, fed the real msgpack size of every event).
 */
import { describe, expect, it } from 'vitest';
import { createJsCodec } from '../../test/emulator/msgpack/js-codec.ts';
import { NetEventLimiters } from '../../test/emulator/net/rate-limiter.ts';
import { FrameKind, readBatch } from '../protocol/frames.ts';
import { DEFAULT_CONFIG, type EngineConfig } from './config.ts';
import { Outbox } from './outbox.ts';
import type { Side, Transport } from './transport.ts';

const codec = createJsCodec({ packFunction: () => 'x:1:1', unpackFuncRef: (r) => r });

interface Sent {
  event: string;
  target: number;
  args: unknown[];
  latent: boolean;
  at: number;
  bytes: number;
}

function setup(side: Side, config: Partial<EngineConfig> = {}) {
  let now = 0;
  const sent: Sent[] = [];
  let wakes = 0;
  const transport = {
    side,
    resource: 'shop',
    now: () => now,
    send: (event: string, target: number, args: unknown[], latent: boolean) =>
      sent.push({ event, target, args, latent, at: now, bytes: codec.pack(args).length }),
  } as unknown as Transport;
  const outbox = new Outbox(transport, { ...DEFAULT_CONFIG, ...config }, () => void wakes++);
  return {
    outbox,
    sent,
    wakes: () => wakes,
    at: (t: number) => (now = t),
    /** Flushes every `step` ms until nothing waits (or `until`). */
    drain(step: number, until = 60_000) {
      while (outbox.flush(now) && now < until) now += step;
    },
  };
}

const blob = (n: number) => 'x'.repeat(n);

describe('batching', () => {
  it('coalesces one tick of frames per (event, target) into one event, in order, readable by readBatch', () => {
    const { outbox, sent } = setup('server');
    outbox.request('cbb:q:a', 1, 10, 'one', [1]);
    outbox.reply('cbb:r:a', 1, 11, ['r'], true);
    outbox.request('cbb:q:a', 1, 12, 'two', [2, null]);
    outbox.error('cbb:q:a', 1, 13, 'BUSY', 'busy');
    outbox.request('cbb:q:a', 2, 14, 'other player', []);
    expect(outbox.flush(0)).toBe(false);
    expect(sent.map((s) => [s.event, s.target])).toEqual([['cbb:q:a', 1], ['cbb:r:a', 1], ['cbb:q:a', 2]]);
    const frames = readBatch(sent[0].args).frames;
    expect(frames.map((f) => [f.kind, f.id])).toEqual([[FrameKind.REQUEST, 10], [FrameKind.REQUEST, 12], [FrameKind.ERROR, 13]]);
    expect(readBatch(sent[0].args)).toMatchObject({ from: 'shop', frames: [{ args: [1] }, { args: [2, null] }, {}] });
    expect(outbox.idle).toBe(true);
  });

  it('wakes its engine whenever it queues a frame', () => {
    const { outbox, wakes } = setup('server');
    outbox.request('e', 1, 1, 'n', []);
    outbox.reply('e', 1, 2, [blob(100_000)], true);
    expect(wakes()).toBe(2);
  });

  it('drops what waits for a target that is gone', () => {
    const { outbox, sent } = setup('server');
    outbox.request('e', 1, 1, 'n', []);
    outbox.reply('e', 1, 2, [blob(100_000)], true);
    outbox.request('e', 2, 3, 'n', []);
    outbox.forget(1);
    outbox.flush(0);
    expect(sent.map((s) => s.target)).toEqual([2]);
  });
});

describe('splitting at the latent threshold', () => {
  it('starts a new batch before one would pass the threshold; each stays reliable and under it', () => {
    const { outbox, sent } = setup('server', { latentThreshold: 10_000 });
    for (let i = 0; i < 10; i++) outbox.request('e', 1, i, 'n', [blob(3000)]);
    outbox.flush(0);
    expect(sent.map((s) => readBatch(s.args).frames.length)).toEqual([3, 3, 3, 1]);
    expect(sent.every((s) => !s.latent && s.bytes <= 10_000)).toBe(true);
  });

  it('sends a frame bigger than the threshold alone, as a latent event', () => {
    const { outbox, sent } = setup('server', { latentThreshold: 10_000 });
    outbox.request('e', 1, 1, 'small', []);
    outbox.reply('e', 1, 2, [blob(20_000)], true);
    outbox.flush(0);
    expect(sent.map((s) => [readBatch(s.args).frames.map((f) => f.id), s.latent])).toEqual([[[2], true], [[1], false]]);
  });

  it('keeps a big frame reliable when latent is not allowed', () => {
    const { outbox, sent } = setup('server', { latentThreshold: 10_000 });
    outbox.reply('e', 1, 2, [blob(20_000)], false);
    outbox.flush(0);
    expect(sent.map((s) => s.latent)).toEqual([false]);
  });

  it("estimates a batch's size at or just above its real msgpack size", () => {
    const { outbox, sent } = setup('server', { latentThreshold: 4000 });
    const values = [1, -200, 3.5, 'é€😀', { a: [1, 2, { b: null }] }, blob(300), 70_000, true];
    for (let i = 0; i < 200; i++) outbox.request('cbb:q:x', 1, 2 ** 30 + i, `name${i}`, values.slice(i % 8));
    outbox.flush(0);
    expect(sent.length).toBeGreaterThan(5);
    // Never over: the estimate is an upper bound (exact values, 8 bytes allowed per frame for 7 at most).
    expect(sent.every((s) => s.bytes <= 4000)).toBe(true);
    // And close: every batch but the last is filled to within one frame (< 370 bytes here) of the threshold.
    expect(sent.slice(0, -1).every((s) => 4000 - s.bytes < 400)).toBe(true);
  });
});

describe('client pacing', () => {
  /** Runs `fire(tick)` every 16 ms frame for `ms`, flushing each frame; returns what FiveM's limiters said. */
  function run(fire: (o: Outbox, frame: number) => void, ms: number, config?: Partial<EngineConfig>) {
    const t = setup('client', config);
    const reliable = new NetEventLimiters();
    const latent = new NetEventLimiters({ latent: true });
    const verdicts = new Set<string>();
    let checked = 0;
    const check = () => {
      for (; checked < t.sent.length; checked++) {
        const s = t.sent[checked];
        const v = (s.latent ? latent : reliable).check(1, s.event.length + 1, s.bytes, s.at, s.event);
        verdicts.add(typeof v === 'string' ? v : 'kick');
      }
    };
    for (let now = 0, frame = 0; now <= ms; now += 16, frame++) {
      t.at(now);
      fire(t.outbox, frame);
      t.outbox.flush(now);
      check();
    }
    t.drain(16);
    check();
    return { ...t, verdicts };
  }

  it('sends at most the event burst at once; what waits leaves together in one event', () => {
    const { outbox, sent, at } = setup('client', { sendRate: { rate: 20, burst: 40 } });
    for (let i = 0; i < 50; i++) {
      outbox.request('e', 0, i, 'n', [i]);
      outbox.flush(0);
    }
    expect(sent).toHaveLength(40);
    at(50);
    expect(outbox.flush(50)).toBe(false);
    expect(sent).toHaveLength(41);
    expect(readBatch(sent[40].args).frames).toHaveLength(10);
  });

  it('500 calls of 1 KiB in one frame: FiveM accepts every event (no drop, no kick)', () => {
    const { sent, verdicts } = run((o, f) => f === 0 && Array.from({ length: 500 }, (_, i) => o.request('e', 0, i, 'n', [blob(1024)])), 0);
    expect([...verdicts]).toEqual(['accept']);
    expect(sent.reduce((n, s) => n + readBatch(s.args).frames.length, 0)).toBe(500);
  });

  it('a call every frame for 10 s: every event accepted, and none waits more than a few frames', () => {
    const { sent, verdicts } = run((o, f) => o.request('e', 0, f, 'n', [f, blob(200)]), 10_000);
    expect([...verdicts]).toEqual(['accept']);
    expect(sent.length).toBeLessThanOrEqual(10 * 20 + 40);
    const ids = sent.flatMap((s) => readBatch(s.args).frames.map((fr) => [fr.id, s.at]));
    expect(ids).toHaveLength(626);
    expect(Math.max(...ids.map(([id, at]) => at - id * 16))).toBeLessThanOrEqual(64);
  });

  it('2 MiB of 16 KiB calls every frame: the byte budget holds under netEventSize', () => {
    const { verdicts } = run((o, f) => f < 128 && o.request('e', 0, f, 'n', [blob(16 * 1024)]), 2100);
    expect([...verdicts]).toEqual(['accept']);
  });

  it('a server is never paced (FiveM limits what clients send)', () => {
    const { outbox, sent } = setup('server');
    for (let i = 0; i < 500; i++) {
      outbox.request('e', 1, i, 'n', []);
      outbox.flush(0);
    }
    expect(sent).toHaveLength(500);
  });
});
