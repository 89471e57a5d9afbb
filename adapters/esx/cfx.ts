/**
 * The CitizenFX globals the ESX adapter's bridge side uses (ref `citizenfx-runtime.md`), typed here so the adapter
 * depends on neither side's typings. Listeners are removed again on detach.
 */
declare const on: (event: string, fn: (...args: any[]) => void) => void;
declare const onNet: (event: string, fn: (...args: any[]) => void) => void;
declare const emitNet: (event: string, ...args: unknown[]) => void;
declare const removeEventListener: (event: string, fn: (...args: any[]) => void) => void;
declare const GetInvokingResource: () => string | null;
declare const exports: Record<string, Record<string, (...args: any[]) => any>>;

/** `source` of the event being handled: a number for a net event, '' for a local one (ref §1.2). */
export function eventSource(): unknown {
  return (globalThis as unknown as { source: unknown }).source;
}

/** Listens to a local (`net = false`) or net event; returns the function that stops listening. */
export function listen(event: string, fn: (...args: any[]) => void, net: boolean): () => void {
  if (net) onNet(event, fn);
  else on(event, fn);
  return () => removeEventListener(event, fn);
}

/** Sends a net event: to `player` on the server, to the server from a client. */
export function send(side: 'server' | 'client', event: string, player: number, args: unknown[]): void {
  if (side === 'server') emitNet(event, player, ...args);
  else emitNet(event, ...args);
}

/** The resource that called into the bridge right now (a Lua script calling the stand-in object), or null. */
export function invokingResource(): string | null {
  return GetInvokingResource();
}

/** `exports[resource][name](...args)` from the bridge; throws when the export does not exist. */
export function callExport(resource: string, name: string, ...args: unknown[]): any {
  return exports[resource][name](...args);
}
