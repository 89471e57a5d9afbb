import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsGlobals, manifest, useEmulator } from '../support/cfx.ts';

const repoRoot = path.resolve(__dirname, '../..');
const emu = useEmulator();

/** The bridge plus a JS resource using the include on both sides. */
async function world(serverCode: string, clientCode: string) {
  await emu().addResource('callback_bridge', repoRoot);
  await emu().addInlineResource('shop', {
    'fxmanifest.lua': manifest(
      "server_scripts { '@callback_bridge/dist/callbacks.js', 'server.js' }\nclient_scripts { '@callback_bridge/dist/callbacks.js', 'client.js' }",
    ),
    'server.js': serverCode,
    'client.js': clientCode,
  });
  expect(emu().start('callback_bridge')).toBe(true);
  expect(emu().start('shop')).toBe(true);
  const player = emu().connect();
  return { player, client: () => jsGlobals(player.machine, 'shop'), server: () => jsGlobals(emu().server, 'shop') };
}

describe('native TS API, JS caller → JS handler through the emulated network', () => {
  it('a client call reaches the server handler and gets its reply', async () => {
    const { client } = await world(
      `CallbackBridge.register('shop:price', (source, item) => ({ item, price: 12, source }));`,
      `globalThis.result = null;
       setTimeout(() => CallbackBridge.triggerServer('shop:price', 'bread').then((r) => { globalThis.result = r; }), 100);`,
    );
    await emu().advance(1000);
    expect(client().result).toEqual({ item: 'bread', price: 12, source: 1 });
  });

  it('1,000 concurrent calls of one name from 50 clients each get their own reply', async () => {
    const { client } = await world(
      `CallbackBridge.register('echo', (source, i) => [source, i], { rateLimit: false });`,
      `globalThis.ok = 0; globalThis.bad = 0;
       setTimeout(() => { for (let i = 0; i < 20; i++) CallbackBridge.triggerServer('echo', i).then(([src, j]) => {
         if (j === i && src === GetPlayerServerId(PlayerId())) ok++; else bad++; }); }, 100);`,
    );
    const players = [client];
    for (let p = 1; p < 50; p++) {
      const pl = emu().connect();
      players.push(() => jsGlobals(pl.machine, 'shop'));
    }
    await emu().advance(2000);
    const totals = players.map((c) => [c().ok, c().bad]);
    expect(totals.every(([ok, bad]) => ok === 20 && bad === 0)).toBe(true);
  });

  it('an unknown callback name fails with NOT_FOUND', async () => {
    const { client } = await world(``, `globalThis.err = null;
       setTimeout(() => CallbackBridge.triggerServer('nope').catch((e) => { globalThis.err = [e.code, e.message]; }), 100);`);
    await emu().advance(1000);
    expect(client().err).toEqual(['NOT_FOUND', "callback 'nope' does not exist"]);
  });

  it('a handler that never answers gives TIMEOUT at the deadline', async () => {
    const { client } = await world(
      `CallbackBridge.registerWithCallback('never', (source, cb) => {});`,
      `globalThis.err = null;
       setTimeout(() => CallbackBridge.withOptions({ timeout: 500 }).triggerServer('never').catch((e) => { globalThis.err = [e.code, GetGameTimer()]; }), 100);`,
    );
    await emu().advance(2000);
    expect(client().err[0]).toBe('TIMEOUT');
    expect(client().err[1]).toBeGreaterThanOrEqual(600);
    expect(client().err[1]).toBeLessThan(700);
  });

  it('a throwing handler gives HANDLER_ERROR without the stack; the server logs it with the callback and resource', async () => {
    const { client } = await world(
      `CallbackBridge.register('boom', () => { throw new Error('secret detail'); });`,
      `globalThis.err = null;
       setTimeout(() => CallbackBridge.triggerServer('boom').catch((e) => { globalThis.err = [e.code, e.message]; }), 100);`,
    );
    await emu().advance(1000);
    expect(client().err).toEqual(['HANDLER_ERROR', "callback 'boom' failed on the other side"]);
    expect(emu().output(/callback 'boom' \(resource shop\) failed: Error: secret detail/)).toHaveLength(1);
  });
});
