/**
 * The event bus of one machine: which resources receive which event, synchronous local dispatch and the queue of
 * network events that the next tick delivers (ref §1.1 "Which resources receive an event").
 */
import type { ScriptRuntime } from './types.ts';

/** What the bus needs to know of a resource. */
export interface EventTarget {
  readonly name: string;
  /** Runtimes of a started resource, in load order; empty once it stops receiving events (ref §4). */
  readonly runtimes: readonly ScriptRuntime[];
}

interface QueuedEvent {
  name: string;
  payload: Uint8Array;
  rawSource: string;
}

export class EventBus {
  /** eventName → resources that called RegisterResourceAsEventHandler for it, in registration order. */
  private readonly handlers = new Map<string, EventTarget[]>();
  private queue: QueuedEvent[] = [];
  private cancelStack: boolean[] = [];

  /** RegisterResourceAsEventHandler (ref §1.1). */
  register(eventName: string, target: EventTarget): void {
    const list = this.handlers.get(eventName);
    if (!list) this.handlers.set(eventName, [target]);
    else if (!list.includes(target)) list.push(target);
  }

  /** Forgets a resource entirely (at stop). */
  unregisterAll(target: EventTarget): void {
    for (const [name, list] of this.handlers) {
      const i = list.indexOf(target);
      if (i >= 0) {
        list.splice(i, 1);
        if (!list.length) this.handlers.delete(name);
      }
    }
  }

  /** Whether any resource listens for `eventName`. */
  hasHandlers(eventName: string): boolean {
    return this.handlers.has(eventName) || this.handlers.has('*');
  }

  /**
   * Synchronous dispatch to every registered resource (ref §1.1: `TriggerEvent` runs every handler before it
   * returns). Returns false when a handler called CancelEvent (ref §5.5).
   */
  trigger(eventName: string, payload: Uint8Array, rawSource: string): boolean {
    const named = this.handlers.get(eventName);
    const star = this.handlers.get('*');
    if (!named && !star) return true;
    // Copy first: a handler may start or stop a resource while we loop (mitt's slice-before-dispatch habit).
    const targets = star ? [...star, ...(named ?? [])] : named!.slice();
    this.cancelStack.push(false);
    try {
      for (const target of targets) {
        for (const runtime of target.runtimes) runtime.dispatchEvent(eventName, payload, rawSource);
      }
      return !this.cancelStack[this.cancelStack.length - 1];
    } finally {
      this.cancelStack.pop();
    }
  }

  cancel(): void {
    if (this.cancelStack.length) this.cancelStack[this.cancelStack.length - 1] = true;
  }

  wasCanceled(): boolean {
    return this.cancelStack.length > 0 && this.cancelStack[this.cancelStack.length - 1];
  }

  /** QueueEvent: delivered on the next tick (ref §1.1). */
  enqueue(eventName: string, payload: Uint8Array, rawSource: string): void {
    this.queue.push({ name: eventName, payload, rawSource });
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Delivers everything queued so far; events queued meanwhile wait for the next tick. */
  flush(): void {
    if (!this.queue.length) return;
    const batch = this.queue;
    this.queue = [];
    for (const ev of batch) this.trigger(ev.name, ev.payload, ev.rawSource);
  }
}
