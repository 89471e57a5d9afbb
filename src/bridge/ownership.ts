/**
 * The one place that decides which resource owns a callback name (contract §3: re-registering from the same
 * resource replaces, from another is refused unless allowed). Server names are global; client names are kept per
 * player, because each client announces its own and must not redirect anyone else's calls.
 */
import type { DirectoryDelta } from '../engine/directory.ts';

export type ClaimAnswer = [ok: boolean, holder?: string];

interface Holder {
  /** The resource that registered the name: conflicts and cleanup go by it. */
  owner: string;
  /** The resource whose engine runs the handler: callers address it (the bridge itself for the exports path). */
  address: string;
}

export class Ownership {
  private readonly owners = new Map<string, Holder>();
  private readonly listeners: Array<(delta: DirectoryDelta) => void> = [];

  /** Called with every change, to tell the resources that address these names. */
  onChange(fn: (delta: DirectoryDelta) => void): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private changed(delta: DirectoryDelta): void {
    for (const fn of this.listeners.slice()) fn(delta);
  }

  claim(name: string, owner: string, allowOverride: boolean, address = owner): ClaimAnswer {
    const holder = this.owners.get(name);
    if (holder && holder.owner !== owner && !allowOverride) return [false, holder.owner];
    if (!holder || holder.owner !== owner || holder.address !== address) {
      this.owners.set(name, { owner, address });
      this.changed([[name, address]]);
    }
    return [true];
  }

  release(name: string, owner: string): boolean {
    if (this.owners.get(name)?.owner !== owner) return false;
    this.owners.delete(name);
    this.changed([[name, null]]);
    return true;
  }

  /** Drops every name `owner` holds (it stopped). */
  releaseOwner(owner: string): void {
    const delta: DirectoryDelta = [];
    for (const [name, holder] of this.owners) {
      if (holder.owner === owner) {
        this.owners.delete(name);
        delta.push([name, null]);
      }
    }
    if (delta.length) this.changed(delta);
  }

  ownerOf(name: string): string | undefined {
    return this.owners.get(name)?.owner;
  }

  addressOf(name: string): string | undefined {
    return this.owners.get(name)?.address;
  }

  /** The directory: name → address. */
  entries(): DirectoryDelta {
    return [...this.owners].map(([name, h]) => [name, h.address]);
  }

  get size(): number {
    return this.owners.size;
  }
}
