/**
 * The client-side call queue (seed "Community Bridge", Queue Management; src/engine/call-queue.ts):
 * - the scheduler against the shared vectors (test/vectors/queue.json, also run by the Lua twin);
 * - end to end through the emulated network: the concurrency cap measured at the handler, priorities, failures
 *   freeing their slot, clear / full / abort / resource stop ending waiting calls, plain calls unaffected.
 */
import { describe, expect, it } from 'vitest';
import vectors from '../vectors/queue.json';
import { CallQueue, type QueuedJob } from '../../src/engine/call-queue.ts';
import { useEmulator } from '../support/cfx.ts';
import { delay, record, registerOnClients, registerOnServer, world, type World } from './js-world.ts';

interface Op {
  push?: string;
  priority?: unknown;
  endsAtStart?: boolean;
  finish?: string;
  remove?: string;
  clear?: boolean;
}

/** Runs one vector case: the log, and the counts at the end. */
function runCase(options: object, ops: Op[]): { log: string[]; running: number; size: number } {
  const q = new CallQueue<QueuedJob & { id: string }>(options);
  const log: string[] = [];
  const handles = new Map<string, { remove(): boolean }>();
  const running = new Set<string>();
  for (const op of ops) {
    if (op.push !== undefined) {
      const id = op.push;
      const job = {
        id,
        priority: (op.priority ?? 0) as number,
        start() {
          log.push(`start ${id}`);
          if (op.endsAtStart) q.finished();
          else running.add(id);
        },
      };
      const h = q.push(job);
      if (h) handles.set(id, h);
      else log.push(`refused ${id}`);
    } else if (op.finish !== undefined) {
      if (!running.delete(op.finish)) throw new Error(`vector bug: ${op.finish} is not running`);
      q.finished();
    } else if (op.remove !== undefined) {
      log.push(`${handles.get(op.remove)!.remove() ? 'removed' : 'not removed'} ${op.remove}`);
    } else if (op.clear) {
      for (const job of q.drain()) log.push(`cleared ${job.id}`);
    }
  }
  return { log, running: q.running, size: q.size };
}

describe('the scheduler against test/vectors/queue.json', () => {
  for (const c of vectors.cases) {
    it(c.name, () => {
      if ('error' in c && c.error) {
        expect(() => runCase(c.options, c.ops as Op[])).toThrow(TypeError);
        return;
      }
      expect(runCase(c.options, c.ops as Op[])).toEqual({ log: c.log, running: c.running, size: c.size });
    });
  }
});

const emu = useEmulator();

/** A server callback `work(tag, ms)` that notes the arrival order and the most calls it ever ran at once. */
async function measuredWork(w: World) {
  const seen = { order: [] as string[], now: 0, max: 0 };
  await registerOnServer(emu(), w, 'shop', 'work', async (_src: number, tag: string, ms = 100) => {
    seen.order.push(tag);
    seen.max = Math.max(seen.max, ++seen.now);
    await delay(emu(), ms);
    seen.now--;
    return `done ${tag}`;
  });
  return seen;
}

const caller = (w: World) => w.client(w.players[0], 'caller');

describe('the queue end to end', () => {
  it('20 calls with concurrency 2 never have more than 2 in flight at the handler, and all succeed', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const seen = await measuredWork(w);
    const q = caller(w).queue({ concurrency: 2 });
    const rs = Array.from({ length: 20 }, (_, i) => record(emu(), q.triggerServer('work', `c${i}`)));
    expect([q.running, q.size]).toEqual([2, 18]);
    await emu().advance(5000);
    expect(rs.map((r) => r.value)).toEqual(rs.map((_, i) => `done c${i}`));
    expect(seen.max).toBe(2);
    expect(seen.order).toEqual(rs.map((_, i) => `c${i}`)); // equal priorities: first come, first served
    expect([q.running, q.size]).toEqual([0, 0]);
  });

  it('starts the highest priority first, FIFO among equals', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const seen = await measuredWork(w);
    const q = caller(w).queue({ concurrency: 1 });
    const plan: Array<[string, number]> = [['hold', 0], ['p1', 1], ['p5a', 5], ['p3', 3], ['p5b', 5], ['p0', 0], ['n2', -2]];
    const rs = plan.map(([tag, priority]) => record(emu(), q.withOptions({ priority }).triggerServer('work', tag, 50)));
    await emu().advance(3000);
    expect(rs.every((r) => r.settled && r.code === undefined)).toBe(true);
    expect(seen.order).toEqual(['hold', 'p5a', 'p5b', 'p3', 'p1', 'p0', 'n2']);
  });

  it('a failing call frees its slot: HANDLER_ERROR, TIMEOUT and a retried TIMEOUT (the slot is held through retries)', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const seen = await measuredWork(w);
    await registerOnServer(emu(), w, 'shop', 'boom', () => {
      throw new Error('broken');
    });
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined));
    const q = caller(w).queue({ concurrency: 1 });
    const boom = record(emu(), q.triggerServer('boom'));
    const never = record(emu(), q.withOptions({ timeout: 200, retries: 1, backoff: 100 }).triggerServer('never'));
    const after = record(emu(), q.triggerServer('work', 'after', 10));
    await emu().advance(2000);
    expect(boom.code).toBe('HANDLER_ERROR');
    expect(never.code).toBe('TIMEOUT');
    expect(never.took).toBeGreaterThanOrEqual(500); // 200 + 100 backoff + 200
    expect(after.value).toBe('done after');
    expect(after.at!).toBeGreaterThan(never.at!); // a 10 ms call: it started only once 'never' gave its slot back
    expect(seen.max).toBe(1);
  });

  it('waiting does not count toward the timeout: the deadline starts when the call starts', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await measuredWork(w);
    const q = caller(w).queue({ concurrency: 1 });
    const first = record(emu(), q.triggerServer('work', 'first', 400));
    const second = record(emu(), q.withOptions({ timeout: 300 }).triggerServer('work', 'second', 10));
    await emu().advance(2000);
    expect([first.value, second.value]).toEqual(['done first', 'done second']);
    expect(second.took).toBeGreaterThan(300);
  });

  it('clear() rejects the waiting calls with BUSY and says why; calls in flight finish', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const seen = await measuredWork(w);
    const q = caller(w).queue({ concurrency: 1 });
    const rs = ['a', 'b', 'c'].map((tag) => record(emu(), q.triggerServer('work', tag)));
    expect(q.clear()).toBe(2);
    expect([q.running, q.size]).toEqual([1, 0]);
    await emu().advance(1000);
    expect(rs.map((r) => r.value ?? r.code)).toEqual(['done a', 'BUSY', 'BUSY']);
    expect(rs[1].message).toBe("callback 'work' refused: the queue was cleared before it started");
    expect(rs[1].error).toBeInstanceOf(caller(w).CallbackError);
    expect(seen.order).toEqual(['a']);
  });

  it('maxQueued: one call more than may wait is refused with BUSY at once', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await measuredWork(w);
    const q = caller(w).queue({ concurrency: 1, maxQueued: 1 });
    const rs = ['a', 'b', 'c'].map((tag) => record(emu(), q.triggerServer('work', tag)));
    await emu().advance(0);
    expect(rs[2]).toMatchObject({ settled: true, code: 'BUSY', message: "callback 'work' refused: the queue is full", took: 0 });
    await emu().advance(1000);
    expect(rs.map((r) => r.value ?? r.code)).toEqual(['done a', 'done b', 'BUSY']);
  });

  it('an aborted waiting call ends at once with the reason and is never sent', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const seen = await measuredWork(w);
    const q = caller(w).queue({ concurrency: 1 });
    const ctl = new AbortController();
    const a = record(emu(), q.triggerServer('work', 'a', 300));
    const b = record(emu(), q.withOptions({ signal: ctl.signal }).triggerServer('work', 'b'));
    const c = record(emu(), q.triggerServer('work', 'c'));
    await emu().advance(50);
    ctl.abort(new Error('menu closed'));
    await emu().advance(0);
    expect(b).toMatchObject({ settled: true, message: 'menu closed', took: 50 });
    expect(q.size).toBe(1);
    await emu().advance(1000);
    expect([a.value, c.value]).toEqual(['done a', 'done c']);
    expect(seen.order).toEqual(['a', 'c']);
  });

  it('stopping the calling resource ends waiting calls with RESOURCE_STOPPED, and later calls too', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await measuredWork(w);
    const bridge = caller(w);
    const q = bridge.queue({ concurrency: 1 });
    const rs = ['a', 'b', 'c'].map((tag) => record(emu(), q.triggerServer('work', tag, 1000)));
    await emu().advance(100);
    emu().stop('caller');
    await emu().advance(0);
    expect(rs.map((r) => r.code)).toEqual(['RESOURCE_STOPPED', 'RESOURCE_STOPPED', 'RESOURCE_STOPPED']);
    expect(bridge.engine.pending.size).toBe(0);
    const late = record(emu(), q.triggerServer('work', 'late'));
    await emu().advance(0);
    expect(late.code).toBe('RESOURCE_STOPPED');
    expect(emu().scriptErrors).toEqual([]);
  });

  it('plain calls are not queued: they run while the queue is full', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const seen = await measuredWork(w);
    const q = caller(w).queue({ concurrency: 1 });
    record(emu(), q.triggerServer('work', 'queued1', 500));
    record(emu(), q.triggerServer('work', 'queued2', 10));
    const plain = record(emu(), caller(w).triggerServer('work', 'plain', 10));
    await emu().advance(300);
    expect(plain.value).toBe('done plain');
    expect(seen.order).toEqual(['queued1', 'plain']);
  });

  it('withOptions is immutable and shares the queue; a queue starts with its bridge options', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined));
    const q = caller(w).withOptions({ timeout: 200 }).queue({ concurrency: 2 });
    const high = q.withOptions({ priority: 9, timeout: 400 });
    expect(high).not.toBe(q);
    const rs = [record(emu(), q.triggerServer('never')), record(emu(), high.triggerServer('never'))];
    expect([q.running, high.running]).toEqual([2, 2]);
    await emu().advance(1000);
    expect(rs.map((r) => [r.code, Math.round(r.took! / 100) * 100])).toEqual([['TIMEOUT', 200], ['TIMEOUT', 400]]);
    // TypeErrors of the resource's realm: matched by message.
    expect(() => q.withOptions({ priority: Number.NaN })).toThrow(/priority must be a finite number/);
    expect(() => caller(w).queue({ concurrency: 0 })).toThrow(/'concurrency' must be a positive integer/);
  });

  it('on the server: triggerClient queues calls to players; the wrong side throws as a plain bridge does', async () => {
    const w = await world(emu(), { shop: {} }, { players: 2 });
    let now = 0;
    let max = 0;
    await registerOnClients(emu(), w, 'shop', 'ask', (p) => async (n: number) => {
      max = Math.max(max, ++now);
      await delay(emu(), 50);
      now--;
      return `${p.netId}:${n}`;
    });
    const q = w.server('shop').queue({ concurrency: 2 });
    const rs = Array.from({ length: 8 }, (_, i) => record(emu(), q.triggerClient(w.players[i % 2].netId, 'ask', i)));
    await emu().advance(2000);
    expect(rs.map((r) => r.value)).toEqual(rs.map((_, i) => `${w.players[i % 2].netId}:${i}`));
    expect(max).toBe(2);
    expect(() => q.triggerServer('ask')).toThrow(/only available on the client/);
  });
});
