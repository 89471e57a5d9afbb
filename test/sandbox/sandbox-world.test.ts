/**
 * The sandbox's world (npm start) in virtual time: every example serves and calls through the bridge, and each kind
 * of misbehaving player leaves its mark in the metrics (RATE_LIMITED with the spammer on top of the list, bad
 * arguments, oversized requests, calls it may not make, unknown names, a laggy client's TIMEOUT, a leaver's
 * PLAYER_DROPPED). The screen's table comes from the same JSON view the dashboard reads.
 */
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Screen } from '../../scripts/sandbox/screen.ts';
import { Sandbox } from '../../scripts/sandbox/world.ts';

const root = path.resolve(__dirname, '../..');
let sandbox: Sandbox;
let view: any;

beforeAll(async () => {
  sandbox = await Sandbox.create(root, { players: 8, misbehaving: 4, latency: 30, port: 0 });
  await sandbox.emu.advance(35_000);
  view = await (await fetch(`${sandbox.url}metrics.json`)).json();
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

const row = (role: string, resource: string, name: string) => view.rows.find((r: any) => r.role === role && r.resource === resource && r.name === name);

describe('the sandbox world', () => {
  it('serves every example: ESX shop (stand-in), QBCore garage, ox_lib stash, TS bank, seed-library profile', () => {
    for (const [role, resource, name] of [
      ['handler', 'callback_bridge', 'esx_shop:getItems'], ['handler', 'callback_bridge', 'esx_shop:buy'],
      ['handler', 'qb_garage', 'qb_garage:list'], ['handler', 'qb_garage', 'qb_garage:takeOut'], ['caller', 'qb_garage', 'qb_garage:spawnPoint'],
      ['handler', 'ox_stash', 'ox_stash:open'], ['caller', 'ox_stash', 'ox_stash:zone'],
      ['handler', 'ts_bank', 'ts_bank:balance'], ['handler', 'ts_bank', 'ts_bank:transfer'], ['caller', 'ts_bank', 'ts_bank:confirm'],
      ['handler', 'seed_profile', 'seed_profile:get'], ['handler', 'seed_profile', 'seed_profile:reward'],
    ]) {
      expect(row(role, resource, name)?.calls, `${role} ${resource} ${name}`).toBeGreaterThan(0);
    }
    const clients = sandbox.emu.output(/^\[client \d+\]/).join('\n');
    for (const answer of [/bought bread, \d+ left/, /QB001 is out at/, /stash of 2 slots/, /balance \d+/, /profile\s+\{/, /day 3: 30 coins/, /pong after/]) {
      expect(clients).toMatch(answer);
    }
  });

  it('shows what the misbehaving players did', () => {
    expect(view.errors).toMatchObject({
      RATE_LIMITED: expect.any(Number), INVALID_ARGUMENTS: expect.any(Number), PAYLOAD_TOO_LARGE: expect.any(Number),
      FORBIDDEN: expect.any(Number), HANDLER_ERROR: expect.any(Number), TIMEOUT: expect.any(Number), PLAYER_DROPPED: expect.any(Number),
    });
    expect(view.limited[0]).toMatchObject({ name: 'Spammer', connected: true });
    expect(view.counters.notFound).toBeGreaterThan(0);
    expect(row('caller', 'ts_bank', 'ts_bank:confirm').errors).toMatchObject({ TIMEOUT: expect.any(Number), PLAYER_DROPPED: expect.any(Number) });
    // The only script error is the shop's on purpose: an unknown item raises in the handler.
    const errors = sandbox.emu.scriptErrors.map((l) => l.text.split('\n')[0]);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toMatch(/unknown item unicorn/);
  });

  it('prints the table and the dashboard address', async () => {
    const out = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    let text = '';
    (out as unknown as PassThrough).on('data', (c) => (text += c));
    await new Screen(sandbox, out).refresh();
    expect(text).toContain(`Dashboard: ${sandbox.url}`);
    expect(text).toMatch(/\d players connected \(4 normal, misbehaving: spammer, prober, laggy, leaver\)/);
    expect(text).toMatch(/ts_bank:balance\s+served\s+ts_bank\s+(-|\d)/);
    expect(text).toMatch(/Rate-limited players: #\d+ Spammer/);
  });
});
