/**
 * FXServer's ACE permissions, reduced to what scripts observe: `add_ace principal object allow|deny`,
 * `add_principal child parent`, and `IsPlayerAceAllowed`. Objects inherit by dotted prefix (`command` covers
 * `command.foo`); a deny anywhere on the principal's chain wins.
 */
export class AceTable {
  private readonly aces = new Map<string, Map<string, boolean>>();
  private readonly parents = new Map<string, Set<string>>();

  addAce(principal: string, object: string, allow: boolean): void {
    let map = this.aces.get(principal);
    if (!map) this.aces.set(principal, (map = new Map()));
    map.set(object, allow);
  }

  removeAce(principal: string, object: string): void {
    this.aces.get(principal)?.delete(object);
  }

  addPrincipal(child: string, parent: string): void {
    let set = this.parents.get(child);
    if (!set) this.parents.set(child, (set = new Set()));
    set.add(parent);
  }

  removePrincipal(child: string, parent: string): void {
    this.parents.get(child)?.delete(parent);
  }

  /** Whether `principal` (e.g. `player.3`) may use `object` (e.g. `command.cbmetrics`). */
  allowed(principal: string, object: string): boolean {
    const seen = new Set<string>();
    const queue = [principal, 'builtin.everyone'];
    let allow = false;
    while (queue.length) {
      const p = queue.shift()!;
      if (seen.has(p)) continue;
      seen.add(p);
      const map = this.aces.get(p);
      if (map) {
        for (let obj = object; obj; obj = obj.includes('.') ? obj.slice(0, obj.lastIndexOf('.')) : '') {
          const v = map.get(obj);
          if (v === false) return false;
          if (v === true) allow = true;
        }
      }
      for (const parent of this.parents.get(p) ?? []) queue.push(parent);
    }
    return allow;
  }
}
