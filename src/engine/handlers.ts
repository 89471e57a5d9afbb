/**
 * The callbacks registered in one engine, each with its owner resource and options. Re-registering from the same
 * owner replaces (a restart must just work); from another owner it is refused unless the option allows it.
 */
import type { CallbackOptions } from './config.ts';

/**
 * How a handler answers: `cb` style gets a reply function (`handler(source, cb, ...args)` on the server,
 * `handler(cb, ...args)` on a client); `return` style returns the reply (or a Promise of it).
 */
export type HandlerStyle = 'cb' | 'return';

export type Handler = (...args: any[]) => unknown;

export interface RegisteredCallback {
  readonly name: string;
  readonly style: HandlerStyle;
  readonly handler: Handler;
  readonly options: CallbackOptions;
  /** The resource that registered it: it goes when that resource stops. */
  readonly owner: string;
}

export type RegisterResult = { ok: true; replaced: boolean } | { ok: false; owner: string };

/**
 * Told of every change of a registry: `entry` is the callback now held under `name` (added or replaced), undefined when
 * the name was removed. Runs synchronously, inside the change; it must not throw.
 */
export type RegistryListener = (name: string, entry: RegisteredCallback | undefined) => void;

export class HandlerRegistry {
  private readonly callbacks = new Map<string, RegisteredCallback>();
  /** Replaced, never changed in place: a listener that removes itself does not shift the list being walked. */
  private listeners: readonly RegistryListener[] = [];

  /**
   * Calls `fn` on every later add, replace and removal. The engine knows no framework; an adapter that must act on
   * registrations (answer them over a framework's own wire, say) listens here. Returns the function that stops it.
   */
  onChange(fn: RegistryListener): () => void {
    this.listeners = [...this.listeners, fn];
    return () => void (this.listeners = this.listeners.filter((f) => f !== fn));
  }

  private changed(name: string, entry: RegisteredCallback | undefined): void {
    const list = this.listeners;
    for (let i = 0; i < list.length; i++) list[i](name, entry);
  }

  get(name: string): RegisteredCallback | undefined {
    return this.callbacks.get(name);
  }

  has(name: string): boolean {
    return this.callbacks.has(name);
  }

  add(entry: RegisteredCallback): RegisterResult {
    const current = this.callbacks.get(entry.name);
    if (current && current.owner !== entry.owner && !entry.options.allowOverride) return { ok: false, owner: current.owner };
    this.callbacks.set(entry.name, entry);
    this.changed(entry.name, entry);
    return { ok: true, replaced: !!current };
  }

  /** Removes `name`; when `owner` is given, only if that resource owns it. */
  remove(name: string, owner?: string): boolean {
    const current = this.callbacks.get(name);
    if (!current || (owner !== undefined && current.owner !== owner)) return false;
    this.callbacks.delete(name);
    this.changed(name, undefined);
    return true;
  }

  /** Removes everything `owner` registered; returns the names. */
  removeOwner(owner: string): string[] {
    const gone: string[] = [];
    for (const [name, cb] of this.callbacks) {
      if (cb.owner === owner) {
        this.callbacks.delete(name);
        gone.push(name);
        this.changed(name, undefined);
      }
    }
    return gone;
  }

  names(): string[] {
    return [...this.callbacks.keys()];
  }
}
