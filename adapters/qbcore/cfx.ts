/**
 * The few CitizenFX globals the QBCore adapter uses directly (the engine's transport cannot remove a listener, and
 * an adapter must undo everything on detach), and the helpers the L1 and L3 pieces share.
 */
import type { AdapterContext } from '../types.ts';
import { qbExportEvent, QB_RESOURCE } from './protocol.ts';

declare const on: (event: string, fn: (...args: any[]) => void) => void;
declare const onNet: (event: string, fn: (...args: any[]) => void) => void;
declare const removeEventListener: (event: string, fn: (...args: any[]) => void) => void;
declare const emitNet: (event: string, ...args: unknown[]) => void;
declare const GetNumResourceMetadata: (resource: string, key: string) => number;
declare const GetResourceMetadata: (resource: string, key: string, index: number) => string;

type Fn = (...args: any[]) => unknown;

/** Listens to a local event; returns the function that stops listening. */
export function listen(event: string, fn: Fn): () => void {
  on(event, fn);
  return () => removeEventListener(event, fn);
}

/**
 * Listens to a net event from the network only: `from` is the sending player on the server, 0 on a client. An event
 * raised locally (`source` is not a number) is a spoof and never reaches `fn` (contract §6). Returns the stop function.
 */
export function listenNet(event: string, side: 'server' | 'client', fn: (from: number, args: unknown[]) => void): () => void {
  const g = globalThis as unknown as { source: unknown };
  const handler = (...args: unknown[]) => {
    const src = g.source;
    if (typeof src !== 'number') return;
    fn(side === 'server' ? src : 0, args);
  };
  onNet(event, handler);
  return () => removeEventListener(event, handler);
}

/** Sends a net event: to `player` from the server, to the server from a client. */
export function send(side: 'server' | 'client', event: string, player: number, ...args: unknown[]): void {
  if (side === 'server') emitNet(event, player, ...args);
  else emitNet(event, ...args);
}

/**
 * Resolves an export of qb-core now, past the export cache: the cache is only emptied when a resource NAMED qb-core
 * stops (ref §1.5), so after a restart of a provider (qbx_core) it would hand out a dead reference.
 */
export function qbExport(ctx: AdapterContext, name: string): Fn | undefined {
  let found: unknown;
  ctx.engine.transport.emitLocal(qbExportEvent(name), (fn: unknown) => {
    found = fn;
  });
  return typeof found === 'function' ? (found as Fn) : undefined;
}

/** Whether `resource` is qb-core or declares `provide 'qb-core'` (Qbox, §4.1). */
export function isQBCore(resource: string): boolean {
  if (resource === QB_RESOURCE) return true;
  const n = GetNumResourceMetadata(resource, 'provide');
  for (let i = 0; i < n; i++) if (GetResourceMetadata(resource, 'provide', i) === QB_RESOURCE) return true;
  return false;
}

/** Calls a script's function (usually a reference into another resource) without letting its failure escape. */
export function safeCall(ctx: AdapterContext, what: string, fn: unknown, args: unknown[]): void {
  if (typeof fn !== 'function') return;
  try {
    fn(...args);
  } catch (e) {
    ctx.log('error', `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The log line of a failed QBCore-style call: QBCore callers hear nothing (§3.2), so the reason goes to the console. */
export function logFailure(ctx: AdapterContext, error: Error, where?: string): void {
  const code = (error as { code?: unknown }).code ?? 'ERROR';
  ctx.log('warn', `QBCore call failed (${String(code)}): ${error.message}${where ? ` (${where})` : ''}`);
}
