/**
 * L1 (zero-touch) while qb-core runs, qb-core itself or Qbox through `provide 'qb-core'`: every callback served
 * through the bridge on this side (any API, any resource) is registered into QBCore's own registry
 * (`CreateCallback` on the server, `CreateClientCallback` on a client, through its exports) with a relay that runs
 * the real handler with `engine.callLocal`. Unmodified QBCore callers on the other side then reach it through
 * QBCore's own wire, which QBCore alone answers: the bridge never listens to the four wire events in this mode
 * (reference §7.2: two answerers of one event would double-reply).
 */
import type { Outcome } from '../../src/core/pending-requests.ts';
import type { AdapterContext } from '../types.ts';
import { isQBCore, listen, logFailure, qbExport, safeCall } from './cfx.ts';
import { QB_REGISTER_EXPORT, type QBClientHandler, type QBServerHandler } from './protocol.ts';

/** What a relay does with the outcome: all values to QBCore's cb; a failure is logged and QBCore's caller hears
 * nothing, as with QBCore's own unknown names and failing handlers (§3.2). */
function replyTo(ctx: AdapterContext, name: string, cb: unknown): (o: Outcome) => void {
  return (o) => {
    if (!o.ok) return logFailure(ctx, o.error, `called through qb-core's registry`);
    safeCall(ctx, `QBCore callback '${name}' reply`, cb, o.values);
  };
}

/** The relay QBCore keeps for `name`: it runs whichever resource serves `name` now (resolved per call). */
function relayFor(ctx: AdapterContext, name: string): QBServerHandler | QBClientHandler {
  const { engine } = ctx;
  if (ctx.side === 'server') {
    return (source: number, cb: unknown, ...args: unknown[]) => engine.callLocal(Number(source), name, args, {}, replyTo(ctx, name, cb));
  }
  return (cb: unknown, ...args: unknown[]) => engine.callLocal(0, name, args, {}, replyTo(ctx, name, cb));
}

/** Starts L1; returns its detach. */
export function attachRelays(ctx: AdapterContext): () => void {
  const exportName = QB_REGISTER_EXPORT[ctx.side];
  let register = qbExport(ctx, exportName);

  const put = (name: string) => {
    if (!register) return;
    try {
      register(name, relayFor(ctx, name));
    } catch (e) {
      ctx.log('error', `qbcore: ${exportName}('${name}') failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const putAll = () => {
    for (const [name, address] of ctx.names()) if (address) put(name);
  };

  if (!register) ctx.log('warn', `qbcore: ${exportName} is not exported by qb-core; callbacks of the bridge stay unknown to it`);
  putAll();
  // A name served later (or by another resource now) goes in when it is claimed. A name released stays in QBCore's
  // registry (it has no removal): its relay then answers nothing and logs NOT_FOUND, as an unknown name would.
  const offNames = ctx.onNamesChanged((delta) => {
    for (const [name, address] of delta) if (address) put(name);
  });
  // A restart of qb-core (or of its provider) keeps it 'started' at both queued events the adapter host sees, so the
  // host does not re-attach: the fresh registry is filled here, through a freshly resolved export.
  const offRestart = listen(ctx.side === 'server' ? 'onServerResourceStart' : 'onClientResourceStart', (resource: string) => {
    if (!isQBCore(String(resource))) return;
    register = qbExport(ctx, exportName);
    putAll();
  });
  return () => {
    offNames();
    offRestart();
    register = undefined;
  };
}
