/**
 * The seams of the emulation: what a script runtime offers its machine, and what the machine offers a runtime.
 * Everything that crosses between runtimes is msgpack bytes, as in FiveM (ref §2).
 */

/** Which side a machine plays. */
export type Side = 'server' | 'client';

/** A resource's state as `GetResourceState` reports it (ref §1.5). */
export type ResourceState = 'missing' | 'started' | 'starting' | 'stopped' | 'stopping' | 'uninitialized' | 'unknown';

/** One script runtime (JS `vm` context or Lua state) inside one resource. */
export interface ScriptRuntime {
  readonly kind: 'js' | 'lua';
  /** Random per start, so refs into an old instance die on restart (ref §2.4). */
  readonly instanceId: number;
  /** Runs one script file in this runtime. Errors are printed (SCRIPT ERROR), never thrown. */
  loadScript(fileName: string, source: string): void;
  /** Delivers one event. `rawSource` is '' (local), 'net:<id>' or 'internal-net:<id>' (ref §1.1). */
  dispatchEvent(name: string, payload: Uint8Array, rawSource: string): void;
  /** Calls function reference `idx`: packed array of return values, or packed nil when the callee failed (ref §2.4). */
  callRef(idx: number, args: Uint8Array): Uint8Array;
  /** Adds one reference to `idx`; returns the index to use (ref §2.4). */
  duplicateRef(idx: number): number;
  /** Drops one reference to `idx`; the function is forgotten at zero. */
  deleteRef(idx: number): void;
  /** Runs what is due at virtual time `now`: timers, ticks, waiting threads. */
  tick(now: number): void;
  /** Virtual time of the next tick this runtime needs, or Infinity. */
  nextWake(): number;
  /** Tears the runtime down at resource stop. */
  destroy(): void;
}

/**
 * What a runtime may ask of its machine. One `RuntimeHost` per resource: the runtime never reaches further.
 * Payloads are packed by the caller's own codec.
 */
export interface RuntimeHost {
  readonly side: Side;
  readonly resourceName: string;
  /** Resource folder on disk (for LoadResourceFile, require). */
  readonly resourcePath: string;
  /** Virtual ms (GetGameTimer). */
  now(): number;
  /** Say that the runtime now needs a tick at `at` (virtual ms); the machine ticks at the next frame boundary. */
  wakeAt(at: number): void;
  /** RegisterResourceAsEventHandler: this resource now receives `eventName` (ref §1.1). */
  registerEventHandler(eventName: string): void;
  /** Synchronous local event to every resource on this machine; returns false when cancelled (ref §1.1, §5.5). */
  triggerEvent(eventName: string, payload: Uint8Array): boolean;
  /** CancelEvent / WasEventCanceled for the event being dispatched. */
  cancelEvent(): void;
  wasEventCanceled(): boolean;
  /** Server: TriggerClientEventInternal; `target` as the native receives it (string, '-1' broadcasts). */
  triggerClientEvent(eventName: string, target: string, payload: Uint8Array): void;
  triggerLatentClientEvent(eventName: string, target: string, payload: Uint8Array, bps: number): void;
  /** Client: TriggerServerEventInternal. */
  triggerServerEvent(eventName: string, payload: Uint8Array): void;
  triggerLatentServerEvent(eventName: string, payload: Uint8Array, bps: number): void;
  /** Calls a function reference anywhere on this machine. Returns packed results, or throws with the documented message (ref §2.4). */
  invokeFunctionReference(ref: string, args: Uint8Array): Uint8Array;
  duplicateFunctionReference(ref: string): string;
  deleteFunctionReference(ref: string): void;
  /** `"<resource>:<instanceId>:<idx>"` for a ref owned by `runtime` (ref §2.4). */
  canonicalizeRef(runtime: ScriptRuntime, idx: number): string;
  /** Pushes/pops the runtime stack that GetInvokingResource reads (ref §1.5). */
  enterRuntime(runtime: ScriptRuntime): void;
  exitRuntime(): void;
  getInvokingResource(): string | null;
  /** The plain natives (GetPlayerName, GetConvar, ...), same table for both runtimes; values in, values out. */
  readonly natives: Readonly<Record<string, (...args: any[]) => unknown>>;
  /** Prints like the FiveM console: `[resource] text`. */
  print(text: string): void;
  /** Prints a script error the way FiveM does (`SCRIPT ERROR: ...`) and counts it. */
  scriptError(message: string): void;
}
