/**
 * A function's results kept by key, at most `limit` of them: when full it starts again empty. For values made per
 * call on the hot path from a small set of keys (event names per resource, sizes per callback name) where the keys
 * may come from a client, so the cache must not grow without bound.
 */
export class BoundedMemo<K, V> {
  private readonly values = new Map<K, V>();

  constructor(
    private readonly make: (key: K) => V,
    private readonly limit = 256,
  ) {}

  get(key: K): V {
    let value = this.values.get(key);
    if (value === undefined) {
      if (this.values.size >= this.limit) this.values.clear();
      this.values.set(key, (value = this.make(key)));
    }
    return value;
  }
}
