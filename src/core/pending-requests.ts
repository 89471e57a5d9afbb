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
}

/** Deadlines are rounded up to slots this wide (ms) before they are compared with now (both twins, the same frame). */
const SLOT_MS = 10;

/** A request as the table links it: by its deadline, in the list of its time to live. */
interface Linked {
  request: PendingRequest;
  prev: Linked | null;
  next: Linked | null;
  group: Group;
}

/**
 * The requests with one time to live (`deadline - startedAt`): since time only moves forward, each one joins the end
 * and they come due from the front. A settled request leaves its list at once, so nothing stays behind it.
 */
interface Group {
  ttl: number;
  head: Linked | null;
  tail: Linked | null;
}

export class PendingRequests {
  private readonly byId = new Map<number, Linked>();
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
    return this.byId.get(id)?.request;
  }

  add(request: PendingRequest): void {
    const node: Linked = { request, prev: null, next: null, group: NO_GROUP };
    this.byId.set(request.id, node);
    if (request.player) indexAdd(this.byPlayer, request.player, request.id);
    if (request.deadline < Infinity) this.link(node);
  }

  /** Ends request `id`; returns false when it was already settled (a late or duplicate reply). */
  settle(id: number, outcome: Outcome): boolean {
    const node = this.byId.get(id);
    if (!node) return false;
    this.byId.delete(id);
    const request = node.request;
    if (request.player) indexDelete(this.byPlayer, request.player, id);
    if (node.group !== NO_GROUP) this.unlink(node);
    request.done(outcome, request);
    return true;
  }

  /** Ends request `id` with a coded error. */
  fail(id: number, code: CallbackErrorCode, message?: string): boolean {
    const node = this.byId.get(id);
    if (!node) return false;
    return this.settle(id, { ok: false, error: new CallbackError(code, node.request.name, message) });
  }

  /** Times out everything whose deadline slot is at or before `now`. */
  expire(now: number): number {
    if (this.groups.size === 0) return 0;
    let n = 0;
    for (const group of this.groups.values()) {
      // Failing one may settle others (its `done` can); the front is read again each time.
      while (group.head && slotOf(group.head.request.deadline) <= now) if (this.fail(group.head.request.id, 'TIMEOUT')) n++;
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
    for (const { request } of [...this.byId.values()]) if (predicate(request) && this.fail(request.id, code)) n++;
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
    for (const group of this.groups.values()) if (group.head) next = Math.min(next, slotOf(group.head.request.deadline));
    return next;
  }

  private link(node: Linked): void {
    const { deadline, startedAt } = node.request;
    const ttl = deadline - startedAt;
    let group = this.groups.get(ttl);
    if (!group) this.groups.set(ttl, (group = { ttl, head: null, tail: null }));
    node.group = group;
    // Time only moves forward, so this is the end; a clock that went back walks to its place.
    let after = group.tail;
    while (after && after.request.deadline > deadline) after = after.prev;
    node.prev = after;
    node.next = after ? after.next : group.head;
    if (node.next) node.next.prev = node;
    else group.tail = node;
    if (after) after.next = node;
    else group.head = node;
  }

  private unlink(node: Linked): void {
    const group = node.group;
    if (node.prev) node.prev.next = node.next;
    else group.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else group.tail = node.prev;
    node.prev = node.next = null;
    node.group = NO_GROUP;
    if (!group.head) this.groups.delete(group.ttl);
  }
}

/** The group of a request without a deadline. */
const NO_GROUP: Group = { ttl: NaN, head: null, tail: null };

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
