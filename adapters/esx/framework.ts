/**
 * L1 while es_extended runs: every callback served through the bridge (any API, this side) is registered into ESX's
 * own registry with a relay, so unmodified ESX callers on the other side reach it through ESX's wire. ESX answers its
 * wire events itself; the bridge never listens to them in this mode (ref §7.2: one owner per wire event, never a
 * second answer).
 */
import type { AdapterContext } from '../types.ts';
import type { CallbackError } from '../../src/core/errors.ts';
import { callExport, listen } from './cfx.ts';
import { ESX_RESOURCE, SHARED_OBJECT_EXPORT } from './protocol.ts';

/** ESX's cb, a function reference into es_extended: it sends the reply (ref §2.2). */
type EsxCb = (...values: unknown[]) => void;

/** The two registry functions of one side of the ESX object (the bridge's own msgpack copy, ref §2.3). */
interface EsxRegistry {
  register(name: string, relay: (...args: any[]) => void): void;
  exists(name: string): boolean;
}

function registryOf(ctx: AdapterContext): EsxRegistry {
  const esx = callExport(ESX_RESOURCE, SHARED_OBJECT_EXPORT) as Record<string, (...args: any[]) => any>;
  const [register, exists] =
    ctx.side === 'server' ? [esx.RegisterServerCallback, esx.DoesServerCallbackExist] : [esx.RegisterClientCallback, esx.DoesClientCallbackExist];
  if (typeof register !== 'function' || typeof exists !== 'function') throw new Error('es_extended has no callback registry on this side');
  return { register: (name, relay) => void register(name, relay), exists: (name) => exists(name) === true };
}

/** Starts L1; returns its detach. */
export function attachFramework(ctx: AdapterContext): () => void {
  let esx = registryOf(ctx);
  let active = true;

  /** Serves one ESX request through the engine that owns `name`; ESX's cb gets every value. */
  const relay = (name: string, player: number, cb: EsxCb, args: unknown[]) => {
    if (!active) return;
    ctx.engine.callLocal(player, name, args, {}, (outcome) => {
      if (outcome.ok) {
        try {
          cb(...outcome.values);
        } catch (e) {
          ctx.log('warn', `ESX callback '${name}': es_extended could not take the reply: ${String(e)}`);
        }
        return;
      }
      // As ESX does for a missing or failing callback, no reply goes out (ref §2.2); the reason is printed here.
      const error = outcome.error as CallbackError;
      ctx.log('warn', `ESX callback '${name}' (player ${player}) got no reply: ${error.code ?? 'ERROR'}: ${error.message}`);
    });
  };

  const add = (name: string) => {
    const handler =
      ctx.side === 'server'
        ? (source: number, cb: EsxCb, ...args: unknown[]) => relay(name, Number(source), cb, args)
        : (cb: EsxCb, ...args: unknown[]) => relay(name, 0, cb, args);
    try {
      esx.register(name, handler);
    } catch (e) {
      ctx.log('warn', `ESX callback '${name}': could not register it in es_extended: ${String(e)}`);
    }
  };

  // Names served before ESX came: an entry ESX already has (an aliased resource registered it there itself, with
  // a shorter path) stays. Names that come later are registered at once: ESX's rule is that the last one wins.
  const addAll = () => {
    for (const [name] of ctx.names()) if (!safeExists(esx, name)) add(name);
  };
  addAll();
  const stops = [
    ctx.onNamesChanged((delta) => {
      // A name that goes away keeps its relay in ESX (ESX 1.13 cannot unregister): the relay then hears NOT_FOUND,
      // sends nothing and says so, as ESX does for a name it does not know.
      for (const [name, address] of delta) if (address) add(name);
    }),
    // A restart (stop and start in one command) leaves the mode unchanged, so the host does not attach again; the
    // new es_extended starts with an empty registry and a new object. Queued: its scripts have run by then.
    listen(ctx.side === 'server' ? 'onServerResourceStart' : 'onClientResourceStart', (resource: unknown) => {
      if (resource !== ESX_RESOURCE || !active) return;
      try {
        esx = registryOf(ctx);
        addAll();
      } catch (e) {
        ctx.log('warn', `es_extended restarted but its registry could not be reached: ${String(e)}`);
      }
    }, false),
  ];
  return () => {
    active = false;
    for (const stop of stops) stop();
  };
}

function safeExists(esx: EsxRegistry, name: string): boolean {
  try {
    return esx.exists(name);
  } catch {
    return false;
  }
}
