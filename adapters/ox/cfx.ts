/**
 * The CitizenFX globals the ox adapter touches, behind one small seam with removable listeners (the adapter detaches
 * when ox_lib stops, and attaches again when it starts).
 */
import { OX_RESOURCE } from './protocol.ts';

declare const onNet: (event: string, fn: (...args: any[]) => void) => void;
declare const on: (event: string, fn: (...args: any[]) => void) => void;
declare const removeEventListener: (event: string, fn: (...args: any[]) => void) => void;
declare const emitNet: (event: string, ...args: unknown[]) => void;
declare const emit: (event: string, ...args: unknown[]) => void;
declare const GetInvokingResource: () => string | null;
declare const GetConvarInt: (name: string, fallback: number) => number;
declare const DoesPlayerExist: (player: string) => boolean;
declare const exports: Record<string, Record<string, (...args: unknown[]) => unknown>>;

export interface OxWire {
  readonly side: 'server' | 'client';
  /**
   * Listens to a net event. `from` is the sending player on the server, 0 on a client; an event raised locally
   * (`source == ''`, another resource posing as the network, ref §1.3) never reaches `fn` and is counted by `spoofed`.
   * Returns the function that stops listening.
   */
  listenNet(event: string, fn: (from: number, args: unknown[]) => void, spoofed?: () => void): () => void;
  /** Listens to a local event; `invoker` is the resource that raised it. */
  listenLocal(event: string, fn: (invoker: string | null, args: unknown[]) => void): () => void;
  /** Sends a net event: to `target` on the server, to the server from a client (`target` ignored). */
  send(event: string, target: number, ...args: unknown[]): void;
  emitLocal(event: string, ...args: unknown[]): void;
  /** The player a local `playerDropped` event is about (its `source`). */
  droppedPlayer(): number;
  connected(player: number): boolean;
  invoker(): string | null;
  convarInt(name: string, fallback: number): number;
  /** `exports.ox_lib:setValidCallback(name, true)`; false when ox_lib refused or is not there. */
  setValid(name: string): boolean;
}

export function cfxWire(side: 'server' | 'client'): OxWire {
  const g = globalThis as unknown as { source: unknown };
  const listen = (register: typeof on, event: string, handler: (...args: any[]) => void) => {
    register(event, handler);
    return () => removeEventListener(event, handler);
  };
  return {
    side,
    listenNet: (event, fn, spoofed) =>
      listen(onNet, event, (...args: unknown[]) => {
        const src = g.source;
        if (typeof src !== 'number') return void spoofed?.();
        fn(side === 'server' ? src : 0, args);
      }),
    listenLocal: (event, fn) => listen(on, event, (...args: unknown[]) => fn(GetInvokingResource(), args)),
    send(event, target, ...args) {
      if (side === 'server') emitNet(event, target, ...args);
      else emitNet(event, ...args);
    },
    emitLocal: (event, ...args) => emit(event, ...args),
    droppedPlayer: () => Number(g.source),
    connected: (player) => side !== 'server' || DoesPlayerExist(String(player)),
    invoker: () => GetInvokingResource(),
    convarInt: (name, fallback) => GetConvarInt(name, fallback),
    setValid(name) {
      try {
        exports[OX_RESOURCE].setValidCallback(name, true);
        return true;
      } catch {
        return false;
      }
    },
  };
}
