/**
 * The bridge's metrics service: pulls every engine of the machine when asked, keeps the recent window while someone
 * watches, and resets. Pulls stay "when asked" (contract §10): a pull a second runs only for {@link WATCH_MS} after
 * the last look (the dashboard, the JSON view, the console command); a Prometheus scrape pulls once and starts nothing.
 */
import { METRICS_RESET_EVENT } from '../engine/metrics.ts';
import type { MetricsPull } from './metrics-pull.ts';
import { buildView, type MetricsView } from './metrics-view.ts';
import { MetricsWindow } from './metrics-window.ts';

/** The window keeps sampling this long after the last look, ms. */
export const WATCH_MS = 60_000;
/** One pull a second while watched. */
export const SAMPLE_MS = 1000;

export interface MetricsServiceDeps {
  version: string;
  /** Pulls every engine now (src/bridge/metrics-pull.ts). */
  pull(): MetricsPull;
  /** Raises a local event on this machine (the runtime's TriggerEvent). */
  emit(event: string, ...args: unknown[]): void;
  now(): number;
  later(fn: () => void, ms: number): void;
  players(): number;
  playerName(id: number): string | null;
}

export class MetricsService {
  readonly window = new MetricsWindow();
  private watchedUntil = 0;
  private ticking = false;
  private lastSample: { at: number; pull: MetricsPull } | null = null;

  constructor(private readonly deps: MetricsServiceDeps) {}

  /** Someone looks: keep the window sampling for {@link WATCH_MS} more. */
  watch(): void {
    this.watchedUntil = this.deps.now() + WATCH_MS;
    if (this.ticking) return;
    this.ticking = true;
    this.tick();
  }

  /** Whether the window is sampling now. */
  get watching(): boolean {
    return this.ticking;
  }

  /** A pull now, for a one-off answer (the Prometheus text). */
  pull(): MetricsPull {
    return this.deps.pull();
  }

  /** The JSON view; it also counts as a look. A pull less than a second old is reused. */
  view(since?: number): MetricsView {
    this.watch();
    const now = this.deps.now();
    const pull = this.lastSample && now - this.lastSample.at < SAMPLE_MS ? this.lastSample.pull : this.sample();
    return buildView(pull, this.window, { version: this.deps.version, now, players: this.deps.players(), playerName: this.deps.playerName }, since);
  }

  /** Every engine on the machine starts counting again; the window starts over. */
  reset(): void {
    this.deps.emit(METRICS_RESET_EVENT);
    this.window.clear();
    this.lastSample = null;
  }

  private sample(): MetricsPull {
    const at = this.deps.now();
    const pull = this.deps.pull();
    this.window.add(at, pull);
    this.lastSample = { at, pull };
    return pull;
  }

  private tick(): void {
    if (this.deps.now() > this.watchedUntil) {
      this.ticking = false;
      return;
    }
    if (!this.lastSample || this.deps.now() - this.lastSample.at >= SAMPLE_MS - 50) this.sample();
    this.deps.later(() => this.tick(), SAMPLE_MS);
  }
}
