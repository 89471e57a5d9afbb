/**
 * One resource on one machine: its state, its runtimes, and the `RuntimeHost` they reach the machine through.
 */
import fs from 'node:fs';
import type { Machine } from './machine.ts';
import type { Manifest } from './resources/manifest.ts';
import type { ResourceState, RuntimeHost, ScriptRuntime } from './types.ts';
import type { EventTarget } from './events.ts';

export class Resource implements EventTarget {
  state: ResourceState = 'stopped';
  runtimes: ScriptRuntime[] = [];
  readonly host: RuntimeHost;

  constructor(
    readonly machine: Machine,
    readonly name: string,
    readonly path: string,
    readonly manifest: Manifest,
  ) {
    this.host = createHost(this);
  }

  /** The runtime that owns instance `id`, while the resource runs. */
  runtimeByInstance(id: number): ScriptRuntime | undefined {
    for (const r of this.runtimes) if (r.instanceId === id) return r;
    return undefined;
  }
}

function createHost(res: Resource): RuntimeHost {
  const m = res.machine;
  return {
    side: m.side,
    resourceName: res.name,
    resourcePath: res.path,
    now: () => m.clock.now(),
    wakeAt: (at) => m.scheduleTick(at),
    registerEventHandler: (eventName) => m.events.register(eventName, res),
    triggerEvent: (eventName, payload) => m.events.trigger(eventName, payload, ''),
    cancelEvent: () => m.events.cancel(),
    wasEventCanceled: () => m.events.wasCanceled(),
    triggerClientEvent: (name, target, payload) => m.sendToClients(name, target, payload, 0, false),
    triggerLatentClientEvent: (name, target, payload, bps) => m.sendToClients(name, target, payload, bps, true),
    triggerServerEvent: (name, payload) => m.sendToServer(name, payload, 0, false),
    triggerLatentServerEvent: (name, payload, bps) => m.sendToServer(name, payload, bps, true),
    invokeFunctionReference: (ref, args) => m.refs.invoke(ref, args),
    duplicateFunctionReference: (ref) => m.refs.duplicate(ref),
    deleteFunctionReference: (ref) => m.refs.delete(ref),
    canonicalizeRef: (runtime: ScriptRuntime, idx: number) => `${res.name}:${runtime.instanceId}:${idx}`,
    enterRuntime: (runtime) => m.runtimeStack.push(runtime),
    exitRuntime: () => void m.runtimeStack.pop(),
    getInvokingResource: () => m.invokingResource(),
    natives: m.nativesFor(res),
    print: (text) => m.print(res.name, text),
    scriptError: (message) => m.scriptError(res.name, message),
  };
}

/** Reads a file of a resource the way `LoadResourceFile` does: its text, or null when absent. */
export function loadResourceFile(res: Resource, file: string): string | null {
  try {
    return fs.readFileSync(`${res.path}/${file}`, 'utf8');
  } catch {
    return null;
  }
}
