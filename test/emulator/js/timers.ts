/**
 * The tick-driven timers of FiveM's JS runtime (ref §1.4): `setTick`, and `setTimeout`/`setInterval`/`setImmediate`
 * that fire on a runtime tick once `now - lastRun > interval` (strictly), so their resolution is the frame.
 */

interface Timer {
  id: number;
  fn: (...args: unknown[]) => unknown;
  args: unknown[];
  interval: number;
  lastRun: number;
  repeat: boolean;
}

interface Ticker {
  id: number;
  fn: () => unknown;
  busy: boolean;
}

/** The object FiveM's setTimeout returns: Node-like methods and a numeric primitive value. */
export interface TimerHandle {
  ref(): TimerHandle;
  unref(): TimerHandle;
  hasRef(): boolean;
  refresh(): TimerHandle;
  [Symbol.toPrimitive](): number;
}

export class JsTimers {
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();
  private readonly tickers = new Map<number, Ticker>();

  constructor(
    private readonly now: () => number,
    private readonly wakeAt: (at: number) => void,
    private readonly onError: (where: string, e: unknown) => void,
  ) {}

  setTick(fn: () => unknown): number {
    const id = this.nextId++;
    this.tickers.set(id, { id, fn, busy: false });
    this.wakeAt(this.now() + 1);
    return id;
  }

  clearTick(id: number): void {
    this.tickers.delete(id);
  }

  setTimer(fn: (...args: unknown[]) => unknown, ms: unknown, args: unknown[], repeat: boolean): TimerHandle {
    if (typeof fn !== 'function') throw new TypeError('callback must be a function');
    const id = this.nextId++;
    const interval = Math.max(1, Math.min(2 ** 31 - 1, Number(ms) || 1));
    const timer: Timer = { id, fn, args, interval, lastRun: this.now(), repeat };
    this.timers.set(id, timer);
    this.wakeAt(timer.lastRun + interval + 1);
    return this.handle(timer);
  }

  clearTimer(handle: unknown): void {
    if (handle == null) return;
    const id = typeof handle === 'number' ? handle : Number(handle as TimerHandle);
    this.timers.delete(id);
  }

  /** Runs due timers, then every ticker (a ticker whose promise is pending is skipped, ref §1.4). */
  tick(now: number): void {
    for (const timer of [...this.timers.values()]) {
      if (!this.timers.has(timer.id) || now - timer.lastRun <= timer.interval) continue;
      if (timer.repeat) timer.lastRun = now;
      else this.timers.delete(timer.id);
      try {
        timer.fn(...timer.args);
      } catch (e) {
        this.onError('timer', e);
      }
    }
    for (const ticker of [...this.tickers.values()]) {
      if (ticker.busy || !this.tickers.has(ticker.id)) continue;
      try {
        const r = ticker.fn() as PromiseLike<unknown> | undefined;
        if (r && typeof r.then === 'function') {
          ticker.busy = true;
          r.then(
            () => (ticker.busy = false),
            (e) => {
              ticker.busy = false;
              this.onError('tick', e);
            },
          );
        }
      } catch (e) {
        this.onError('tick', e);
      }
    }
  }

  nextWake(): number {
    if (this.tickers.size) return this.now() + 1;
    let next = Infinity;
    for (const t of this.timers.values()) next = Math.min(next, t.lastRun + t.interval + 1);
    return next;
  }

  clear(): void {
    this.timers.clear();
    this.tickers.clear();
  }

  get size(): number {
    return this.timers.size + this.tickers.size;
  }

  private handle(timer: Timer): TimerHandle {
    const self = this;
    const h: TimerHandle = {
      ref: () => h,
      unref: () => h,
      hasRef: () => true,
      refresh() {
        timer.lastRun = self.now();
        return h;
      },
      [Symbol.toPrimitive]: () => timer.id,
    };
    return h;
  }
}
