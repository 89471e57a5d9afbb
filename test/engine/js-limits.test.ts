/**
 * The checks before a handler runs (contract §6): per player and per callback, each with its code, a counter, and
 * the handler never running. One player over a limit never slows another.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { delay, record, registerOnServer, world, type World } from './js-world.ts';

const emu = useEmulator();

/** Fires `n` calls of `name` from `player`'s caller resource at once and returns their records after `wait` ms. */
async function burst(w: World, player: number, n: number, name: string, args: unknown[] = [], wait = 600) {
  const caller = w.client(w.players[player], 'caller');
  const rs = Array.from({ length: n }, () => record(emu(), caller.triggerServer(name, ...args)));
  await emu().advance(wait);
  return rs;
}
const codes = (rs: Array<{ code?: string; value?: unknown }>) => rs.map((r) => r.code ?? 'ok');
const count = (rs: Array<{ code?: string }>, code: string) => codes(rs).filter((c) => c === code).length;

/** A handler that counts its runs. */
function counted(fn: (...a: any[]) => unknown = () => 'ok') {
  const h = Object.assign((...a: any[]) => (h.runs++, fn(...a)), { runs: 0 });
  return h;
}

describe('RATE_LIMITED', () => {
  it('is per player and per callback: the burst passes, the rest is refused; another player and another callback are unaffected', async () => {
    const w = await world(emu(), { shop: {}, caller: {} }, { players: 2 });
    const h = counted();
    await registerOnServer(emu(), w, 'shop', 'limited', h, { rateLimit: { rate: 5, burst: 5 } });
    await registerOnServer(emu(), w, 'shop', 'other', () => 'ok', { rateLimit: { rate: 5, burst: 5 } });
    const a = await burst(w, 0, 8, 'limited');
    expect([count(a, 'ok'), count(a, 'RATE_LIMITED')]).toEqual([5, 3]);
    expect(h.runs).toBe(5);
    expect(codes(await burst(w, 1, 5, 'limited'))).toEqual(Array(5).fill('ok'));
    expect(codes(await burst(w, 0, 5, 'other'))).toEqual(Array(5).fill('ok'));
  });

  it('refills at its rate', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'limited', () => 'ok', { rateLimit: { rate: 5, burst: 5 } });
    await burst(w, 0, 5, 'limited', [], 1000);
    expect(count(await burst(w, 0, 6, 'limited'), 'ok')).toBe(5);
  });

  it('forgets the buckets of players who stopped calling once they refilled', async () => {
    const w = await world(emu(), { shop: {}, caller: {} }, { players: 2 });
    await registerOnServer(emu(), w, 'shop', 'limited', () => 'ok', { rateLimit: { rate: 5, burst: 5 } });
    await Promise.all([burst(w, 0, 1, 'limited'), burst(w, 1, 1, 'limited')]);
    const buckets = () => w.server('shop').engine.responder.checks.limiters.get('limited').size;
    expect(buckets()).toBe(2);
    await emu().advance(11_000);
    await burst(w, 0, 1, 'limited'); // any traffic runs the sweep
    expect(buckets()).toBe(1);
  });
});

describe('BUSY', () => {
  it('refuses requests over the per-player in-flight cap; another player still gets through', async () => {
    const w = await world(emu(), { shop: {}, caller: {} }, { players: 2, convars: { 'callback_bridge:maxInFlight': '2' } });
    await registerOnServer(emu(), w, 'shop', 'slow', () => delay(emu(), 200, 'ok'), { rateLimit: false });
    const [a, b] = await Promise.all([burst(w, 0, 4, 'slow'), burst(w, 1, 2, 'slow')]);
    expect([count(a, 'ok'), count(a, 'BUSY')]).toEqual([2, 2]);
    expect(codes(b)).toEqual(['ok', 'ok']);
  });

  it("refuses requests over the resource's total in-flight cap", async () => {
    const w = await world(emu(), { shop: {}, caller: {} }, { players: 2, convars: { 'callback_bridge:maxInFlightTotal': '3' } });
    await registerOnServer(emu(), w, 'shop', 'slow', () => delay(emu(), 200, 'ok'), { rateLimit: false });
    const [a, b] = await Promise.all([burst(w, 0, 2, 'slow'), burst(w, 1, 2, 'slow')]);
    expect(count([...a, ...b], 'BUSY')).toBe(1);
  });
});

describe('PAYLOAD_TOO_LARGE', () => {
  it('is decided on the msgpack size: 300 floats (1.2 kB of JSON, 2.7 kB of msgpack) exceed 2000 bytes', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const h = counted();
    await registerOnServer(emu(), w, 'shop', 'store', h, { maxPayload: 2000 });
    const floats = Array(300).fill(1.5);
    expect(JSON.stringify(floats).length).toBeLessThan(2000);
    const [r] = await burst(w, 0, 1, 'store', [floats]);
    expect(r.code).toBe('PAYLOAD_TOO_LARGE');
    expect(h.runs).toBe(0);
  });

  it('counts UTF-8 bytes, not characters: 700 × "é" is 1403 bytes', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const h = counted();
    await registerOnServer(emu(), w, 'shop', 'store', h, { maxPayload: 1000 });
    const [r] = await burst(w, 0, 1, 'store', ['é'.repeat(700)]);
    expect(r.code).toBe('PAYLOAD_TOO_LARGE');
    expect(h.runs).toBe(0);
  });

  it('lets a payload just under the cap through', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'store', (_s: number, x: string) => x.length, { maxPayload: 2000 });
    const [r] = await burst(w, 0, 1, 'store', ['x'.repeat(1990)]); // 1993 bytes
    expect(r.value).toBe(1990);
  });
});

describe('INVALID_ARGUMENTS', () => {
  it('with a table schema: the caller reads every problem and the handler never runs', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const h = counted();
    await registerOnServer(emu(), w, 'shop', 'buy', h, { validate: { required: ['item', 'amount'], types: { amount: 'number' } } });
    const [bad] = await burst(w, 0, 1, 'buy', [{ amount: 'ten' }]);
    expect(bad.code).toBe('INVALID_ARGUMENTS');
    expect(bad.message).toContain("missing required field 'item'");
    expect(bad.message).toContain("field 'amount' must be number (got string)");
    expect(h.runs).toBe(0);
    const [good] = await burst(w, 0, 1, 'buy', [{ item: 'bread', amount: 2 }]);
    expect([good.value, h.runs]).toEqual(['ok', 1]);
  });

  it('with a Standard Schema object', async () => {
    const w = await world(emu(), {
      shop: {
        server: `const positive = { '~standard': { version: 1, vendor: 'test',
          validate: (v) => (typeof v === 'number' && v > 0 ? { value: v } : { issues: [{ message: 'must be a positive number' }] }) } };
        globalThis.runs = 0;
        CallbackBridge.register('pay', (source, n) => (runs++, n), { validate: positive });`,
      },
      caller: {},
    });
    const [bad] = await burst(w, 0, 1, 'pay', [-5]);
    expect(bad.code).toBe('INVALID_ARGUMENTS');
    expect(bad.message).toContain('must be a positive number');
    expect(w.globals(emu().server, 'shop').runs).toBe(0);
    const [good] = await burst(w, 0, 1, 'pay', [5]);
    expect(good.value).toBe(5);
  });

  it('with a Standard Schema that answers asynchronously', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const h = counted();
    const schema = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (v: unknown) => (await delay(emu(), 10), v === 'yes' ? { value: v } : { issues: [{ message: 'say yes' }] }),
      },
    };
    await registerOnServer(emu(), w, 'shop', 'ask', h, { validate: schema });
    const [bad] = await burst(w, 0, 1, 'ask', ['no']);
    const [good] = await burst(w, 0, 1, 'ask', ['yes']);
    expect([bad.code, good.value, h.runs]).toEqual(['INVALID_ARGUMENTS', 'ok', 1]);
  });

  it('a schema that throws refuses the call, and the other calls of the same batch are still served', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const broken = { '~standard': { version: 1, vendor: 'test', validate: () => { throw new Error('schema bug'); } } };
    await registerOnServer(emu(), w, 'shop', 'broken', () => 'ran', { validate: broken });
    await registerOnServer(emu(), w, 'shop', 'fine', () => 'ok');
    const caller = w.client(w.players[0], 'caller');
    const a = record(emu(), caller.triggerServer('broken', 1));
    const b = record(emu(), caller.triggerServer('fine')); // same frame: same batch
    await emu().advance(400);
    expect([a.code, b.value]).toEqual(['INVALID_ARGUMENTS', 'ok']);
  });
});

describe('FORBIDDEN', () => {
  it('refuses a player without the ACE permission, and allows them after add_ace', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const h = counted();
    await registerOnServer(emu(), w, 'shop', 'admin:kick', h, { permission: 'shop.admin' });
    const [before] = await burst(w, 0, 1, 'admin:kick');
    expect([before.code, h.runs]).toEqual(['FORBIDDEN', 0]);
    emu().executeCommand(emu().server, `add_ace player.${w.players[0].netId} shop.admin allow`);
    const [after] = await burst(w, 0, 1, 'admin:kick');
    expect([after.value, h.runs]).toEqual(['ok', 1]);
  });

  it('follows principals: a group with the ACE lets its members in', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'admin:kick', () => 'ok', { permission: 'shop.admin' });
    emu().executeCommand(emu().server, 'add_ace group.admin shop.admin allow');
    emu().executeCommand(emu().server, `add_principal player.${w.players[0].netId} group.admin`);
    expect((await burst(w, 0, 1, 'admin:kick'))[0].value).toBe('ok');
  });
});
