/**
 * Staying under FiveM's own net-event limiters (contract §6, ref §3: 50 events/s with a burst of 200, a kick at
 * 75/s; 128 KiB/s with a kick past a 384 KiB burst), however hard a script calls, and big payloads as latent events.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { record, registerOnServer, world, type World } from './js-world.ts';

const emu = useEmulator();

/** The player is still there and the server neither dropped nor kicked anything. */
function stillConnected(w: World) {
  expect(emu().counters).toMatchObject({ dropped: 0, kicked: 0, oversize: 0 });
  expect(emu().players.has(w.players[0].netId)).toBe(true);
}

describe("FiveM's limiters", () => {
  it('500 calls fired in one frame by one client are all served without a kick', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'echo', (_s: number, i: number) => i, { rateLimit: false });
    const caller = w.client(w.players[0], 'caller');
    const rs = Array.from({ length: 500 }, (_, i) => record(emu(), caller.triggerServer('echo', i)));
    await emu().advance(1000);
    expect(rs.every((r, i) => r.value === i)).toBe(true);
    stillConnected(w);
  });

  it('500 calls of 1 KiB each in one frame (500 KiB) stay under the byte limiter', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'store', (_s: number, s: string) => s.length, { rateLimit: false });
    const caller = w.client(w.players[0], 'caller');
    const blob = 'x'.repeat(1024);
    const rs = Array.from({ length: 500 }, () => record(emu(), caller.triggerServer('store', blob)));
    await emu().advance(10_000);
    expect(rs.filter((r) => r.value === 1024)).toHaveLength(500);
    stillConnected(w);
  });

  it('a client calling every frame for 10 virtual seconds is never dropped, and every call is served promptly', async () => {
    const w = await world(emu(), {
      shop: {},
      caller: {
        client: `globalThis.ok = 0; globalThis.made = 0; globalThis.errors = [];
          globalThis.go = (ms) => { const end = GetGameTimer() + ms;
            const t = setTick(() => { if (GetGameTimer() >= end) return clearTick(t); made++;
              CallbackBridge.triggerServer('echo', made).then(() => ok++, (e) => errors.push(e.code)); }); };`,
      },
    });
    await registerOnServer(emu(), w, 'shop', 'echo', (_s: number, i: number) => i, { rateLimit: false });
    const g = w.globals(w.players[0].machine, 'caller');
    g.go(10_000);
    await emu().advance(11_000);
    expect(g.made).toBeGreaterThan(600); // a 16 ms frame: ~62 calls a second
    expect([g.ok, [...g.errors]]).toEqual([g.made, []]);
    const m = w.client(w.players[0], 'caller').engine.metrics.snapshot().find((x: any) => x.name === 'echo');
    expect(m.p99).toBeLessThan(250); // paced batches, not a queue that grows for ten seconds
    stillConnected(w);
  });
});

describe('latent events', () => {
  it('a 1 MiB reply arrives intact as a latent event', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    const big = Array.from({ length: 1024 }, (_, i) => `${i}:`.padEnd(1024, String.fromCharCode(97 + (i % 26))));
    await registerOnServer(emu(), w, 'shop', 'big', () => big);
    const r = record(emu(), w.client(w.players[0], 'caller').triggerServer('big'));
    await emu().advance(10_000);
    expect(r.value).toEqual(big);
    expect(w.server('shop').engine.outbox.sent.latent).toBe(1);
    expect(emu().output(/sending large event/)).toEqual([]);
  });

  it('a 200 KiB request goes latent from the client and arrives intact', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'upload', (_s: number, s: string) => s.length, { maxPayload: 512 * 1024 });
    const caller = w.client(w.players[0], 'caller');
    const r = record(emu(), caller.triggerServer('upload', 'u'.repeat(200 * 1024)));
    await emu().advance(5000);
    expect(r.value).toBe(200 * 1024);
    expect(caller.engine.outbox.sent.latent).toBe(1);
    stillConnected(w);
  });

  it('a reply with latent: false stays reliable however large', async () => {
    const w = await world(emu(), { shop: {}, caller: {} });
    await registerOnServer(emu(), w, 'shop', 'big', () => 'y'.repeat(100 * 1024), { latent: false });
    const r = record(emu(), w.client(w.players[0], 'caller').triggerServer('big'));
    await emu().advance(2000);
    expect((r.value as string).length).toBe(100 * 1024);
    expect(w.server('shop').engine.outbox.sent).toMatchObject({ latent: 0, reliable: 1 });
  });
});

describe('the client byte budget convars', () => {
  it('default to 98304 bytes/s with a 262144-byte burst, on both sides', async () => {
    const w = await world(emu(), { caller: {} });
    const defaults = { rate: 96 * 1024, burst: 256 * 1024 };
    expect(w.client(w.players[0], 'caller').engine.config.sendBytes).toEqual(defaults);
    expect(w.server('caller').engine.config.sendBytes).toEqual(defaults);
  });

  it('callback_bridge:sendBytesRate / sendBytesBurst (replicated) pace a client: a second 6 KB call waits for the budget', async () => {
    const convars = { 'callback_bridge:sendBytesRate': '4096', 'callback_bridge:sendBytesBurst': '8192' };
    const w = await world(emu(), { shop: {}, caller: {} }, { convars });
    await registerOnServer(emu(), w, 'shop', 'store', (_s: number, s: string) => s.length, { rateLimit: false });
    const caller = w.client(w.players[0], 'caller');
    expect(caller.engine.config.sendBytes).toEqual({ rate: 4096, burst: 8192 });
    const blob = 'x'.repeat(6000);
    const first = record(emu(), caller.triggerServer('store', blob));
    await emu().advance(20); // the next frame: a batch of its own
    const second = record(emu(), caller.triggerServer('store', blob));
    await emu().advance(3000);
    expect([first.value, second.value]).toEqual([6000, 6000]);
    expect(first.took).toBeLessThan(200);
    // ~2 KB left after the first: the second waits about (6 KB - 2 KB) / 4 KB/s.
    expect(second.took).toBeGreaterThan(800);
    stillConnected(w);
  });
});
