/**
 * Runs the adapters: detects each family when the bridge starts and again whenever a resource starts or stops (a
 * framework may start after the bridge), attaches it in the mode it is in, and detaches it when that changes.
 */
import type { Adapter, AdapterContext, AdapterMode } from '../../adapters/types.ts';

interface Attached {
  mode: AdapterMode;
  detach: () => void;
}

export class AdapterHost {
  private readonly attached = new Map<string, Attached>();

  constructor(
    private readonly adapters: readonly Adapter[],
    private readonly ctx: AdapterContext,
  ) {}

  /** Brings every adapter in line with what runs now. */
  refresh(): void {
    for (const adapter of this.adapters) {
      let mode: AdapterMode | null;
      try {
        mode = adapter.detect(this.ctx);
      } catch (e) {
        this.ctx.log('error', `adapter ${adapter.name}: detection failed: ${String(e)}`);
        mode = null;
      }
      const current = this.attached.get(adapter.name);
      if (current?.mode === mode) continue;
      if (current) {
        this.safely(adapter, 'detach', current.detach);
        this.attached.delete(adapter.name);
      }
      if (mode) {
        let detach: () => void = () => undefined;
        this.safely(adapter, 'attach', () => (detach = adapter.attach(this.ctx, mode!)));
        this.attached.set(adapter.name, { mode, detach });
        this.ctx.log('info', `adapter ${adapter.name} attached (${mode})`);
      }
    }
  }

  /** Which mode each attached family is in (for metrics and tests). */
  modes(): Record<string, AdapterMode> {
    return Object.fromEntries([...this.attached].map(([name, a]) => [name, a.mode]));
  }

  detachAll(): void {
    for (const adapter of this.adapters) {
      const a = this.attached.get(adapter.name);
      if (a) this.safely(adapter, 'detach', a.detach);
    }
    this.attached.clear();
  }

  private safely(adapter: Adapter, what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.ctx.log('error', `adapter ${adapter.name}: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
}

/** Parses `callback_bridge:standin` ("es_extended, qb-core") into lower-case resource names. */
export function parseStandins(value: string): string[] {
  return value
    .split(/[,\s]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}
