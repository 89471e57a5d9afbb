/**
 * The globals of a FiveM JS resource (ref §1.1–1.5), built for one `JsRuntime`. Script code only ever reaches the
 * machine through these.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { JsRuntime } from './runtime.ts';

type Listener = (...args: any[]) => unknown;

/** The `exports` proxy: `exports('name', fn)` registers, `exports.res.fn(...)` calls (ref §1.3). */
function buildExports(rt: JsRuntime, on: (name: string, fn: Listener) => void, emit: (name: string, ...a: unknown[]) => void) {
  const cache = new Map<string, Record<string, Function>>();
  const resourceName = rt.host.resourceName;
  const clearFor = (res: unknown) => cache.delete(String(res));
  on(rt.side === 'server' ? 'onServerResourceStop' : 'onClientResourceStop', clearFor);

  const register = (...args: unknown[]) => {
    if (args.length !== 2) throw new rt.realm.Error('this needs 2 arguments');
    const [name, fn] = args as [string, Function];
    on(`__cfx_export_${resourceName}_${name}`, (setCB: Function) => setCB(fn));
  };
  return new Proxy(register, {
    get(_t, resProp) {
      if (typeof resProp !== 'string') return undefined;
      const res = resProp === 'txAdmin' ? 'monitor' : resProp;
      let table = cache.get(res);
      if (!table) cache.set(res, (table = {}));
      const resTable = table;
      return new Proxy(
        {},
        {
          get(_t2, fnProp) {
            if (typeof fnProp !== 'string') return undefined;
            let fn = resTable[fnProp];
            if (!fn) {
              let found: Function | undefined;
              emit(`__cfx_export_${res}_${fnProp}`, (exp: Function) => (found = exp));
              if (!found) throw new rt.realm.Error(`No such export ${fnProp} in resource ${res}`);
              const target = found;
              fn = (...a: unknown[]) => {
                try {
                  return target(...a);
                } catch (e) {
                  // The callee prints its own error; a failure of the reference itself is printed here.
                  // (The error is of the script's realm: test its message, not `instanceof` a host class.)
                  const message = (e as { message?: unknown } | null)?.message;
                  if (typeof message === 'string' && message.startsWith('Error in nested ref call')) rt.host.print(`^1${message}^7`);
                  throw new rt.realm.Error(`An error occurred while calling export ${fnProp} of resource ${res} - see above for details`);
                }
              };
              // FiveM's wrapper is a function of the script's realm (ref §1.3).
              Object.setPrototypeOf(fn, rt.realm.Function.prototype);
              resTable[fnProp] = fn;
            }
            return fn;
          },
          set() {
            throw new rt.realm.Error('cannot set values on an export resource');
          },
        },
      );
    },
    set() {
      throw new rt.realm.Error('cannot set values on exports');
    },
  });
}

export function buildGlobals(rt: JsRuntime): Record<string, unknown> {
  const host = rt.host;
  const pack = (v: unknown) => rt.codec.pack(v);
  const addListener = (name: string, fn: Listener, netSafe = false) => {
    host.registerEventHandler(name);
    const list = rt.listeners.get(name);
    if (list) {
      list.push(fn);
      if (list.length === 11) host.print('possible EventEmitter memory leak detected. 11 listeners added.');
    } else rt.listeners.set(name, [fn]);
    if (netSafe) rt.netSafe.add(name);
  };
  const removeListener = (name: string, fn: Listener) => {
    const list = rt.listeners.get(name);
    const i = list ? list.indexOf(fn) : -1;
    if (i >= 0) list!.splice(i, 1);
  };
  const emit = (name: string, ...args: unknown[]) => {
    const payload = pack(args);
    rt.asCaller(() => host.triggerEvent(name, payload));
  };
  const on = (name: string, fn: Listener) => addListener(name, fn);
  const onNet = (name: string, fn: Listener) => addListener(name, fn, true);
  const registerNet = (name: string) => void rt.netSafe.add(name);

  const g: Record<string, unknown> = {
    console: {
      log: (...a: unknown[]) => host.print(a.map(String).join(' ')),
      info: (...a: unknown[]) => host.print(a.map(String).join(' ')),
      warn: (...a: unknown[]) => host.print(`^3${a.map(String).join(' ')}^7`),
      error: (...a: unknown[]) => host.print(`^1${a.map(String).join(' ')}^7`),
      debug: (...a: unknown[]) => host.print(a.map(String).join(' ')),
    },
    on, addEventListener: addListener, AddEventHandler: addListener,
    onNet, addNetEventListener: onNet,
    RegisterNetEvent: registerNet, RegisterServerEvent: registerNet,
    removeEventListener: removeListener, RemoveEventHandler: removeListener,
    addRawEventListener: (name: string, fn: Listener) => {
      host.registerEventHandler(name);
      const list = rt.rawListeners.get(name);
      if (list) list.push(fn);
      else rt.rawListeners.set(name, [fn]);
    },
    setMaxEventListeners: () => undefined,
    emit, TriggerEvent: emit,
    CancelEvent: () => host.cancelEvent(),
    WasEventCanceled: () => host.wasEventCanceled(),
    setTick: (fn: () => unknown) => rt.timers.setTick(fn),
    clearTick: (id: number) => rt.timers.clearTick(id),
    setTimeout: (fn: Listener, ms?: number, ...a: unknown[]) => rt.timers.setTimer(fn, ms, a, false),
    setInterval: (fn: Listener, ms?: number, ...a: unknown[]) => rt.timers.setTimer(fn, ms, a, true),
    setImmediate: (fn: Listener, ...a: unknown[]) => rt.timers.setTimer(fn, 0, a, false),
    clearTimeout: (h: unknown) => rt.timers.clearTimer(h),
    clearInterval: (h: unknown) => rt.timers.clearTimer(h),
    clearImmediate: (h: unknown) => rt.timers.clearTimer(h),
    queueMicrotask,
    TextEncoder, TextDecoder, URL, URLSearchParams, AbortController, AbortSignal, Event, EventTarget,
    structuredClone, atob, btoa, performance,
    source: null,
  };
  // Natives that take a callback (RegisterCommand, SetHttpHandler) call it later from the machine: run it as this
  // runtime, with its errors reported, as a function reference would be (ref §2.4).
  const asCallback = (x: unknown) =>
    typeof x === 'function'
      ? (...args: unknown[]) =>
          rt.enter(() => {
            try {
              return (x as Listener)(...args);
            } catch (e) {
              rt.reportError('in callback', e);
            }
          })
      : x;
  for (const [name, fn] of Object.entries(host.natives)) {
    g[name] = (...a: unknown[]) => rt.asCaller(() => fn(...a.map(asCallback)));
  }

  if (host.side === 'server') {
    g.emitNet = g.TriggerClientEvent = (name: string, target: unknown, ...args: unknown[]) => {
      host.triggerClientEvent(name, toTarget(target), pack(args));
    };
    g.TriggerLatentClientEvent = (name: string, target: unknown, bps: number, ...args: unknown[]) => {
      host.triggerLatentClientEvent(name, toTarget(target), pack(args), Number(bps) || 0);
    };
    g.getPlayers = () => {
      const n = host.natives.GetNumPlayerIndices() as number;
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(host.natives.GetPlayerFromIndex(i) as string);
      return out;
    };
    g.getPlayerIdentifiers = (p: unknown) => {
      const n = host.natives.GetNumPlayerIdentifiers(p) as number;
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(host.natives.GetPlayerIdentifier(p, i) as string);
      return out;
    };
    // ref §6: the Node runtime gives a `require` rooted at the resource, and Node's Buffer/process.
    g.require = createRequire(path.join(host.resourcePath, '__fxserver__.js'));
    g.Buffer = Buffer;
    g.process = { env: {}, platform: process.platform, versions: process.versions, on: () => undefined, nextTick: queueMicrotask };
  } else {
    g.emitNet = g.TriggerServerEvent = (name: string, ...args: unknown[]) => host.triggerServerEvent(name, pack(args));
    g.TriggerLatentServerEvent = (name: string, bps: number, ...args: unknown[]) => {
      host.triggerLatentServerEvent(name, pack(args), Number(bps) || 0);
    };
  }
  g.exports = buildExports(rt, on, emit);
  g.global = g;
  return g;
}

/** The natives wrapper `_ts()`: 0/null/undefined/false → no target, anything else → its string (ref §1.1). */
function toTarget(target: unknown): string {
  if (target === 0 || target === null || target === undefined || target === false) return '';
  return String(target);
}
