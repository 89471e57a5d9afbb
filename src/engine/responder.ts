/**
 * The handler's side of the engine: takes request frames, runs the checks, runs the handler protected, and queues
 * exactly one reply per request. A handler that never answers holds its slot only until the callback's deadline.
 */
import { CallbackError, defaultMessage, type CallbackErrorCode } from '../core/errors.ts';
import { PendingRequests, type Group, type Outcome, type PendingRequest } from '../core/pending-requests.ts';
import { BoundedMemo } from '../core/bounded-memo.ts';
import { MAX_ARGS, replyEvent, type RequestFrame } from '../protocol/frames.ts';
import type { EngineConfig } from './config.ts';
import { RequestChecks, type Refusal } from './checks.ts';
import type { HandlerRegistry, RegisteredCallback } from './handlers.ts';
import type { MetricsRow, MetricsTable } from './metrics.ts';
import type { Outbox } from './outbox.ts';
import type { Transport } from './transport.ts';

/** Where a request came from: the player (0 on a client) and the resource that waits for the reply. */
export interface Origin {
  player: number;
  resource: string;
  /**
   * Set for a call from this same machine (`callLocal`): the reply goes to this function, `reply(true, count, ...values)` or
   * `reply(false, code, message)`, instead of over the network.
   */
  local?: (ok: boolean, ...rest: unknown[]) => unknown;
}

export class Responder {
  readonly checks: RequestChecks;
  /** Requests whose handler runs now; settled by the first reply or by the deadline. */
  readonly serving = new PendingRequests();
  private nextServingId = 1;
  /**
   * `cbb:r:<resource>` by resource: made once per caller's address, not per reply. A batch names its sender, so a
   * client could send made-up names: the cache is bounded.
   */
  private readonly replyEvents = new BoundedMemo(replyEvent);

  constructor(
    private readonly transport: Transport,
    private readonly config: EngineConfig,
    private readonly handlers: HandlerRegistry,
    private readonly outbox: Outbox,
    private readonly metrics: MetricsTable,
    /** Hands a request this engine does not serve to the engine that does; false when there is none (the bridge only). */
    private readonly forward: (origin: Origin, frame: RequestFrame) => boolean = () => false,
  ) {
    this.checks = new RequestChecks(config, transport);
  }

  /** Serves one request frame. */
  handle(origin: Origin, frame: RequestFrame): void {
    const callback = this.handlers.get(frame.name);
    if (!callback) {
      if (!this.forward(origin, frame)) this.refuse(origin, frame, { code: 'NOT_FOUND' });
      return;
    }
    const now = this.transport.now();
    const refusal = this.checks.run(origin.player, callback, frame.args, now);
    if (refusal instanceof Promise) {
      refusal.then((r) => {
        // The player may have left while an asynchronous schema looked at the request: their handler must not run.
        if (!this.transport.connected(origin.player)) return;
        if (r) this.refuse(origin, frame, r);
        else this.run(origin, frame, callback, this.transport.now());
      });
    } else if (refusal) {
      this.refuse(origin, frame, refusal);
    } else {
      this.run(origin, frame, callback, now);
    }
  }

  private refuse(origin: Origin, frame: RequestFrame, refusal: Refusal): void {
    // Unknown names are counted together: a table keyed by names a client makes up would grow without bound.
    if (refusal.code === 'NOT_FOUND') this.metrics.counters.notFound++;
    else this.metrics.refused('handler', frame.name, refusal.code, origin.player);
    const message = refusal.message ? `${defaultMessage(refusal.code, frame.name)}: ${refusal.message}` : defaultMessage(refusal.code, frame.name);
    this.sendError(origin, frame.id, refusal.code, message);
  }

  /** The one way a reply leaves: over the network in the next batch, or to a local caller's function. */
  private sendReply(origin: Origin, id: number, values: unknown[], latent: boolean): void {
    // The count travels first: a trailing nil would not survive a function-reference call into Lua (ref §2.4).
    if (origin.local) this.callLocal(origin, [true, values.length, ...values]);
    else this.outbox.reply(this.replyEvents.get(origin.resource), origin.player, id, values, latent);
  }

  private sendError(origin: Origin, id: number, code: CallbackErrorCode, message: string): void {
    if (origin.local) this.callLocal(origin, [false, code, message]);
    else this.outbox.error(this.replyEvents.get(origin.resource), origin.player, id, code, message);
  }


  private callLocal(origin: Origin, args: unknown[]): void {
    try {
      (origin.local as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      this.transport.log('error', `a local caller of a callback could not take its reply: ${describe(e)}`);
    }
  }

  /**
   * Runs the handler once, protected; its first answer wins and is the only reply. A handler that answers before it
   * returns (the usual case) is answered at once and never enters `serving`: no deadline is kept for it.
   */
  private run(origin: Origin, frame: RequestFrame, callback: RegisteredCallback, now: number): void {
    const call = new ServedCall(this, origin, frame, callback, now);
    this.checks.begin();
    call.row = this.metrics.started('handler', frame.name);
    const from = origin.player;
    const server = this.transport.side === 'server';
    try {
      if (callback.style === 'cb') {
        const cb = (...values: unknown[]) => void call.answer(values);
        const rv = server ? callback.handler(from, cb, ...frame.args) : callback.handler(cb, ...frame.args);
        // An async cb-style handler (or a Lua one behind a function reference that fails after a Wait) rejects
        // instead of throwing: that is a handler error too, not a silent timeout.
        if (rv && typeof (rv as PromiseLike<unknown>).then === 'function') (rv as PromiseLike<unknown>).then(undefined, (e) => call.fail(e));
      } else {
        const rv = server ? callback.handler(from, ...frame.args) : callback.handler(...frame.args);
        if (rv && typeof (rv as PromiseLike<unknown>).then === 'function') {
          (rv as PromiseLike<unknown>).then((v) => call.answer(v === undefined ? [] : [v]), (e) => call.fail(e));
        } else call.answer(rv === undefined ? [] : [rv]);
      }
    } catch (e) {
      call.fail(e);
    }
    if (!call.settled) call.wait(this.nextServingId++, this.config.timeout);
  }

  /** How a served call ended: metrics, then its one reply (or none, when nobody can take it). */
  ended(call: ServedCall, outcome: Outcome): void {
    const { origin, frame, callback } = call;
    this.checks.end();
    if (call.id) this.checks.release(origin.player);
    const code = outcome.ok ? undefined : outcome.error instanceof CallbackError ? outcome.error.code : 'HANDLER_ERROR';
    this.metrics.end(call.row!, this.transport.now() - call.startedAt, code);
    // A dropped player or a stopping resource gets nothing: the caller's engine sees the drop or the stop and ends
    // the call itself. A local caller addressed the bridge and cannot tell who serves it, so it hears of the stop
    // here (otherwise it would wait out its whole deadline).
    if (code === 'PLAYER_DROPPED' || (code === 'RESOURCE_STOPPED' && !origin.local)) return;
    if (outcome.ok) this.sendReply(origin, frame.id, outcome.values, callback.options.latent !== false);
    // Past the callback's own timeout the caller hears TIMEOUT now: it may have no deadline of its own that short,
    // and no answer can come any more (contract §6: nothing waits for a timeout that cannot come).
    else if (code === 'TIMEOUT' || code === 'RESOURCE_STOPPED') this.sendError(origin, frame.id, code, defaultMessage(code, frame.name));
    else this.sendError(origin, frame.id, 'HANDLER_ERROR', defaultMessage('HANDLER_ERROR', frame.name));
  }

  /** The handler failed: logged here (the caller gets the code only, contract §6). */
  logFailure(call: ServedCall, error: unknown): void {
    this.transport.log('error', `callback '${call.frame.name}' (resource ${call.callback.owner}) failed: ${describe(error)}`);
  }
}

/**
 * One request being served: the record of its handler's run, and, once the handler returned without answering, its
 * entry in `serving` (it is its own `PendingRequest`: no closure per request). Its fields are `declare`d and assigned:
 * the bundles' target turns initialized class fields into a defineProperty call each, per request.
 */
class ServedCall implements PendingRequest {
  /** Set once an answer, a failure, the deadline or a drop ended it. */
  declare settled: boolean;
  declare id: number;
  declare deadline: number;
  declare readonly name: string;
  declare readonly player: number;
  declare readonly resource: string;
  declare private readonly responder: Responder;
  declare readonly origin: Origin;
  declare readonly frame: RequestFrame;
  declare readonly callback: RegisteredCallback;
  declare readonly startedAt: number;
  /** Its metrics row, once its handler started. */
  declare row: MetricsRow | null;
  declare qprev: PendingRequest | null;
  declare qnext: PendingRequest | null;
  declare qgroup: Group | null;

  constructor(responder: Responder, origin: Origin, frame: RequestFrame, callback: RegisteredCallback, startedAt: number) {
    this.settled = false;
    this.id = 0;
    this.deadline = Infinity;
    this.name = frame.name;
    this.player = origin.player;
    this.resource = callback.owner;
    this.responder = responder;
    this.origin = origin;
    this.frame = frame;
    this.callback = callback;
    this.startedAt = startedAt;
    this.row = null;
    this.qprev = this.qnext = this.qgroup = null;
  }

  /** The handler returned without answering: wait in `serving` for its answer, until the callback's deadline. */
  wait(id: number, defaultTimeout: number): void {
    this.id = id;
    this.deadline = this.startedAt + (this.callback.options.timeout ?? defaultTimeout);
    this.responder.checks.hold(this.player);
    this.responder.serving.add(this);
  }

  /** The first answer wins. */
  answer(values: unknown[]): void {
    if (this.settled) return;
    // More would make the caller's side refuse the whole reply batch, other replies included.
    if (values.length > MAX_ARGS) return this.fail(`answered ${values.length} values; at most ${MAX_ARGS} travel`);
    this.end({ ok: true, values });
  }

  /** Printed even when the handler already answered (it threw after its cb call): failure is never silent. */
  fail(error: unknown): void {
    this.responder.logFailure(this, error);
    if (!this.settled) this.end({ ok: false, error: new CallbackError('HANDLER_ERROR', this.name, undefined, { cause: error }) });
  }

  /** `serving` ends it (deadline, drop, stop) or hands it the answer. */
  done(outcome: Outcome): void {
    this.settled = true;
    this.responder.ended(this, outcome);
  }

  private end(outcome: Outcome): void {
    if (this.id) this.responder.serving.settle(this.id, outcome);
    else this.done(outcome);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
