/**
 * Who serves which callback name, so a caller can address the right resource without asking anyone per call
 * (contract §10). The bridge resource decides ownership; each engine keeps a replica of the other side's names.
 */
import type { Transport } from './transport.ts';

export const BRIDGE_RESOURCE = 'callback_bridge';

/** Directory updates: `[name, owner]` pairs, owner `null` when the name is gone. */
export type DirectoryDelta = Array<[string, string | null]>;

/**
 * Directory events. The server bridge tells every client which server resource serves which name (`toClients`, net);
 * a client bridge announces its own client callbacks to the server (`announce`, net), asks for the full list when it
 * starts (`hello`), and the server bridge passes each player's client names to server resources (`toServerResources`,
 * local, with the player id: a client can only ever redirect its own calls).
 */
export const DIRECTORY_EVENTS = { toClients: 'cbb:dir', toServerResources: 'cbb:cdir', announce: 'cbb:announce', hello: 'cbb:hello' } as const;

export type ClaimResult = { ok: true } | { ok: false; owner: string };

/** What an engine asks of the coordinator. */
export interface Coordinator {
  /** Claims `name` for `owner`, served at `address` (this engine's resource); refused while another resource holds it. */
  claim(name: string, owner: string, allowOverride: boolean, address: string): ClaimResult;
  release(name: string, owner: string): void;
  /** The resource that serves `name` on the other side (for `player`'s client when called on the server). */
  ownerOnOtherSide(name: string, player: number): string | undefined;
  /**
   * The resource that serves `name` on this side, by the ownership record: only the bridge's own coordinator knows,
   * and its engine forwards requests for names it does not serve itself there (bridge-link.ts).
   */
  localAddress?(name: string): string | undefined;
  /** Rebuilds the directory replica from the bridge (it restarted, so deltas may have been lost). */
  refresh?(): void;
}

/** A replica of one side's names, fed by snapshots and deltas. */
export class Directory {
  private readonly owners = new Map<string, string>();

  ownerOf(name: string): string | undefined {
    return this.owners.get(name);
  }

  /** Entries that are not `[string, string | null]` are skipped, as the Lua twin does (issue: security, fuzzing). */
  apply(delta: DirectoryDelta): void {
    for (const item of delta as unknown[]) {
      if (!Array.isArray(item)) continue;
      const [name, owner] = item;
      if (typeof name !== 'string') continue;
      if (typeof owner === 'string') this.owners.set(name, owner);
      else this.owners.delete(name);
    }
  }

  entries(): DirectoryDelta {
    return [...this.owners];
  }
}

/** Shape of the bridge exports an engine in another resource calls (only at registration and start). */
interface BridgeExports {
  ClaimCallback(side: string, name: string, owner: string, allowOverride: boolean, address: string): [boolean, string?];
  ReleaseCallback(side: string, name: string, owner: string): void;
  GetDirectory(side: string, player?: number): DirectoryDelta;
}

/**
 * The coordinator for an engine inside any resource: claims go to the bridge's exports, the other side's names
 * arrive as events. Without the bridge running, names are claimed locally and callers address the bridge, which
 * then cannot answer: the call times out (the README says to `ensure callback_bridge` first).
 */
export function bridgeCoordinator(transport: Transport, exportsOf: () => BridgeExports | undefined): Coordinator {
  /** The other side's names: one directory on a client (the server's), one per player on the server. */
  const others = new Map<number, Directory>();
  const dir = (player: number) => {
    let d = others.get(player);
    if (!d) others.set(player, (d = new Directory()));
    return d;
  };
  /** Calls the bridge; `fallback` when it is not running (an export that does not exist throws, ref §1.3). */
  const ask = <T>(fn: (b: BridgeExports) => T, fallback: T): T => {
    try {
      const b = exportsOf();
      return b ? fn(b) : fallback;
    } catch {
      return fallback;
    }
  };
  /** The client's replica of the server's names: a fresh snapshot from the bridge (later kept by `cbb:dir`). */
  const fetchServerNames = () => {
    const d = new Directory();
    const snapshot = ask((b) => b.GetDirectory('server'), []);
    if (Array.isArray(snapshot)) d.apply(snapshot);
    others.set(0, d);
  };
  if (transport.side === 'client') {
    fetchServerNames();
    transport.onNet(DIRECTORY_EVENTS.toClients, (_from, [delta]) => Array.isArray(delta) && dir(0).apply(delta as DirectoryDelta));
  } else {
    // A local event: only the bridge may speak it (any resource could raise it to redirect calls).
    transport.onLocal(DIRECTORY_EVENTS.toServerResources, (invoker, [player, delta]) => {
      if (invoker !== BRIDGE_RESOURCE || typeof player !== 'number') return;
      if (delta === null) others.delete(player);
      // A player's replica starts from a full snapshot at its first use: a delta alone would make a partial one.
      else if (Array.isArray(delta)) others.get(player)?.apply(delta as DirectoryDelta);
    });
  }
  return {
    refresh() {
      others.clear();
      // The server fetches each player's snapshot again at its next call to them.
      if (transport.side === 'client') fetchServerNames();
    },
    claim(name, owner, allowOverride, address) {
      const [ok, holder] = ask((b) => b.ClaimCallback(transport.side, name, owner, allowOverride, address), [true] as [boolean, string?]);
      return ok ? { ok: true } : { ok: false, owner: holder ?? 'another resource' };
    },
    release(name, owner) {
      ask((b) => b.ReleaseCallback(transport.side, name, owner), undefined);
    },
    ownerOnOtherSide(name, player) {
      const d = others.get(transport.side === 'server' ? player : 0);
      if (d) return d.ownerOf(name);
      if (transport.side !== 'server') return undefined;
      // First call to this player from this resource: one look-up, then kept up to date by events.
      const snapshot = ask((b) => b.GetDirectory('client', player), []);
      if (Array.isArray(snapshot)) dir(player).apply(snapshot);
      return dir(player).ownerOf(name);
    },
  };
}
