/**
 * One small test per error code (contract §3): the promise rejects with a CallbackError carrying the code, the
 * callback's name, a message safe to show, and `timedOut` only for TIMEOUT.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { delay, record, registerOnClients, registerOnServer, world, type Recorded, type World } from './js-world.ts';

const emu = useEmulator();

/** Checks the rejection's shape: code, callback name, the calling resource's CallbackError class, timedOut. */
function expectCode(w: World, r: Recorded, code: string, name: string, callerClass = w.client(w.players[0], 'caller').CallbackError) {
  expect(r.code).toBe(code);
  expect(r.error).toBeInstanceOf(callerClass);
  expect(r.error.name).toBe('CallbackError');
  expect(r.error.callback).toBe(name);
  expect(r.error.timedOut).toBe(code === 'TIMEOUT');
}

async function setup(convars: Record<string, string> = {}) {
  const w = await world(emu(), { shop: {}, caller: {} }, { convars });
  const call = (name: string, ...args: unknown[]) => record(emu(), w.client(w.players[0], 'caller').triggerServer(name, ...args));
  return { w, call };
}

describe('error codes', () => {
  it('NOT_FOUND: nobody serves the name', async () => {
    const { w, call } = await setup();
    const r = call('ghost');
    await emu().advance(400);
    expectCode(w, r, 'NOT_FOUND', 'ghost');
    expect(r.message).toBe("callback 'ghost' does not exist");
  });

  it('TIMEOUT: no answer before the deadline', async () => {
    const { w } = await setup();
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined));
    const r = record(emu(), w.client(w.players[0], 'caller').withOptions({ timeout: 100 }).triggerServer('never'));
    await emu().advance(400);
    expectCode(w, r, 'TIMEOUT', 'never');
  });

  it('RATE_LIMITED: past the burst', async () => {
    const { w, call } = await setup();
    await registerOnServer(emu(), w, 'shop', 'once', () => 'ok', { rateLimit: { rate: 0.1, burst: 1 } });
    call('once');
    const r = call('once');
    await emu().advance(400);
    expectCode(w, r, 'RATE_LIMITED', 'once');
  });

  it('PAYLOAD_TOO_LARGE: arguments over maxPayload', async () => {
    const { w, call } = await setup();
    await registerOnServer(emu(), w, 'shop', 'tiny', () => 'ok', { maxPayload: 10 });
    const r = call('tiny', 'more than ten bytes');
    await emu().advance(400);
    expectCode(w, r, 'PAYLOAD_TOO_LARGE', 'tiny');
  });

  it('INVALID_ARGUMENTS: the schema refuses', async () => {
    const { w, call } = await setup();
    await registerOnServer(emu(), w, 'shop', 'typed', () => 'ok', { validate: { required: ['id'] } });
    const r = call('typed', {});
    await emu().advance(400);
    expectCode(w, r, 'INVALID_ARGUMENTS', 'typed');
  });

  it('FORBIDDEN: the player lacks the ACE', async () => {
    const { w, call } = await setup();
    await registerOnServer(emu(), w, 'shop', 'admin', () => 'ok', { permission: 'shop.admin' });
    const r = call('admin');
    await emu().advance(400);
    expectCode(w, r, 'FORBIDDEN', 'admin');
  });

  it('HANDLER_ERROR: the handler throws', async () => {
    const { w, call } = await setup();
    await registerOnServer(emu(), w, 'shop', 'boom', () => {
      throw new Error('secret');
    });
    const r = call('boom');
    await emu().advance(400);
    expectCode(w, r, 'HANDLER_ERROR', 'boom');
    expect(r.message).not.toContain('secret');
  });

  it('PLAYER_DROPPED: the target player leaves', async () => {
    const { w } = await setup();
    await registerOnClients(emu(), w, 'shop', 'never', () => () => new Promise(() => undefined));
    const r = record(emu(), w.server('shop').triggerClient(w.players[0].netId, 'never'));
    await emu().advance(100);
    emu().drop(w.players[0].netId, 'bye');
    await emu().advance(100);
    expectCode(w, r, 'PLAYER_DROPPED', 'never', w.server('shop').CallbackError);
  });

  it("RESOURCE_STOPPED: the handler's resource stops", async () => {
    const { w, call } = await setup();
    await registerOnServer(emu(), w, 'shop', 'never', () => new Promise(() => undefined));
    const r = call('never');
    await emu().advance(200);
    emu().stop('shop');
    await emu().advance(100);
    expectCode(w, r, 'RESOURCE_STOPPED', 'never');
  });

  it('BUSY: over the in-flight cap', async () => {
    const { w, call } = await setup({ 'callback_bridge:maxInFlight': '1' });
    await registerOnServer(emu(), w, 'shop', 'slow', () => delay(emu(), 200, 'ok'));
    call('slow');
    const r = call('slow');
    await emu().advance(400);
    expectCode(w, r, 'BUSY', 'slow');
  });
});
