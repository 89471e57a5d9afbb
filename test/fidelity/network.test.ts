import { describe, expect, it } from 'vitest';
import { jsGlobals, manifest, useEmulator } from '../support/cfx.ts';

const emu = useEmulator();

/** A server resource counting `spam` events and recording drops, and a client that fires `count` at once. */
async function floodWorld(count: number, size = 10) {
  await emu().addInlineResource('srv', {
    'fxmanifest.lua': manifest("server_script 'server.js'"),
    'server.js': `globalThis.got = 0; globalThis.drops = [];
      onNet('spam', () => { got++; });
      on('playerDropped', (reason, res, code) => drops.push([source, reason, code]));`,
  });
  await emu().addInlineResource('cli', {
    'fxmanifest.lua': manifest("client_script 'client.js'"),
    'client.js': `const pad = 'x'.repeat(${size}); for (let i = 0; i < ${count}; i++) emitNet('spam', pad);`,
  });
  emu().start('srv');
  emu().start('cli');
  const player = emu().connect();
  await emu().advance(500);
  return { srv: jsGlobals(emu().server, 'srv'), player };
}

describe('server net-event limiters (ref §3)', () => {
  it('ref §3: a burst of 250 reliable events has the 50 over netEvent burst (200) dropped, no kick', async () => {
    const { srv, player } = await floodWorld(250);
    expect(srv.got).toBe(200);
    expect(emu().counters.dropped).toBe(50);
    expect(emu().players.has(player.netId)).toBe(true);
  });

  it('ref §3: dropped events drain netEventFlood (burst 300): the 501st event of a burst kicks', async () => {
    const { srv, player } = await floodWorld(501);
    expect(srv.got).toBe(200);
    expect(emu().players.has(player.netId)).toBe(false);
    expect(srv.drops).toEqual([[player.netId, 'Reliable network event overflow.', 9]]);
  });

  it('ref §3: 500 events in one burst are dropped past 200 but not kicked', async () => {
    const { player } = await floodWorld(500);
    expect(emu().players.has(player.netId)).toBe(true);
  });

  it('ref §3: netEventSize (384 KiB burst) kicks a client sending too many bytes at once', async () => {
    const { srv, player } = await floodWorld(5, 100 * 1024);
    expect(srv.got).toBe(3);
    expect(srv.drops[0][1]).toBe('Reliable network event size overflow: spam');
    expect(emu().players.has(player.netId)).toBe(false);
  });

  it('ref §3: rateLimiter_netEvent_burst raises the burst', async () => {
    emu().executeCommand(emu().server, 'set rateLimiter_netEvent_burst 1000');
    const { srv } = await floodWorld(250);
    expect(srv.got).toBe(250);
  });

  it('ref §3: values ≤ 0.01 for a limiter convar are ignored', async () => {
    emu().executeCommand(emu().server, 'set rateLimiter_netEvent_burst 0.01');
    const { srv } = await floodWorld(250);
    expect(srv.got).toBe(200);
  });

  it('ref §3: the bucket refills at 50/s of virtual time', async () => {
    const { srv } = await floodWorld(200);
    const client = jsGlobals(emu().players.values().next().value!.machine, 'cli');
    await emu().advance(1000);
    client.emitNet('spam', 'again');
    await emu().advance(200);
    expect(srv.got).toBe(201);
  });
});

describe('payload caps and latent events (ref §3)', () => {
  async function sizeWorld() {
    await emu().addInlineResource('srv', {
      'fxmanifest.lua': manifest("server_script 'server.js'"),
      'server.js': `globalThis.sizes = []; onNet('big', (s) => sizes.push([s.length, GetGameTimer()]));
        onNet('ask', (n, bps) => TriggerLatentClientEvent('down', source, bps, 'y'.repeat(n)));
        onNet('askReliable', (n) => emitNet('down', source, 'z'.repeat(n)));`,
    });
    await emu().addInlineResource('cli', {
      'fxmanifest.lua': manifest("client_script 'client.js'"),
      'client.js': `globalThis.got = []; onNet('down', (s) => got.push([s.length, GetGameTimer()]));`,
    });
    emu().start('srv');
    emu().start('cli');
    const player = emu().connect({ latency: 10 });
    return { srv: jsGlobals(emu().server, 'srv'), cli: jsGlobals(player.machine, 'cli'), player };
  }

  it('ref §3: a client event over 384 KiB is dropped by the client; one under it arrives', async () => {
    const { srv, cli } = await sizeWorld();
    cli.emitNet('big', 'a'.repeat(400 * 1024));
    cli.emitNet('big', 'b'.repeat(300 * 1024));
    await emu().advance(200);
    expect(srv.sizes.map((s: number[]) => s[0])).toEqual([300 * 1024]);
    expect(emu().counters.oversize).toBe(1);
    expect(emu().output(/Serialization of the net event packet failed/)).toHaveLength(1);
  });

  it('ref §3: a latent event takes its size / bps to arrive; bps <= 0 means 25000', async () => {
    const { cli } = await sizeWorld();
    cli.emitNet('ask', 50_000, 0);
    await emu().advance(5000);
    const [len, at] = cli.got[0];
    expect(len).toBe(50_000);
    // ~2 s of transfer at 25 kB/s after the request reached the server.
    expect(at).toBeGreaterThan(2000);
    expect(at).toBeLessThan(2300);
  });

  it('ref §3: server→client reliable events have no cap but warn at 1 MB', async () => {
    const { cli } = await sizeWorld();
    cli.emitNet('askReliable', 1_100_000);
    await emu().advance(300);
    expect(cli.got[0][0]).toBe(1_100_000);
    expect(emu().output(/sending large event down/)).toHaveLength(1);
  });

  it('reliable events arrive in order even with jitter', async () => {
    await emu().addInlineResource('srv', {
      'fxmanifest.lua': manifest("server_script 'server.js'"),
      'server.js': `globalThis.order = []; onNet('n', (i) => order.push(i));`,
    });
    await emu().addInlineResource('cli', {
      'fxmanifest.lua': manifest("client_script 'client.js'"),
      'client.js': `let i = 0; setTick(() => { if (i < 40) emitNet('n', i++); });`,
    });
    emu().start('srv');
    emu().start('cli');
    emu().connect({ latency: 30, jitter: 80 });
    await emu().advance(2000);
    const order = jsGlobals(emu().server, 'srv').order;
    expect(order).toEqual([...Array(40).keys()]);
  });
});
