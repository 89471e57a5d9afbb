/**
 * Virtual time for the whole emulation. Tasks run in (time, insertion) order; nothing reads the wall clock, so tests
 * are fast and deterministic.
 */
import { MinHeap } from '../../src/core/min-heap.ts';
export interface ClockTask {
  readonly at: number;
  readonly seq: number;
  fn: (() => void) | null;
}

export class VirtualClock {
  private current = 0;
  private seq = 0;
  private readonly heap = new MinHeap<ClockTask>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));

  /** Virtual milliseconds since the emulation began. */
  now(): number {
    return this.current;
  }

  /** Schedules `fn` at virtual time `at` (never in the past). */
  at(at: number, fn: () => void): ClockTask {
    const task: ClockTask = { at: Math.max(at, this.current), seq: this.seq++, fn };
    this.heap.push(task);
    return task;
  }

  /** Cancels a scheduled task; cheap (the slot is skipped when it comes up). */
  cancel(task: ClockTask): void {
    task.fn = null;
  }

  /** Earliest pending task time, or Infinity. */
  nextAt(): number {
    while (this.heap.size && this.heap.peek()!.fn === null) this.heap.pop();
    return this.heap.peek()?.at ?? Infinity;
  }

  /**
   * Runs every task due up to and including `until`, in order, then leaves the clock at `until`.
   * `between` runs after each batch of tasks that share one instant (the emulator drains microtasks there).
   */
  async runUntil(until: number, between?: () => Promise<void>): Promise<void> {
    for (;;) {
      const next = this.nextAt();
      if (next > until) break;
      this.current = next;
      while (this.heap.size && this.heap.peek()!.at === next) {
        const task = this.heap.pop()!;
        const fn = task.fn;
        task.fn = null;
        if (fn) fn();
      }
      if (between) await between();
    }
    this.current = Math.max(this.current, until);
  }

  /** Synchronous variant for benchmarks that settle no promises between instants. */
  runUntilSync(until: number): void {
    for (;;) {
      const next = this.nextAt();
      if (next > until) break;
      this.current = next;
      const task = this.heap.pop()!;
      const fn = task.fn;
      task.fn = null;
      if (fn) fn();
    }
    this.current = Math.max(this.current, until);
  }

  get pending(): number {
    return this.heap.size;
  }
}
