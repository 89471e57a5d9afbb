/**
 * Builds what the adapters get from the bridge (`AdapterContext`) on one side, over the CitizenFX globals and the
 * bridge's ownership record, and starts the adapter host.
 */
import { adapters } from '../../adapters/index.ts';
import type { AdapterContext } from '../../adapters/types.ts';
import type { CallbackEngine } from '../engine/engine.ts';
import { AdapterHost, parseStandins } from './adapter-host.ts';
import type { Ownership } from './ownership.ts';

declare const GetResourceState: (name: string) => string;
declare const GetConvar: (name: string, fallback: string) => string;
declare const on: (event: string, fn: (...args: any[]) => void) => void;
declare const removeEventListener: (event: string, fn: (...args: any[]) => void) => void;

export function startAdapters(engine: CallbackEngine, names: Ownership): AdapterHost {
  const ctx: AdapterContext = {
    side: engine.transport.side,
    engine,
    addressOf: (name) => names.addressOf(name),
    names: () => names.entries(),
    onNamesChanged: (fn) => names.onChange(fn),
    resourceState: (name) => GetResourceState(name),
    standins: () => parseStandins(GetConvar('callback_bridge:standin', '')),
    provideExport(resource, name, fn) {
      // L3 only: never answer for a framework that exists (contract §2).
      if (GetResourceState(resource) !== 'missing') return null;
      const event = `__cfx_export_${resource}_${name}`;
      const handler = (setCB: (f: unknown) => void) => setCB(fn);
      on(event, handler);
      return () => removeEventListener(event, handler);
    },
    log: (level, message) => engine.transport.log(level, message),
  };
  const host = new AdapterHost(adapters, ctx);
  host.refresh();
  // A framework may start or stop after the bridge (queued events: the resource's state has settled by then).
  const refresh = () => host.refresh();
  const side = engine.transport.side === 'server' ? 'Server' : 'Client';
  on(`on${side}ResourceStart`, refresh);
  on(`on${side}ResourceStop`, refresh);
  return host;
}
