/**
 * The one small interface every API family plugs in through (style anchor: `{ name, detect, attach, detach }`).
 * An adapter lives in `adapters/<family>/` with everything about that family: its detection, its wire protocol
 * (written down as types in `protocol.ts`), its bridge-side code (this interface) and its Lua import piece
 * (`import.lua`, loaded by `@callback_bridge/import.lua` into resources that include it). Adding a family means adding a
 * folder and one line in `adapters/index.ts`; the engine in `src/` never learns a framework's name.
 */
import type { CallbackEngine } from '../src/engine/engine.ts';
import type { DirectoryDelta } from '../src/engine/directory.ts';

/** How a family is present: its framework runs (L1: we talk through its own registry and wire), or it does not and
 * the `callback_bridge:standin` convar names it (L3: the bridge answers its exports and wire events itself). */
export type AdapterMode = 'framework' | 'standin';

export interface AdapterContext {
  readonly side: 'server' | 'client';
  /** The bridge's own engine: register handlers here, make calls from here. */
  readonly engine: CallbackEngine;
  /** The resource that serves `name` on this side through the bridge (any API), if any. */
  addressOf(name: string): string | undefined;
  /** Every name served on this side, and a listener for changes (returns an unsubscribe function). */
  names(): DirectoryDelta;
  onNamesChanged(fn: (delta: DirectoryDelta) => void): () => void;
  /** `GetResourceState`, honouring `provide` (Qbox provides qb-core). */
  resourceState(name: string): string;
  /** The families named by the `callback_bridge:standin` convar, lower-cased resource names. */
  standins(): string[];
  /**
   * Answers `exports['<resource>']:<name>()` with `fn` (the `__cfx_export_<resource>_<name>` event, ref §1.3), for L3
   * only: refused (returns null) while a resource of that name exists; otherwise returns the function that stops it.
   */
  provideExport(resource: string, name: string, fn: (...args: any[]) => unknown): (() => void) | null;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface Adapter {
  readonly name: string;
  /** Which mode this family is in right now, or null when it is absent. Re-run whenever a resource starts or stops. */
  detect(ctx: AdapterContext): AdapterMode | null;
  /** Starts serving in `mode`; returns the function that undoes everything it did (detach). */
  attach(ctx: AdapterContext, mode: AdapterMode): () => void;
}

/**
 * A family's piece for JS resources on the in-resource TS engine (`dist/callbacks.js`, `createBridge`), the JS twin of
 * its `import.lua`: `createBridge` runs every piece listed in `adapters/index-js.ts` on the engine it makes. The piece
 * runs in that resource, before its scripts; it looks for its framework itself, when it needs it (the framework may
 * start before or after the resource).
 */
export type JsPiece = (engine: CallbackEngine) => void;
