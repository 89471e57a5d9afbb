/**
 * The requests one side is waiting on. Every way a request can end (reply, error reply, timeout, player drop,
 * resource stop, shutdown) goes through `settle`, the one place that removes an entry, so no path can forget the
 * deadline or the indexes.
 */
import { CallbackError, type CallbackErrorCode } from './errors.ts';

/** How a request ended: the values the handler sent, or an error (a CallbackError, or an abort signal's reason). */
export type Outcome = { ok: true; values: unknown[] } | { ok: false; error: Error };

export interface PendingRequest {
  readonly id: number;
  readonly name: string;
  /** The player on the other end (server side), or 0 on a client. */
  readonly player: number;
  /** The resource that answers: its stop ends the request (RESOURCE_STOPPED). */
  readonly resource: string;
  readonly startedAt: number;
  readonly deadline: number;
  /** Called once, after the entry is gone. */
  readonly done: (outcome: Outcome, request: PendingRequest) => void;
  /**
   * The table's own links, set while the request waits (its neighbours in the list of its time to live, and that
   * list): the request is its own list node, nothing is made per request. Classes declare them, so their shape is set.
   */
  qprev?: PendingRequest | null;
  qnext?: PendingRequest | null;
  qgroup?: Group | null;
}

/** Deadlines are rounded up to slots this wide (ms) before they are compared with now (both twins, the same frame). */
const SLOT_MS = 10;

/**
 * The requests with one time to live (`deadline - startedAt`): since time only moves forward, each one joins the end
 * and they come due from the front. A settled request leaves its list at once, so nothing stays behind it.
 */
export interface Group {
  ttl: number;
  head: PendingRequest | null;
  tail: PendingRequest | null;
}

export class PendingRequests {
  private readonly byId = new Map<number, PendingRequest>();
  private readonly byPlayer = new Map<number, Set<number>>();
  /** Lists of requests with a deadline, by time to live; a list goes when its last request does. */
  private readonly groups = new Map<number, Group>();

  get size(): number {
    return this.byId.size;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  get(id: number): PendingRequest | undefined {
    return this.byId.get(id);
  }

  add(request: PendingRequest): void {
    this.byId.set(request.id, request);
    if (request.player) indexAdd(this.byPlayer, request.player, request.id);
    if (request.deadline < Infinity) this.link(request);
  }

  /** Ends request `id`; returns false when it was already settled (a late or duplicate reply). */
  settle(id: number, outcome: Outcome): boolean {
    const request = this.byId.get(id);
    if (!request) return false;
    this.byId.delete(id);
    if (request.player) indexDelete(this.byPlayer, request.player, id);
    if (request.qgroup) this.unlink(request);
    request.done(outcome, request);
    return true;
  }

  /** Ends request `id` with a coded error. */
  fail(id: number, code: CallbackErrorCode, message?: string): boolean {
    const request = this.byId.get(id);
    if (!request) return false;
    return this.settle(id, { ok: false, error: new CallbackError(code, request.name, message) });
  }

  /** Times out everything whose deadline slot is at or before `now`. */
  expire(now: number): number {
    if (this.groups.size === 0) return 0;
    let n = 0;
    for (const group of this.groups.values()) {
      // Failing one may settle others (its `done` can); the front is read again each time.
      while (group.head && slotOf(group.head.deadline) <= now) if (this.fail(group.head.id, 'TIMEOUT')) n++;
    }
    return n;
  }

  /** Ends every request to or from `player` (contract §6: a drop ends them at once). */
  failPlayer(player: number, code: CallbackErrorCode = 'PLAYER_DROPPED'): number {
    const set = this.byPlayer.get(player);
    if (!set) return 0;
    let n = 0;
    for (const id of [...set]) if (this.fail(id, code)) n++;
    return n;
  }

  /** Ends every request matching `predicate` (a stopped resource, a shutdown). */
  failWhere(predicate: (r: PendingRequest) => boolean, code: CallbackErrorCode): number {
    let n = 0;
    for (const request of [...this.byId.values()]) if (predicate(request) && this.fail(request.id, code)) n++;
    return n;
  }

  /** How many requests wait on `player`. */
  countFor(player: number): number {
    return this.byPlayer.get(player)?.size ?? 0;
  }

  /** The earliest deadline slot of a request still waiting, or Infinity. */
  nextDeadline(): number {
    if (this.groups.size === 0) return Infinity;
    let next = Infinity;
    for (const group of this.groups.values()) if (group.head) next = Math.min(next, slotOf(group.head.deadline));
    return next;
  }

  private link(request: PendingRequest): void {
    const { deadline, startedAt } = request;
    const ttl = deadline - startedAt;
    let group = this.groups.get(ttl);
    if (!group) this.groups.set(ttl, (group = { ttl, head: null, tail: null }));
    request.qgroup = group;
    // Time only moves forward, so this is the end; a clock that went back walks to its place.
    let after = group.tail;
    while (after && after.deadline > deadline) after = after.qprev ?? null;
    const next = after ? (after.qnext ?? null) : group.head;
    request.qprev = after;
    request.qnext = next;
    if (next) next.qprev = request;
    else group.tail = request;
    if (after) after.qnext = request;
    else group.head = request;
  }

  private unlink(request: PendingRequest): void {
    const group = request.qgroup!;
    const prev = request.qprev ?? null;
    const next = request.qnext ?? null;
    if (prev) prev.qnext = next;
    else group.head = next;
    if (next) next.qprev = prev;
    else group.tail = prev;
    request.qprev = request.qnext = request.qgroup = null;
    if (!group.head) this.groups.delete(group.ttl);
  }
}

function slotOf(deadline: number): number {
  return Math.ceil(deadline / SLOT_MS) * SLOT_MS;
}

function indexAdd(index: Map<number, Set<number>>, key: number, id: number): void {
  const set = index.get(key);
  if (set) set.add(id);
  else index.set(key, new Set([id]));
}

/** Removes `id`, and the set once it is empty. */
function indexDelete(index: Map<number, Set<number>>, key: number, id: number): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}
