/**
 * The registry through the network (contract §3): one owner per name, replacing from the same resource, refusing
 * another resource unless it asks to take over, and forgetting a stopped resource's names everywhere.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { record, registerOnServer, world, type World } from './js-world.ts';

const emu = useEmulator();

/** Calls `name` from the `caller` resource of the first player and lets it settle. */
async function callFromClient(w: World, name: string, ...args: unknown[]) {
  const r = record(emu(), w.client(w.players[0], 'caller').triggerServer(name, ...args));
  await emu().advance(400);
  return r;
}

/** The server names a client's bridge knows, and which resource serves each. */
function clientDirectory(w: World): Record<string, string> {
  const entries = w.globals(w.players[0].machine, 'caller').exports.callback_bridge.GetDirectory('server') as Array<[string, string]>;
  return Object.fromEntries(entries.map(([n, o]) => [n, o]));
}

describe('registry', () => {
  it('re-registering a name from the same resource replaces the handler, without a warning', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'price', () => 1);
    await registerOnServer(emu(), w, 'shop', 'price', () => 2);
    expect((await callFromClient(w, 'price')).value).toBe(2);
    expect(emu().output(/tried to register/)).toEqual([]);
  });

  it('another resource registering a taken name is refused with a warning naming both, and the owner keeps serving', async () => {
    const w = await world(emu(), { shop: {}, other: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'price', () => 'shop');
    expect(w.server('other').register('price', () => 'other')).toBe(false);
    expect(emu().output(/other tried to register callback 'price', owned by shop: refused \(set allowOverride/)).toHaveLength(1);
    await emu().advance(100);
    expect((await callFromClient(w, 'price')).value).toBe('shop');
  });

  it('allowOverride lets another resource take the name over: calls then reach it', async () => {
    const w = await world(emu(), { shop: {}, other: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'price', () => 'shop');
    await registerOnServer(emu(), w, 'other', 'price', () => 'other', { allowOverride: true });
    expect(clientDirectory(w).price).toBe('other');
    expect((await callFromClient(w, 'price')).value).toBe('other');
  });

  it('a stopped resource loses its handlers, the directories forget them, and callers get NOT_FOUND at once', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'price', () => 1);
    expect(clientDirectory(w).price).toBe('shop');
    emu().stop('shop');
    await emu().advance(100);
    expect(clientDirectory(w).price).toBeUndefined();
    expect(w.globals(emu().server, 'caller').exports.callback_bridge.GetDirectory('server')).toEqual([]);
    const r = await callFromClient(w, 'price');
    expect(r.code).toBe('NOT_FOUND');
    expect(r.took).toBeLessThan(200); // within a round trip, not a timeout
  });

  it('after its owner stopped, another resource may take the name without allowOverride', async () => {
    const w = await world(emu(), { shop: {}, other: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'price', () => 'shop');
    emu().stop('shop');
    await registerOnServer(emu(), w, 'other', 'price', () => 'other');
    expect((await callFromClient(w, 'price')).value).toBe('other');
  });

  it('handlers an engine holds on behalf of another resource go when that resource stops', async () => {
    const w = await world(emu(), { shop: {}, helper: {}, caller: {} });
    const engine = w.server('shop').engine;
    expect(engine.register('lent', 'return', () => 'ok', {}, 'helper')).toBe(true);
    await emu().advance(100);
    expect((await callFromClient(w, 'lent')).value).toBe('ok');
    emu().stop('helper');
    expect(engine.has('lent')).toBe(false);
    await emu().advance(100);
    expect((await callFromClient(w, 'lent')).code).toBe('NOT_FOUND');
  });

  it('unregister removes the handler: has() turns false and callers get NOT_FOUND', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'price', () => 1);
    expect(w.server('shop').exists('price')).toBe(true);
    expect(w.server('shop').unregister('price')).toBe(true);
    expect(w.server('shop').exists('price')).toBe(false);
    await emu().advance(100);
    expect((await callFromClient(w, 'price')).code).toBe('NOT_FOUND');
  });

  it('a resource cannot unregister a name another resource owns', async () => {
    const w = await world(emu(), { shop: {}, other: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'price', () => 1);
    expect(w.server('other').unregister('price')).toBe(false);
    await emu().advance(100);
    expect((await callFromClient(w, 'price')).value).toBe(1);
  });
});
