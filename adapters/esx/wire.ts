/**
 * The stand-in's own requests over ESX's wire (L3), for names the bridge does not serve: they reach a handler that
 * only a script speaking ESX's wire itself knows. Unlike ESX (ref §2.2, §6), a request here has an unguessable id, a
 * deadline, ends when its player drops, and accepts a reply only from the player it went to.
 */
import type { AdapterContext } from '../types.ts';
import { eventSource, listen, send } from './cfx.ts';
import { ESX_EVENTS, readReply, requestArgs } from './protocol.ts';

export type WireDone = (ok: boolean, valuesOrReason: unknown[] | string) => void;

interface Waiting {
  player: number;
  name: string;
  done: WireDone;
  timer: ReturnType<typeof setTimeout>;
}

const ID_SPACE = 2 ** 31;

export class WireCalls {
  private readonly waiting = new Map<number, Waiting>();
  private readonly stops: Array<() => void> = [];
  /** Replies refused because they came from another player than the one asked (read by tests). */
  forged = 0;

  constructor(private readonly ctx: AdapterContext) {
    const replyEvent = ctx.side === 'server' ? ESX_EVENTS.clientReply : ESX_EVENTS.serverReply;
    this.stops.push(listen(replyEvent, (...args: unknown[]) => this.receive(eventSource(), args), true));
    if (ctx.side === 'server') {
      this.stops.push(listen('playerDropped', () => this.dropped(Number(eventSource())), false));
    }
  }

  /** Sends `name` to `player` (0 on a client) in the 1.9+ dialect, as `invoker`; `done` runs once. */
  request(player: number, name: string, args: unknown[], invoker: string, done: WireDone): void {
    const id = this.newId();
    const timeout = this.ctx.engine.config.timeout;
    const timer = setTimeout(() => this.finish(id, false, `no answer over ESX's wire within ${timeout} ms (TIMEOUT)`), timeout);
    this.waiting.set(id, { player, name, done, timer });
    send(this.ctx.side, this.ctx.side === 'server' ? ESX_EVENTS.triggerClient : ESX_EVENTS.triggerServer, player, requestArgs(name, id, invoker, args));
  }

  /** Ends every request (detach). */
  close(): void {
    for (const stop of this.stops) stop();
    for (const id of [...this.waiting.keys()]) this.finish(id, false, 'the ESX stand-in stopped (RESOURCE_STOPPED)');
  }

  private receive(source: unknown, args: unknown[]): void {
    // A reply raised locally (source '') is a spoof on either side (ref §1.2).
    if (typeof source !== 'number') return;
    const reply = readReply(args);
    const entry = reply && this.waiting.get(reply.requestId);
    if (!reply || !entry) return;
    if (this.ctx.side === 'server' && entry.player !== source) {
      this.forged++;
      return;
    }
    this.finish(reply.requestId, true, reply.values);
  }

  private dropped(player: number): void {
    for (const [id, entry] of this.waiting) if (entry.player === player) this.finish(id, false, `player ${player} dropped (PLAYER_DROPPED)`);
  }

  private finish(id: number, ok: boolean, result: unknown[] | string): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    this.waiting.delete(id);
    clearTimeout(entry.timer);
    entry.done(ok, result);
  }

  private newId(): number {
    let id: number;
    do id = 1 + Math.floor(Math.random() * (ID_SPACE - 1));
    while (this.waiting.has(id));
    return id;
  }
}
