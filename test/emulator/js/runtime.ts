/**
 * A JS resource: one `vm` context with the CitizenFX JS globals (ref §1), talking to the rest of the machine only in
 * msgpack bytes through its `RuntimeHost`.
 */
import vm from 'node:vm';
import { createJsCodec, type JsCodec, type JsRealm } from '../msgpack/js-codec.ts';
import { DeadReferenceError } from '../funcref.ts';
import { newInstanceId } from '../funcref.ts';
import type { RuntimeHost, ScriptRuntime } from '../types.ts';
import { JsTimers } from './timers.ts';
import { buildGlobals } from './globals.ts';

type Listener = (...args: any[]) => unknown;

interface RefEntry {
  fn: Function;
  refCount: number;
}

const asyncRetvalKey = '__cfx_async_retval';

/** The built-ins of a resource's context that the runtime hands to its scripts. */
export interface ScriptRealm extends JsRealm {
  Promise: PromiseConstructor;
  Error: ErrorConstructor;
  Function: FunctionConstructor;
}

/** Keeps the callee's refcount honest when a received function proxy is garbage-collected (ref §2.4). */
const proxyFinalizer = new FinalizationRegistry<{ host: RuntimeHost; ref: string; alive: () => boolean }>((held) => {
  if (held.alive()) held.host.deleteFunctionReference(held.ref);
});

export class JsRuntime implements ScriptRuntime {
  readonly kind = 'js' as const;
  readonly instanceId = newInstanceId();
  readonly codec: JsCodec;
  readonly timers: JsTimers;
  readonly listeners = new Map<string, Listener[]>();
  readonly rawListeners = new Map<string, Listener[]>();
  readonly netSafe = new Set<string>();
  readonly context: vm.Context;
  /**
   * The context's own built-ins. FXServer builds decoded payloads, function proxies, export Promises and runtime
   * errors inside the resource's context, so `instanceof Array/Promise/Error/Function` holds in scripts (ref §2.1,
   * §2.4); values made with the host's built-ins would fail those checks.
   */
  readonly realm: ScriptRealm;
  private readonly refs = new Map<number, RefEntry>();
  private nextRefIdx = 0;
  private destroyed = false;
  private depth = 0;

  constructor(readonly host: RuntimeHost) {
    this.timers = new JsTimers(
      () => host.now(),
      (at) => host.wakeAt(at),
      (where, e) => this.reportError(where === 'tick' ? 'in tick' : 'in timer', e),
    );
    this.context = vm.createContext(buildGlobals(this));
    this.realm = vm.runInContext('({ Array, Object, Uint8Array, Promise, Error, Function })', this.context) as ScriptRealm;
    this.codec = createJsCodec({
      packFunction: (fn) => this.makeRef(fn),
      unpackFuncRef: (ref) => this.makeProxy(ref),
      realm: this.realm,
    });
  }

  get side() {
    return this.host.side;
  }

  /** Runs `fn` with this runtime on top of the runtime stack (GetInvokingResource, ref §1.5). */
  enter<T>(fn: () => T): T {
    this.host.enterRuntime(this);
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      this.host.exitRuntime();
    }
  }

  /** Host calls made by script code: make sure this runtime is the caller even after an `await`. */
  asCaller<T>(fn: () => T): T {
    return this.depth > 0 ? fn() : this.enter(fn);
  }

  loadScript(fileName: string, source: string): void {
    this.enter(() => {
      try {
        vm.runInContext(source, this.context, { filename: fileName });
      } catch (e) {
        this.reportError(`loading ${fileName}`, e);
      }
    });
  }

  dispatchEvent(name: string, payload: Uint8Array, rawSource: string): void {
    if (this.destroyed) return;
    const ctx = this.context as { source: unknown };
    const listeners = this.listeners.get(name);
    let source: unknown = rawSource;
    if (rawSource.startsWith('net')) {
      // ref §1.1 step 2: a net event reaching non-net-safe listeners is refused.
      if (listeners?.length && !this.netSafe.has(name)) {
        this.host.print(`^1Event ${name} was not safe for net^7`);
        ctx.source = null;
        return;
      }
      source = parseInt(rawSource.slice(4), 10);
    } else if (this.host.side === 'server' && rawSource.startsWith('internal-net')) {
      source = parseInt(rawSource.slice(13), 10);
    }
    this.enter(() => {
      ctx.source = source;
      const raw = this.rawListeners.get(name);
      if (raw) {
        for (const fn of raw.slice()) {
          try {
            fn(payload, rawSource);
          } catch (e) {
            this.reportError(`in raw event '${name}'`, e);
          }
        }
      }
      if (!listeners?.length) {
        ctx.source = null;
        return;
      }
      const args = this.codec.unpack(payload) ?? [];
      if (!Array.isArray(args)) {
        ctx.source = null;
        return;
      }
      for (const fn of listeners.slice()) {
        ctx.source = source;
        try {
          const r = fn.apply(null, args) as PromiseLike<unknown> | undefined;
          if (r && typeof r.then === 'function') r.then(undefined, (e) => this.reportError('Unhandled promise failure:', e, true));
        } catch (e) {
          this.reportError(`in event '${name}'`, e);
        }
      }
      ctx.source = null;
    });
  }

  // ---- function references (ref §2.4) ----

  /** `Citizen.makeRefFunction`: a new entry with refcount 0 on every pack (no dedup). */
  makeRef(fn: Function): string {
    const idx = this.nextRefIdx++;
    this.refs.set(idx, { fn, refCount: 0 });
    return this.host.canonicalizeRef(this, idx);
  }

  callRef(idx: number, args: Uint8Array): Uint8Array {
    const entry = this.refs.get(idx);
    if (!entry || this.destroyed) {
      this.host.print(`^1Invalid ref call attempt: ${idx}^7`);
      return this.codec.pack([]);
    }
    return this.enter(() => {
      let rv: unknown;
      try {
        const list = this.codec.unpack(args);
        rv = entry.fn(...(Array.isArray(list) ? list : []));
      } catch (e) {
        this.reportError('in function reference', e);
        return this.codec.pack(null);
      }
      if (rv && typeof (rv as PromiseLike<unknown>).then === 'function') {
        const promise = rv as PromiseLike<unknown>;
        return this.codec.pack([
          {
            [asyncRetvalKey]: (cb: (value: unknown, err: unknown) => void) => {
              promise.then(
                (value) => cb([value], null),
                (e) => cb(null, e instanceof Error || (e && (e as Error).message) ? (e as Error).message : String(e)),
              );
            },
          },
        ]);
      }
      return this.codec.pack([rv]);
    });
  }

  duplicateRef(idx: number): number {
    const entry = this.refs.get(idx);
    if (entry) entry.refCount++;
    return idx;
  }

  deleteRef(idx: number): void {
    const entry = this.refs.get(idx);
    if (entry && --entry.refCount <= 0) this.refs.delete(idx);
  }

  get refCount(): number {
    return this.refs.size;
  }

  /** A callable for a received ref: calls through the host and decodes like FiveM's JS caller (ref §2.4). */
  private makeProxy(ref: string): Function {
    const host = this.host;
    host.duplicateFunctionReference(ref);
    const invoker = host.getInvokingResource();
    const runtime = this;
    const proxy = function (...args: unknown[]): unknown {
      let result: unknown;
      try {
        const bytes = runtime.asCaller(() => host.invokeFunctionReference(ref, runtime.codec.pack(args)));
        result = runtime.codec.unpack(bytes);
      } catch (e) {
        if (!(e instanceof DeadReferenceError)) throw e;
        result = null;
      }
      if (result == null) throw new runtime.realm.Error(runtime.nestedRefMessage(invoker));
      if (!Array.isArray(result)) return result;
      if (result.length === 0) return undefined;
      if (result.length === 1) {
        const first = result[0] as Record<string, unknown> | null;
        if (first && typeof first === 'object' && typeof first[asyncRetvalKey] === 'function') {
          return runtime.awaitAsyncRetval(first[asyncRetvalKey] as Function);
        }
        return first;
      }
      return result;
    };
    // A function of the script's realm, as FiveM's makeFunctionReference returns (ref §2.4).
    Object.setPrototypeOf(proxy, this.realm.Function.prototype);
    // Unregistered when this runtime is destroyed: the held value reaches the proxy (host → machine → context), so the
    // registry would otherwise keep a stopped resource, or a dropped client's whole machine, alive for good.
    proxyFinalizer.register(proxy, { host, ref, alive: () => !runtime.destroyed }, this);
    return proxy;
  }

  private awaitAsyncRetval(retval: Function): Promise<unknown> {
    // The script's own Promise (ref §2.4: "JS callers get a Promise"), so `instanceof Promise` holds.
    const { Promise: ScriptPromise, Error: ScriptError } = this.realm;
    return new ScriptPromise((resolve, reject) => {
      retval((value: unknown, err: unknown) => {
        if (err != null && err !== false) reject(new ScriptError(String(err)));
        else resolve(Array.isArray(value) ? value[0] : value);
      });
    });
  }

  private nestedRefMessage(invoker: string | null): string {
    const me = this.host.resourceName;
    let msg = `Error in nested ref call for ${me}. `;
    if (invoker) {
      msg += `${me} tried to call a function reference in ${invoker} but the reference wasn't valid. `;
      msg +=
        this.host.natives.GetResourceState?.(invoker) !== 'started'
          ? `And ${invoker} isn't started, was the resource restarted mid call?`
          : `(did ${invoker} restart recently?)`;
    }
    return msg;
  }

  // ---- ticks and teardown ----

  tick(now: number): void {
    if (this.destroyed || this.timers.size === 0) return;
    this.enter(() => this.timers.tick(now));
  }

  nextWake(): number {
    return this.destroyed ? Infinity : this.timers.nextWake();
  }

  destroy(): void {
    this.destroyed = true;
    proxyFinalizer.unregister(this);
    this.timers.clear();
    this.listeners.clear();
    this.rawListeners.clear();
    this.refs.clear();
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Prints like FiveM's JS runtime and never lets the error escape (ref §1.1 step 6). */
  reportError(where: string, e: unknown, promise = false): void {
    const err = e as { stack?: unknown; message?: unknown } | null;
    let text = err && typeof err.stack === 'string' ? err.stack : err && err.message ? String(err.message) : String(e);
    // Scripts see their own frames only, as in FXServer: drop the emulator's and Node's.
    text = text
      .split('\n')
      .filter((line) => !/^\s+at .*(node:|\/test\/emulator\/|node_modules)/.test(line))
      .join('\n');
    this.host.scriptError(promise ? `${where} ${text}` : `${where}: ${text}`);
  }
}
