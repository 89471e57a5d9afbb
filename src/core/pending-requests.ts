/**
 * The requests one side is waiting on. Every way a request can end (reply, error reply, timeout, player drop,
 * resource stop, shutdown) goes through `settle`, the one place that removes an entry, so no path can forget the
 * deadline or the indexes.
 */
import { CallbackError, type CallbackErrorCode } from './errors.ts';
import { MinHeap } from './min-heap.ts';

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

/** Deadlines are grouped into slots this wide (ms): expiry happens per frame anyway, and a slot set costs nothing per request. */
const SLOT_MS = 10;

export class PendingRequests {
  private readonly byId = new Map<number, PendingRequest>();
  private readonly byPlayer = new Map<number, Set<number>>();
  /** Deadline slot → ids due in it; a settled id leaves its slot at once, so nothing outlives a request. */
  private readonly slots = new Map<number, Set<number>>();
  /** Min-heap of slot times that have a set in `slots`. */
  private readonly slotHeap = new MinHeap<number>((a, b) => a < b);

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
    if (request.deadline < Infinity) {
      const slot = slotOf(request.deadline);
      if (!this.slots.has(slot)) this.slotHeap.push(slot);
      indexAdd(this.slots, slot, request.id);
    }
  }

  /** Ends request `id`; returns false when it was already settled (a late or duplicate reply). */
  settle(id: number, outcome: Outcome): boolean {
    const request = this.byId.get(id);
    if (!request) return false;
    this.byId.delete(id);
    if (request.player) indexDelete(this.byPlayer, request.player, id);
    if (request.deadline < Infinity) indexDelete(this.slots, slotOf(request.deadline), id, false);
    // The last one gone: the slots of deadlines still to come are all empty. Dropped now, since an engine with nothing
    // pending stops ticking and would keep them until its next call (issue: security, tables back to baseline).
    if (this.byId.size === 0) {
      this.slots.clear();
      this.slotHeap.clear();
    }
    request.done(outcome, request);
    return true;
  }

  /** Ends request `id` with a coded error. */
  fail(id: number, code: CallbackErrorCode, message?: string): boolean {
    const request = this.byId.get(id);
    if (!request) return false;
    return this.settle(id, { ok: false, error: new CallbackError(code, request.name, message) });
  }

  /** Times out everything whose deadline is at or before `now`. */
  expire(now: number): number {
    let n = 0;
    while (this.slotHeap.size && this.slotHeap.peek()! <= now) {
      const slot = this.slotHeap.pop()!;
      const ids = this.slots.get(slot);
      this.slots.delete(slot);
      if (!ids) continue;
      // Every deadline in a slot is at or before the slot's time, so the whole slot is due.
      for (const id of ids) if (this.fail(id, 'TIMEOUT')) n++;
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

  /** The earliest deadline slot still holding a request, or Infinity. */
  nextDeadline(): number {
    while (this.slotHeap.size && !this.slots.get(this.slotHeap.peek()!)?.size) {
      this.slots.delete(this.slotHeap.pop()!);
    }
    return this.slotHeap.peek() ?? Infinity;
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

/** Removes `id`; by default drops the set once empty (slot sets stay until their time so the heap stays exact). */
function indexDelete(index: Map<number, Set<number>>, key: number, id: number, dropEmpty = true): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (dropEmpty && set.size === 0) index.delete(key);
}
