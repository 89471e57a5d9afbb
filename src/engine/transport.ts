/**
 * The thin seam between the engine and CitizenFX. The engine never touches a FiveM global; everything it needs of
 * the runtime is here, so tests can drive it with virtual time and the same code runs on FXServer and in the client.
 */
export type Side = 'server' | 'client';

export interface Transport {
  readonly side: Side;
  /** The resource this engine runs in. */
  readonly resource: string;
  /** Milliseconds, monotonic (GetGameTimer). */
  now(): number;
  /**
   * Sends one net event. On the server `target` is a player id; on a client it is ignored (always the server).
   * `latent` sends it as a latent event at `bps`.
   */
  send(event: string, target: number, args: unknown[], latent: boolean): void;
  /**
   * Listens to a net event. `from` is the sending player on the server, 0 on a client (the server). Events that did
   * not come from the network (a local `TriggerEvent` spoofing a net event, `source == ''`) never reach `handler`;
   * `spoofed` hears of them (a counter).
   */
  onNet(event: string, handler: (from: number, args: unknown[]) => void, spoofed?: () => void): void;
  /** Listens to a local event; `invoker` is the resource that raised it (GetInvokingResource). */
  onLocal(event: string, handler: (invoker: string | null, args: unknown[]) => void): void;
  /** Raises a local event on this machine. */
  emitLocal(event: string, ...args: unknown[]): void;
  /**
   * Runs `fn` on the next frame, then as it says: `true` on the frame after; a number (ms, as `now()`) on the first
   * frame at or after that time at the latest, with no frame in between; `false` not again. Another call while `fn`
   * waits runs it on the next frame too. `fn` may run before the time it gave (it then says again what next). One
   * `fn` per transport (the engine's tick).
   */
  everyTick(fn: () => boolean | number): void;
  /** Calls `fn(player)` when a player drops (server only; never on a client). */
  onPlayerDropped(fn: (player: number) => void): void;
  /** Calls `fn(resource)` when any resource on this machine starts stopping (`onResourceStop`, immediate). */
  onResourceStop(fn: (resource: string) => void): void;
  /**
   * Calls `fn(resource)` after a resource on this machine started: the queued `on{Server,Client}ResourceStart`, not the
   * immediate `onResourceStart`, because export caches of a restarted resource are only cleared by the queued stop
   * event that comes before it (ref §4). Optional: engines without it never re-claim after a bridge restart.
   */
  onResourceStarted?(fn: (resource: string) => void): void;
  /** Whether `player` is connected (DoesPlayerExist). Always true on a client (its only peer is the server). */
  connected(player: number): boolean;
  /** Whether a player may use `permission` (IsPlayerAceAllowed). Always true on a client. */
  allowed(player: number, permission: string): boolean;
  /** A convar (replicated ones on a client). */
  convar(name: string, fallback: string): string;
  /** Prints to the console, prefixed by the resource name as FiveM does. */
  log(level: 'info' | 'warn' | 'error', message: string): void;
}
