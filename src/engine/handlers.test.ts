/**
 * The handler registry of one engine. Across resources the bridge decides ownership first (js-registry.test.ts);
 * this is the engine's own guard, for names registered in one engine on behalf of several owners (the bridge's
 * exports path).
 */
import { describe, expect, it } from 'vitest';
import { HandlerRegistry, type RegisteredCallback } from './handlers.ts';

const entry = (name: string, owner: string, options: RegisteredCallback['options'] = {}): RegisteredCallback => ({
  name, owner, options, style: 'return', handler: () => owner,
});

describe('HandlerRegistry', () => {
  it('re-registering from the same owner replaces', () => {
    const r = new HandlerRegistry();
    expect(r.add(entry('a', 'shop'))).toEqual({ ok: true, replaced: false });
    const second = entry('a', 'shop');
    expect(r.add(second)).toEqual({ ok: true, replaced: true });
    expect(r.get('a')).toBe(second);
  });

  it('refuses another owner and names the holder, unless allowOverride', () => {
    const r = new HandlerRegistry();
    r.add(entry('a', 'shop'));
    expect(r.add(entry('a', 'other'))).toEqual({ ok: false, owner: 'shop' });
    expect(r.get('a')!.owner).toBe('shop');
    expect(r.add(entry('a', 'other', { allowOverride: true }))).toEqual({ ok: true, replaced: true });
    expect(r.get('a')!.owner).toBe('other');
  });

  it('removes only for the owner, and everything of an owner at once', () => {
    const r = new HandlerRegistry();
    r.add(entry('a', 'shop'));
    r.add(entry('b', 'shop'));
    r.add(entry('c', 'other'));
    expect(r.remove('a', 'other')).toBe(false);
    expect(r.remove('a', 'shop')).toBe(true);
    expect(r.removeOwner('shop')).toEqual(['b']);
    expect(r.names()).toEqual(['c']);
  });
});

describe('HandlerRegistry.onChange', () => {
  it('tells of adds, replacements and removals (one by one and by owner), until stopped; refusals are not changes', () => {
    const r = new HandlerRegistry();
    const seen: Array<[string, string | undefined]> = [];
    const stop = r.onChange((name, e) => seen.push([name, e?.owner]));
    r.add(entry('a', 'shop'));
    r.add(entry('a', 'shop'));
    r.add(entry('a', 'other'));
    r.add(entry('b', 'shop'));
    r.remove('a', 'other');
    r.remove('a');
    r.removeOwner('shop');
    stop();
    r.add(entry('c', 'shop'));
    expect(seen).toEqual([['a', 'shop'], ['a', 'shop'], ['b', 'shop'], ['a', undefined], ['b', undefined]]);
  });
});
