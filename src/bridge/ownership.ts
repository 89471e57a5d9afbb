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
  private listener: (delta: DirectoryDelta) => void = () => undefined;

  /** Called with every change, to tell the resources that address these names. */
  onChange(fn: (delta: DirectoryDelta) => void): void {
    this.listener = fn;
  }

  claim(name: string, owner: string, allowOverride: boolean, address = owner): ClaimAnswer {
    const holder = this.owners.get(name);
    if (holder && holder.owner !== owner && !allowOverride) return [false, holder.owner];
    if (!holder || holder.owner !== owner || holder.address !== address) {
      this.owners.set(name, { owner, address });
      this.listener([[name, address]]);
    }
    return [true];
  }

  release(name: string, owner: string): boolean {
    if (this.owners.get(name)?.owner !== owner) return false;
    this.owners.delete(name);
    this.listener([[name, null]]);
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
    if (delta.length) this.listener(delta);
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
