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

export class HandlerRegistry {
  private readonly callbacks = new Map<string, RegisteredCallback>();

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
    return { ok: true, replaced: !!current };
  }

  /** Removes `name`; when `owner` is given, only if that resource owns it. */
  remove(name: string, owner?: string): boolean {
    const current = this.callbacks.get(name);
    if (!current || (owner !== undefined && current.owner !== owner)) return false;
    return this.callbacks.delete(name);
  }

  /** Removes everything `owner` registered; returns the names. */
  removeOwner(owner: string): string[] {
    const gone: string[] = [];
    for (const [name, cb] of this.callbacks) {
      if (cb.owner === owner) {
        this.callbacks.delete(name);
        gone.push(name);
      }
    }
    return gone;
  }

  names(): string[] {
    return [...this.callbacks.keys()];
  }
}
