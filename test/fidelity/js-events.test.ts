import { describe, expect, it } from 'vitest';
import { jsGlobals, manifest, resource, useEmulator } from '../support/cfx.ts';

const emu = useEmulator();

/** A server resource whose script stores observations in `globalThis.seen`. */
async function jsServer(name: string, code: string) {
  await resource(emu(), name, { server: ['server.js', code] });
  return jsGlobals(emu().server, name);
}

describe('JS events and source (ref §1.1, §1.2)', () => {
  it('ref §1.1: source is "" inside a local handler and null after it', async () => {
    const ctx = await jsServer(
      'a',
      `globalThis.seen = []; on('ping', () => seen.push(source)); emit('ping'); seen.push(source);`,
    );
    expect(ctx.seen).toEqual(['', null]);
  });

  it('ref §1.1: emit runs every handler in every resource before it returns', async () => {
    await jsServer('listener', `on('hello', (x) => { globalThis.got = x; });`);
    const ctx = await jsServer('emitter', `emit('hello', 5); globalThis.after = true;`);
    const listener = emu().server.resources.get('listener')!.runtimes[0] as unknown as { context: Record<string, any> };
    expect(listener.context.got).toBe(5);
    expect(ctx.after).toBe(true);
  });

  it('ref §1.2: a client event reaches the server handler with source = the net id, on the next tick', async () => {
    const ctx = await jsServer('srv', `globalThis.seen = []; onNet('hi', (a) => seen.push([source, a, GetGameTimer()]));`);
    await emu().addInlineResource('cli', { 'fxmanifest.lua': manifest("client_script 'client.js'"), 'client.js': `emitNet('hi', 'x');` });
    emu().start('cli');
    const player = emu().connect({ latency: 20 });
    await emu().advance(200);
    expect(ctx.seen).toHaveLength(1);
    const [src, arg, at] = ctx.seen[0];
    expect(src).toBe(player.netId);
    expect(arg).toBe('x');
    // Sent at t=0, arrives at 20, handled on the next 50 ms server tick.
    expect(at).toBe(50);
  });

  it('ref §1.1 step 2: a net event to a handler that is not net-safe is refused with a message', async () => {
    const ctx = await jsServer('srv', `globalThis.seen = []; on('secret', () => seen.push(source));`);
    await emu().addInlineResource('cli', { 'fxmanifest.lua': manifest("client_script 'client.js'"), 'client.js': `emitNet('secret');` });
    emu().start('cli');
    emu().connect();
    await emu().advance(200);
    expect(ctx.seen).toEqual([]);
    expect(emu().output('Event secret was not safe for net')).toHaveLength(1);
  });

  it('ref §1.1: on the client, server events carry source 65535', async () => {
    await jsServer('srv', `onNet('ask', () => emitNet('answer', source, 'yes'));`);
    await emu().addInlineResource('cli', {
      'fxmanifest.lua': manifest("client_script 'client.js'"),
      'client.js': `globalThis.seen = []; onNet('answer', (v) => seen.push([source, v])); emitNet('ask');`,
    });
    emu().start('cli');
    const player = emu().connect();
    await emu().advance(300);
    const client = player.machine.resources.get('cli')!.runtimes[0] as unknown as { context: Record<string, any> };
    expect(client.context.seen).toEqual([[65535, 'yes']]);
  });

  it('ref §1.1 step 6: a throwing handler prints SCRIPT ERROR and the next handler still runs', async () => {
    const ctx = await jsServer(
      'srv',
      `globalThis.seen = []; on('e', () => { throw new Error('boom'); }); on('e', () => seen.push('second')); emit('e');`,
    );
    expect(ctx.seen).toEqual(['second']);
    expect(emu().output(/SCRIPT ERROR: in event 'e'.*boom/)).toHaveLength(1);
  });

  it('ref §1.1: CancelEvent makes TriggerEvent report the cancellation to the next listener', async () => {
    const ctx = await jsServer(
      'srv',
      `globalThis.seen = []; on('c', () => CancelEvent()); on('c', () => seen.push(WasEventCanceled())); emit('c');`,
    );
    expect(ctx.seen).toEqual([true]);
  });
});

describe('JS exports (ref §1.3)', () => {
  it('ref §1.3: exports resolve through __cfx_export events and return values across resources', async () => {
    await jsServer('lib', `exports('add', (a, b) => a + b);`);
    const ctx = await jsServer('user', `globalThis.sum = exports.lib.add(2, 3);`);
    expect(ctx.sum).toBe(5);
  });

  it('ref §1.3: a missing export throws at property access', async () => {
    await jsServer('lib', `exports('add', (a, b) => a + b);`);
    const ctx = await jsServer('user', `try { exports.lib.nope; } catch (e) { globalThis.err = e.message; }`);
    expect(ctx.err).toBe('No such export nope in resource lib');
  });

  it('ref §1.3: exports() needs exactly two arguments', async () => {
    const ctx = await jsServer('lib', `try { exports('x'); } catch (e) { globalThis.err = e.message; }`);
    expect(ctx.err).toBe('this needs 2 arguments');
  });

  it('ref §1.3: a throwing export is rewrapped for the caller', async () => {
    await jsServer('lib', `exports('bad', () => { throw new Error('inner'); });`);
    const ctx = await jsServer('user', `try { exports.lib.bad(); } catch (e) { globalThis.err = e.message; }`);
    expect(ctx.err).toBe('An error occurred while calling export bad of resource lib - see above for details');
  });

  it('ref §1.3: the export cache is cleared when the exporting resource stops (queued)', async () => {
    await jsServer('lib', `exports('v', () => 1);`);
    const ctx = await jsServer('user', `globalThis.call = () => exports.lib.v();`);
    expect(ctx.call()).toBe(1);
    emu().restart('lib');
    // Before the queued onServerResourceStop runs, the cached ref is dead (ref §4 "one-tick window").
    expect(() => ctx.call()).toThrow('An error occurred while calling export v of resource lib - see above for details');
    expect(emu().output(/Error in nested ref call for user\. user tried to call a function reference in lib/)).toHaveLength(1);
    await emu().advance(100);
    expect(ctx.call()).toBe(1);
  });

  it('ref §2.4: an async export gives the JS caller a Promise', async () => {
    await jsServer('lib', `exports('later', async (x) => { await new Promise((r) => setTimeout(r, 100)); return x * 2; });`);
    const ctx = await jsServer('user', `exports.lib.later(21).then((v) => { globalThis.v = v; });`);
    await emu().advance(300);
    expect(ctx.v).toBe(42);
  });
});

describe('JS timers (ref §1.4)', () => {
  it('ref §1.4: setTimeout fires on a tick once now - lastRun > interval (strictly)', async () => {
    const ctx = await jsServer('t', `globalThis.seen = []; setTimeout(() => seen.push(GetGameTimer()), 50);`);
    await emu().advance(300);
    // Created at 0; at the 50 ms tick 50 - 0 is not > 50, so it fires at 100.
    expect(ctx.seen).toEqual([100]);
  });

  it('ref §1.4: setTick skips a ticker whose promise is still pending', async () => {
    const ctx = await jsServer(
      't',
      `globalThis.runs = 0; setTick(() => { runs++; return new Promise((r) => setTimeout(r, 120)); });`,
    );
    await emu().advance(500);
    // Runs at 50, its promise settles at 200 (>120 after 50 needs tick 200), next run at 250, settles 400, run 450.
    expect(ctx.runs).toBe(3);
  });

  it('ref §1.1: the server ticks every 50 ms', async () => {
    const ctx = await jsServer('t', `globalThis.times = []; setTick(() => { times.push(GetGameTimer()); });`);
    await emu().advance(200);
    expect(ctx.times).toEqual([50, 100, 150, 200]);
  });
});
