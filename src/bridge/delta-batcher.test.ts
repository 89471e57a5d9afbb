import { describe, expect, it } from 'vitest';
import type { DirectoryDelta } from '../engine/directory.ts';
import { ANNOUNCE_PACE, DeltaBatcher, type DeltaBatcherOptions } from './delta-batcher.ts';

/** A batcher over a manual tick: `tick(ms)` advances time and runs what was scheduled for later. */
function harness(options: Partial<DeltaBatcherOptions> = {}) {
  const sent: DirectoryDelta[] = [];
  let queued: Array<() => void> = [];
  let now = 0;
  const b = new DeltaBatcher({ send: (d) => sent.push(d), later: (fn) => queued.push(fn), now: () => now, ...options });
  const tick = (ms = 16) => {
    now += ms;
    const run = queued;
    queued = [];
    for (const fn of run) fn();
  };
  return { b, sent, tick, pending: () => queued.length };
}

describe('DeltaBatcher', () => {
  it('sends the changes of one tick as one event, each name in its final state', () => {
    const { b, sent, tick } = harness();
    b.push([['a', 'r1']]);
    b.push([['b', 'r1']]);
    b.push([['a', null]]);
    expect(sent).toEqual([]);
    tick();
    expect(sent).toEqual([[['b', 'r1'], ['a', null]]]);
  });

  it('splits at maxEntries and maxBytes, one chunk per tick, and stops scheduling when empty', () => {
    const { b, sent, tick, pending } = harness({ maxEntries: 2 });
    b.push([['a', 'r'], ['b', 'r'], ['c', 'r']]);
    tick();
    tick();
    expect(sent).toEqual([[['a', 'r'], ['b', 'r']], [['c', 'r']]]);
    expect(pending()).toBe(0);
    const bytes = harness({ maxBytes: 40 });
    bytes.b.push(Array.from({ length: 4 }, (_, i): [string, string] => [`name:${'x'.repeat(10)}${i}`, 'res']));
    bytes.tick();
    expect(bytes.sent[0].length).toBeLessThan(4);
  });

  it('paced: waits for the budget instead of sending past it', () => {
    const { b, sent, tick } = harness({ pace: { events: { rate: 1, burst: 1 }, bytes: ANNOUNCE_PACE.bytes }, maxEntries: 1 });
    b.push([['a', 'r'], ['b', 'r']]);
    tick();
    tick();
    expect(sent).toHaveLength(1);
    tick(1000);
    expect(sent).toHaveLength(2);
  });

  it('drops an entry no chunk could carry rather than blocking the rest', () => {
    const { b, sent, tick } = harness({ pace: ANNOUNCE_PACE, maxBytes: 100 });
    b.push([['x'.repeat(500), 'r'], ['ok', 'r']]);
    tick();
    expect(sent).toEqual([[['ok', 'r']]]);
    expect(b.size).toBe(0);
  });
});
