/**
 * A frame carries at most 255 values (the receiver refuses the whole batch otherwise, other calls included). The
 * TS engine guards on the sending side, as the Lua twin does: too many arguments fail at once with
 * INVALID_ARGUMENTS, too many reply values become HANDLER_ERROR, and the other calls of the same tick still work.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { record, registerOnClients, registerOnServer, world } from './js-world.ts';

const emu = useEmulator();
const many = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('more than 255 arguments', () => {
  it('client → server: fails at once with INVALID_ARGUMENTS; 255 pass; a call in the same tick is untouched', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'count', (_source: number, ...args: unknown[]) => args.length);
    const caller = w.client(w.players[0], 'caller').withOptions({ timeout: 2000 });
    const tooMany = record(emu(), caller.triggerServer('count', ...many(256)));
    const most = record(emu(), caller.triggerServer('count', ...many(255)));
    const innocent = record(emu(), caller.triggerServer('count', 'a'));
    await emu().advance(0);
    expect(tooMany).toMatchObject({ code: 'INVALID_ARGUMENTS', took: 0 });
    expect(tooMany.message).toBe("callback 'count' received invalid arguments: more than 255 arguments");
    await emu().advance(500);
    expect([most.value, innocent.value]).toEqual([255, 1]);
  });

  it('server → client: the same guard', async () => {
    const w = await world(emu(), { shop: {}, boss: {} });
    await registerOnClients(emu(), w, 'shop', 'count', () => (...args: unknown[]) => args.length);
    const boss = w.server('boss').withOptions({ timeout: 2000 });
    const id = w.players[0].netId;
    const tooMany = record(emu(), boss.triggerClient(id, 'count', ...many(300)));
    const innocent = record(emu(), boss.triggerClient(id, 'count', 'a', 'b'));
    await emu().advance(500);
    expect(tooMany.code).toBe('INVALID_ARGUMENTS');
    expect(innocent.value).toBe(2);
  });
});

describe('a handler that answers more than 255 values', () => {
  it('server handler: the caller gets HANDLER_ERROR, the console says why; a reply in the same tick arrives', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'ok', () => 'fine');
    expect(w.server('shop').registerWithCallback('spill', (_s: number, cb: Function, n: number) => cb(...many(n)))).toBe(true);
    await emu().advance(100);
    const caller = w.client(w.players[0], 'caller').withOptions({ timeout: 2000 });
    const spill = record(emu(), caller.triggerServerValues('spill', 256));
    const most = record(emu(), caller.triggerServerValues('spill', 255));
    const innocent = record(emu(), caller.triggerServer('ok'));
    await emu().advance(500);
    expect(spill.code).toBe('HANDLER_ERROR');
    expect(spill.message).toBe("callback 'spill' failed on the other side");
    expect((most.value as unknown[]).length).toBe(255);
    expect(innocent.value).toBe('fine');
    expect(emu().output(/callback 'spill' \(resource shop\) failed: answered 256 values; at most 255 travel/)).toHaveLength(1);
  });

  it('client handler: the server caller gets HANDLER_ERROR', async () => {
    const w = await world(emu(), { shop: {}, boss: {} });
    for (const p of w.players) w.client(p, 'shop').registerWithCallback('spill', (cb: Function) => cb(...many(400)));
    await emu().advance(150);
    const r = record(emu(), w.server('boss').withOptions({ timeout: 2000 }).triggerClientValues(w.players[0].netId, 'spill'));
    await emu().advance(500);
    expect(r.code).toBe('HANDLER_ERROR');
  });
});
