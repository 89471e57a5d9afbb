/**
 * Virtual time for the whole emulation. Tasks run in (time, insertion) order; nothing reads the wall clock, so tests
 * are fast and deterministic.
 */
export interface ClockTask {
  readonly at: number;
  readonly seq: number;
  fn: (() => void) | null;
}

export class VirtualClock {
  private current = 0;
  private seq = 0;
  private heap: ClockTask[] = [];

  /** Virtual milliseconds since the emulation began. */
  now(): number {
    return this.current;
  }

  /** Schedules `fn` at virtual time `at` (never in the past). */
  at(at: number, fn: () => void): ClockTask {
    const task: ClockTask = { at: Math.max(at, this.current), seq: this.seq++, fn };
    this.push(task);
    return task;
  }

  /** Cancels a scheduled task; cheap (the slot is skipped when it comes up). */
  cancel(task: ClockTask): void {
    task.fn = null;
  }

  /** Earliest pending task time, or Infinity. */
  nextAt(): number {
    while (this.heap.length && this.heap[0].fn === null) this.pop();
    return this.heap.length ? this.heap[0].at : Infinity;
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
      while (this.heap.length && this.heap[0].at === next) {
        const task = this.pop();
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
      const task = this.pop();
      const fn = task.fn;
      task.fn = null;
      if (fn) fn();
    }
    this.current = Math.max(this.current, until);
  }

  get pending(): number {
    return this.heap.length;
  }

  private less(a: ClockTask, b: ClockTask): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(task: ClockTask): void {
    const h = this.heap;
    h.push(task);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): ClockTask {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
