/**
 * The client-side call queue (seed "Community Bridge", Queue Management): calls wait their turn, at most
 * `concurrency` of them are in flight at once, and the highest `priority` starts first (first come, first served
 * among equals). A started call is a normal engine call: its timeout, retries and error codes are the engine's, and
 * it holds its slot until it ends (retries included). Time spent waiting in the queue does not count toward the
 * call's timeout; an `AbortSignal` ends a waiting call at once.
 *
 * Opt-in: plain calls never pass through a queue. Twin of lua/queue.lua; both run test/vectors/queue.json.
 */
import { CallbackError } from '../core/errors.ts';
import { MinHeap } from '../core/min-heap.ts';
import type { Outcome } from '../core/pending-requests.ts';
import type { CallOptions } from './config.ts';
import type { CallbackEngine } from './engine.ts';

/** How a queue runs its calls. */
export interface QueueOptions {
  /** Calls in flight at once, a positive integer (default 1: one after the other). */
  concurrency?: number;
  /** Calls allowed to wait; one more is refused with BUSY at once (default: no limit). */
  maxQueued?: number;
}

/** Options of one queued call: the engine's call options and where it stands in the line. */
export interface QueuedCallOptions extends CallOptions {
  /** Higher starts first (default 0); equal priorities start in the order they were queued. */
  priority?: number;
}

/** One waiting call, as the scheduler sees it. */
export interface QueuedJob {
  readonly priority: number;
  /** Starts the call; it must call `CallQueue.finished()` exactly once when it ends (even synchronously). */
  start(): void;
}

interface Entry<J> {
  job: J;
  seq: number;
  removed: boolean;
}

/** Why a call never started: the message both twins use (test/vectors/queue.json names only the codes). */
export const QUEUE_MESSAGES = {
  cleared: (name: string) => `callback '${name}' refused: the queue was cleared before it started`,
  full: (name: string) => `callback '${name}' refused: the queue is full`,
} as const;

function positiveInteger(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 1) || (value !== Infinity && !Number.isInteger(value))) {
    throw new TypeError(`queue option '${what}' must be a positive integer`);
  }
  return value;
}

/**
 * The scheduler alone, without the engine: a priority line and a count of running jobs. Starting is synchronous and
 * re-entrant safe: a job that ends inside its own `start()` frees its slot for the next one without recursion.
 */
export class CallQueue<J extends QueuedJob = QueuedJob> {
  readonly concurrency: number;
  readonly maxQueued: number;
  private line = new MinHeap<Entry<J>>((a, b) => a.job.priority > b.job.priority || (a.job.priority === b.job.priority && a.seq < b.seq));
  private seq = 0;
  private waiting = 0;
  private inFlight = 0;
  private pumping = false;

  constructor(options: QueueOptions = {}) {
    this.concurrency = positiveInteger(options.concurrency, 'concurrency', 1);
    this.maxQueued = positiveInteger(options.maxQueued, 'maxQueued', Infinity);
  }

  /** Calls waiting for a slot. */
  get size(): number {
    return this.waiting;
  }

  /** Calls started and not ended yet. */
  get running(): number {
    return this.inFlight;
  }

  /**
   * Queues `job` (it may start before this returns). Returns a handle that removes it while it still waits, or
   * null when the queue is full (the job was not taken).
   */
  push(job: J): { remove(): boolean } | null {
    if (typeof job.priority !== 'number' || !Number.isFinite(job.priority)) throw new TypeError('queue: priority must be a finite number');
    if (this.waiting >= this.maxQueued) return null;
    const entry: Entry<J> = { job, seq: this.seq++, removed: false };
    this.line.push(entry);
    this.waiting++;
    this.pump();
    return {
      remove: () => {
        if (entry.removed) return false;
        entry.removed = true;
        this.waiting--;
        return true;
      },
    };
  }

  /** A started job ended: its slot goes to the next waiting job at once. */
  finished(): void {
    if (this.inFlight <= 0) throw new Error('queue: finished() without a running job');
    this.inFlight--;
    this.pump();
  }

  /** Removes every waiting job and returns them, best first (running jobs are not touched). */
  drain(): J[] {
    const jobs: J[] = [];
    for (let e = this.line.pop(); e; e = this.line.pop()) if (!e.removed) (e.removed = true), jobs.push(e.job);
    this.waiting = 0;
    return jobs;
  }

  private pump(): void {
    if (this.pumping) return; // the outer loop picks up the slot
    this.pumping = true;
    try {
      while (this.inFlight < this.concurrency && this.waiting > 0) {
        const e = this.line.pop()!;
        if (e.removed) continue;
        e.removed = true;
        this.waiting--;
        this.inFlight++;
        e.job.start();
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** A waiting engine call: how to start it and how to end it unstarted. */
interface EngineJob extends QueuedJob {
  end(code: 'BUSY' | 'RESOURCE_STOPPED'): void;
}

/**
 * A queue over one engine: `call` has the shape of `CallbackEngine.call`, so a queued call ends exactly as a plain
 * one does, plus three ways to end before it starts: BUSY when the queue is full or cleared, RESOURCE_STOPPED when
 * this resource stops, and the signal's reason when aborted.
 */
export class EngineCallQueue {
  readonly scheduler: CallQueue<EngineJob>;
  private stopped = false;

  constructor(
    readonly engine: CallbackEngine,
    options: QueueOptions = {},
  ) {
    this.scheduler = new CallQueue<EngineJob>(options);
    // One listener per queue: create queues once, when the script loads, not per call.
    engine.transport.onResourceStop((name) => {
      if (name !== engine.transport.resource) return;
      this.stopped = true;
      this.endWaiting('RESOURCE_STOPPED');
    });
  }

  get size(): number {
    return this.scheduler.size;
  }

  get running(): number {
    return this.scheduler.running;
  }

  /** Queues one call; `done` runs once with its outcome. */
  call(target: number, name: string, args: unknown[], options: QueuedCallOptions, done: (outcome: Outcome) => void): void {
    const { priority = 0, ...callOptions } = options;
    const signal = callOptions.signal;
    if (this.stopped) return done({ ok: false, error: new CallbackError('RESOURCE_STOPPED', name) });
    // The engine ends an aborted call with the signal's reason, without sending anything and without a slot.
    if (signal?.aborted) return this.engine.call(target, name, args, callOptions, done);
    let handle: { remove(): boolean } | null = null;
    const onAbort = () => {
      if (handle?.remove()) this.engine.call(target, name, args, callOptions, done);
    };
    const job: EngineJob = {
      priority,
      start: () => {
        signal?.removeEventListener('abort', onAbort);
        this.engine.call(target, name, args, callOptions, (outcome) => {
          this.scheduler.finished();
          done(outcome);
        });
      },
      end: (code) => {
        signal?.removeEventListener('abort', onAbort);
        done({ ok: false, error: new CallbackError(code, name, code === 'BUSY' ? QUEUE_MESSAGES.cleared(name) : undefined) });
      },
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    handle = this.scheduler.push(job);
    if (handle === null) {
      signal?.removeEventListener('abort', onAbort);
      done({ ok: false, error: new CallbackError('BUSY', name, QUEUE_MESSAGES.full(name)) });
    }
  }

  /**
   * Ends every waiting call with BUSY and returns how many. BUSY because the closed code list (contract §3) has no
   * "cancelled", and BUSY already means what happened: refused for load before reaching a handler, nothing ran,
   * safe to try again. Calls already in flight finish normally.
   */
  clear(): number {
    return this.endWaiting('BUSY');
  }

  private endWaiting(code: 'BUSY' | 'RESOURCE_STOPPED'): number {
    const jobs = this.scheduler.drain();
    for (const job of jobs) job.end(code);
    return jobs.length;
  }
}
