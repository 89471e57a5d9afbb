/**
 * One callback engine: the caller's side and the handler's side of every callback of the resource it runs in.
 * It owns one pending table (settled in one place), one outbox flushed once per tick, and the handlers.
 */
import { BoundedMemo } from '../core/bounded-memo.ts';
import { CallbackError, defaultMessage, type CallbackErrorCode } from '../core/errors.ts';
import { PendingRequests, type Outcome } from '../core/pending-requests.ts';
import { checkBatch, END, frameAt, FrameKind, frameSize, MalformedBatch, MAX_ARGS, replyEvent, requestEvent, type RequestFrame } from '../protocol/frames.ts';
import { readConfig, type CallbackOptions, type CallOptions, type EngineConfig } from './config.ts';
import { forwardRequest, linkBridge } from './bridge-link.ts';
import { listenLocalCalls, localCallArgs, localEvent, readLocalReply } from './local-calls.ts';
import { BRIDGE_RESOURCE, type Coordinator } from './directory.ts';
import { CallFallbacks, type CallFallback } from './fallbacks.ts';
import { HandlerRegistry, type Handler, type HandlerStyle } from './handlers.ts';
import { METRICS_RESET_EVENT, MetricsTable } from './metrics.ts';
import { Outbox } from './outbox.ts';
import { Responder, type Origin } from './responder.ts';
import { abortReason, SentCall } from './sent-call.ts';
import type { Transport } from './transport.ts';

/** The bridge raises it with a collector function; every engine on the machine answers with its metrics. */
export const METRICS_PULL_EVENT = 'cbb:metrics:pull';

/** Ids of requests a server sends to players are random (contract §6: unguessable); a client's only count. */
const ID_SPACE = 2 ** 31;
/** How often idle rate-limit buckets are swept, ms. */
const SWEEP_MS = 10_000;

export class CallbackEngine {
  readonly config: EngineConfig;
  readonly handlers = new HandlerRegistry();
  readonly pending = new PendingRequests();
  readonly metrics: MetricsTable;
  readonly outbox: Outbox;
  private readonly responder: Responder;
  /** @internal Last tries after NOT_FOUND (`addFallback`). */
  readonly fallbacks = new CallFallbacks(() => this.transport.now());
  /**
   * A client's ids count up from a random start: a restarted resource must not reuse the ids of its previous run,
   * or a reply still travelling to the old run would settle a new call (test: "a reply meant for a previous run").
   */
  private nextId = 1 + Math.floor(Math.random() * (ID_SPACE / 2));
  private stopped = false;
  private sweptAt = 0;
  /** Retries waiting for their backoff: [due, run]. */
  private retries: Array<[number, () => void]> = [];
  /** `cbb:q:<resource>` by resource: made once per address, not per call. */
  private readonly requestEvents = new BoundedMemo(requestEvent);

  constructor(
    readonly transport: Transport,
    private readonly coordinator: Coordinator,
    config?: Partial<EngineConfig>,
  ) {
    this.config = { ...readConfig(transport.convar), ...config };
    this.metrics = new MetricsTable(transport.resource);
    this.outbox = new Outbox(transport, this.config, () => this.wake());
    this.responder = new Responder(transport, this.config, this.handlers, this.outbox, this.metrics, (origin, frame) => {
      // The bridge hands a name it does not serve itself to the resource its ownership record names (bridge-link.ts).
      const address = coordinator.localAddress?.(frame.name);
      if (origin.local || !address || address === transport.resource) return false;
      forwardRequest(transport, address, origin, frame);
      return true;
    });
    linkBridge({ transport, coordinator, handlers: this.handlers, responder: this.responder, metrics: this.metrics, wake: () => this.wake() });
    listenLocalCalls({ transport, coordinator, handlers: this.handlers, responder: this.responder, metrics: this.metrics });
    const spoofed = () => void this.metrics.counters.spoofed++;
    transport.onNet(requestEvent(transport.resource), (from, args) => this.receive(from, args, true), spoofed);
    transport.onNet(replyEvent(transport.resource), (from, args) => this.receive(from, args, false), spoofed);
    transport.onPlayerDropped((player) => this.playerDropped(player));
    // Metrics are pulled by the bridge when someone asks, never pushed per call (contract §10).
    transport.onLocal(METRICS_PULL_EVENT, (invoker, [collect]) => {
      if (invoker === BRIDGE_RESOURCE && typeof collect === 'function') {
        collect(this.metrics.snapshot(), { ...this.metrics.counters }, this.metrics.limitedPlayers());
      }
    });
    transport.onLocal(METRICS_RESET_EVENT, (invoker) => {
      if (invoker === BRIDGE_RESOURCE) this.metrics.reset();
    });
    transport.onResourceStop((name) => this.resourceStopped(name));
  }

  // ---- registration ----

  /** Registers `name`; returns false (and warns) when another resource owns it. */
  register(name: string, style: HandlerStyle, handler: Handler, options: CallbackOptions = {}, owner = this.transport.resource): boolean {
    if (typeof name !== 'string' || name === '' || typeof handler !== 'function') {
      throw new TypeError('register(name, handler): name must be a non-empty string and handler a function');
    }
    const claim = this.coordinator.claim(name, owner, !!options.allowOverride, this.transport.resource);
    const local = claim.ok ? this.handlers.add({ name, style, handler, options, owner }) : claim;
    if (!local.ok) {
      this.transport.log('warn', `${owner} tried to register callback '${name}', owned by ${local.owner}: refused (set allowOverride to take it over)`);
      return false;
    }
    return true;
  }

  unregister(name: string, owner = this.transport.resource): boolean {
    if (!this.handlers.remove(name, owner)) return false;
    this.responder.checks.forgetCallback(name);
    this.coordinator.release(name, owner);
    return true;
  }

  has(name: string): boolean {
    return this.handlers.has(name);
  }

  // ---- calls ----

  /**
   * Calls `name` on the other side (`target` is the player on the server, ignored on a client). `done` runs once
   * with the outcome. Retries only on TIMEOUT or BUSY and only when asked (idempotent calls).
   */
  call(target: number, name: string, args: unknown[], options: CallOptions, done: (outcome: Outcome) => void): void {
    // Without retries the sent call itself hands a NOT_FOUND to the fallbacks (SentCall.done): nothing made per call.
    if (!options.retries) return this.send(target, name, args, options, done);
    done = this.fallbacks.around(target, name, args, options, options.timeout ?? this.config.timeout, done);
    let attempt = 0;
    const signal = options.signal;
    const once = () => {
      this.send(target, name, args, options, (outcome) => {
        const retriable = !outcome.ok && outcome.error instanceof CallbackError && (outcome.error.code === 'TIMEOUT' || outcome.error.code === 'BUSY');
        if (retriable && attempt < (options.retries ?? 0) && !signal?.aborted) {
          const delay = (options.backoff ?? 250) * 2 ** attempt++;
          // An abort while the retry waits for its backoff ends the call now, not when the next attempt starts.
          const onAbort = () => {
            this.retries = this.retries.filter((r) => r !== retry);
            done({ ok: false, error: abortReason(signal!) });
          };
          const retry: [number, () => void] = [this.transport.now() + delay, () => (signal?.removeEventListener('abort', onAbort), once())];
          signal?.addEventListener('abort', onAbort, { once: true });
          this.retries.push(retry);
          this.wake();
        } else done(outcome);
      });
    };
    once();
  }

  /** Adds a last try for calls that end in NOT_FOUND (see `CallFallback`); returns the function that removes it. */
  addFallback(fn: CallFallback): () => void {
    return this.fallbacks.add(fn);
  }

  /**
   * Calls a handler on this same machine (in this engine or another resource's), as `player` (0: no player). For
   * the legacy-wire adapters and server-local triggers; not the hot path (local-calls.ts).
   */
  callLocal(player: number, name: string, args: unknown[], options: CallOptions, done: (outcome: Outcome) => void): void {
    if (this.stopped) return done({ ok: false, error: new CallbackError('RESOURCE_STOPPED', name) });
    // Every engine's listener refuses more as malformed: the call could only time out.
    if (args.length > MAX_ARGS) return done(tooManyArgs(name));
    // A name this side's ownership record does not know ends here, without a metrics row: the legacy wires hand the
    // bridge names a client made up, and a row per made-up name would grow without bound (issue: security).
    if (!this.handlers.has(name) && this.coordinator.localAddress && this.coordinator.localAddress(name) === undefined) {
      this.metrics.counters.notFound++;
      return done({ ok: false, error: new CallbackError('NOT_FOUND', name) });
    }
    const id = this.newId();
    const me = this.transport.resource;
    const address = this.handlers.has(name) ? me : (this.coordinator.localAddress?.(name) ?? BRIDGE_RESOURCE);
    const now = this.transport.now();
    const row = this.metrics.started('caller', name);
    this.pending.add({
      id, name, player, resource: address, startedAt: now, deadline: now + (options.timeout ?? this.config.timeout),
      done: (outcome) => {
        this.metrics.end(row, this.transport.now() - now, outcome.ok ? undefined : (outcome.error as CallbackError).code);
        done(outcome);
      },
    });
    const reply = localReply(name, (outcome) => void this.pending.settle(id, outcome));
    if (address === me) this.responder.handle({ player, resource: me, local: reply }, { kind: FrameKind.REQUEST, id, name, args });
    else this.transport.emitLocal(localEvent(address), ...localCallArgs(player, name, args, reply));
    this.wake();
  }

  /**
   * Serves a request that came over another wire (an adapter's, e.g. the ox wire answered in-resource) with a handler
   * of this engine, as `player` (0: none): the checks, the handler, its metrics and deadline, as for a request of ours,
   * without a caller's entry or row. `done` gets the outcome; not when the player drops meanwhile (nobody to answer).
   */
  serveHere(player: number, name: string, args: unknown[], done: (outcome: Outcome) => void): void {
    if (this.stopped) return done({ ok: false, error: new CallbackError('RESOURCE_STOPPED', name) });
    if (!this.handlers.has(name)) {
      this.metrics.counters.notFound++;
      return done({ ok: false, error: new CallbackError('NOT_FOUND', name) });
    }
    if (args.length > MAX_ARGS) return done(tooManyArgs(name));
    const me = this.transport.resource;
    this.responder.handle({ player, resource: me, local: localReply(name, done) }, { kind: FrameKind.REQUEST, id: 0, name, args });
    // A handler still running keeps a deadline: the tick must run for it.
    if (this.responder.serving.size > 0) this.wake();
  }

  private send(target: number, name: string, args: unknown[], options: CallOptions, done: (outcome: Outcome) => void): void {
    const signal = options.signal;
    if (this.stopped) return done({ ok: false, error: new CallbackError('RESOURCE_STOPPED', name) });
    if (signal?.aborted) return done({ ok: false, error: abortReason(signal) });
    // More would make the receiver refuse the whole batch, other calls included.
    if (args.length > MAX_ARGS) return done(tooManyArgs(name));
    // A request to a player who is not there could only time out (contract §6: nothing waits for that).
    if (!this.transport.connected(target)) {
      return done({ ok: false, error: new CallbackError('PLAYER_DROPPED', name, `callback '${name}': player ${target} is not connected`) });
    }
    const id = this.newId();
    const owner = this.coordinator.ownerOnOtherSide(name, target) ?? BRIDGE_RESOURCE;
    const now = this.transport.now();
    const row = this.metrics.started('caller', name);
    const request = new SentCall(this, id, target, name, args, options, owner, now, now + (options.timeout ?? this.config.timeout), done, row);
    this.pending.add(request);
    if (signal) request.listen(signal);
    this.outbox.request(this.requestEvents.get(owner), target, id, name, args);
  }

  /** A call of ours ended (SentCall.done): its metrics row. */
  callEnded(request: SentCall, outcome: Outcome): void {
    const code = outcome.ok ? undefined : outcome.error instanceof CallbackError ? outcome.error.code : undefined;
    this.metrics.end(request.row, this.transport.now() - request.startedAt, code);
  }

  private newId(): number {
    if (this.transport.side === 'client') {
      if (this.nextId >= ID_SPACE) this.nextId = 1;
      return this.nextId++;
    }
    let id: number;
    do id = 1 + Math.floor(Math.random() * (ID_SPACE - 1));
    while (this.pending.has(id));
    return id;
  }

  // ---- the wire ----

  /** One batch, read in place: requests are served only from request events, replies only from reply events. */
  private receive(from: number, args: unknown[], isRequest: boolean): void {
    let sender: string;
    try {
      sender = checkBatch(args);
    } catch (e) {
      if (!(e instanceof MalformedBatch)) throw e;
      this.metrics.counters.malformed++;
      return;
    }
    // Every frame of a batch comes from the same player and resource: one origin for all its requests.
    let origin: Origin | undefined;
    for (let i = 2; args[i] !== END; i += frameSize(args, i)) {
      const kind = args[i];
      if (kind === FrameKind.REQUEST) {
        if (isRequest) this.responder.handle((origin ??= { player: from, resource: sender }), frameAt(args, i) as RequestFrame);
        continue;
      }
      if (isRequest) continue;
      const id = args[i + 1] as number;
      const request = this.pending.get(id);
      if (!request) {
        this.metrics.counters.lateReplies++;
      } else if (this.transport.side === 'server' && request.player !== from) {
        // A reply to a request sent to another player (contract §6): ignored, counted.
        this.metrics.counters.forgedReplies++;
      } else if (kind === FrameKind.REPLY) {
        this.pending.settle(id, { ok: true, values: args.slice(i + 3, i + 3 + (args[i + 2] as number)) });
      } else {
        this.pending.settle(id, { ok: false, error: new CallbackError(args[i + 2] as CallbackErrorCode, request.name, args[i + 3] as string) });
      }
    }
    // A handler still running has a deadline to keep (replies queued meanwhile woke the engine already).
    if (isRequest && this.responder.serving.size > 0) this.wake();
  }

  // ---- time and lifecycle ----

  /**
   * One frame: due retries, deadlines, then the outbox. Ticks on every frame only while the outbox waits for its
   * budget; otherwise it sleeps until the next thing due (a deadline, a retry, the sweep of held rate buckets): an
   * engine waiting for replies costs no frame (the outbox wakes it when a frame is queued).
   */
  private readonly tick = (): boolean | number => {
    const now = this.transport.now();
    if (this.retries.length) this.runDueRetries(now);
    this.pending.expire(now);
    this.responder.serving.expire(now);
    const checks = this.responder.checks;
    // Rate buckets that refilled are forgotten now and then: otherwise every player keeps one per callback they
    // ever called until they drop (1,000 players x 200 callbacks is 200k buckets).
    if (now - this.sweptAt >= SWEEP_MS) {
      this.sweptAt = now;
      checks.sweep(now);
    }
    if (this.outbox.flush(now)) return true;
    let next = Math.min(this.pending.nextDeadline(), this.responder.serving.nextDeadline());
    for (let i = 0; i < this.retries.length; i++) next = Math.min(next, this.retries[i][0]);
    // Held buckets wake it for their sweep: an engine that went idle would keep them until its next call (issue: security).
    if (checks.holding) next = Math.min(next, this.sweptAt + SWEEP_MS);
    return next === Infinity ? false : Math.max(next, now + 1);
  };

  /** Runs the retries whose backoff is over (a retry may queue another: the list is replaced first). */
  private runDueRetries(now: number): void {
    const due = this.retries.filter((r) => r[0] <= now);
    this.retries = this.retries.filter((r) => r[0] > now);
    for (const [, run] of due) run();
  }

  private wake(): void {
    if (!this.stopped) this.transport.everyTick(this.tick);
  }

  private playerDropped(player: number): void {
    this.pending.failPlayer(player, 'PLAYER_DROPPED');
    this.responder.serving.failPlayer(player, 'PLAYER_DROPPED');
    this.responder.checks.forgetPlayer(player);
    this.outbox.forget(player);
  }

  private resourceStopped(name: string): void {
    if (name === this.transport.resource) {
      this.stopped = true;
      this.pending.failWhere(() => true, 'RESOURCE_STOPPED');
      this.responder.serving.failWhere(() => true, 'RESOURCE_STOPPED');
      // Calls waiting out a retry backoff end now: a stopped engine answers every send with RESOURCE_STOPPED.
      const waiting = this.retries;
      this.retries = [];
      for (const [, run] of waiting) run();
      return;
    }
    // Calls the bridge forwarded to `name` wait on the bridge's address: the replica says who really serves them.
    const servedBy = (r: { resource: string; name: string; player: number }) =>
      r.resource === name || (r.resource === BRIDGE_RESOURCE && this.coordinator.ownerOnOtherSide(r.name, r.player) === name);
    this.pending.failWhere(servedBy, 'RESOURCE_STOPPED');
    for (const gone of this.handlers.removeOwner(name)) this.coordinator.release(gone, name);
    this.responder.serving.failWhere((r) => r.resource === name, 'RESOURCE_STOPPED');
  }
}

/** The refusal of a call with more arguments than a frame carries. */
function tooManyArgs(name: string): Outcome {
  const message = `${defaultMessage('INVALID_ARGUMENTS', name)}: more than ${MAX_ARGS} arguments`;
  return { ok: false, error: new CallbackError('INVALID_ARGUMENTS', name, message) };
}

/** A local caller's `reply(ok, ...)` function (local-calls.ts) that hands `done` the outcome it stands for. */
function localReply(name: string, done: (outcome: Outcome) => void): (ok: boolean, ...rest: unknown[]) => void {
  return (ok, ...rest) => {
    const r = readLocalReply(ok, rest);
    done(r.ok ? r : { ok: false, error: new CallbackError(r.code as CallbackErrorCode, name, r.message || undefined) });
  };
}
