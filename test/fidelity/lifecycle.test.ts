import { describe, expect, it } from 'vitest';
import { jsGlobals, manifest, useEmulator } from '../support/cfx.ts';

const emu = useEmulator();

/** A resource that logs every lifecycle event with the time it saw it. */
const watcher = `globalThis.log = [];
  for (const ev of ['onResourceStarting', 'onResourceStart', 'onServerResourceStart', 'onResourceStop', 'onServerResourceStop'])
    on(ev, (name) => log.push([ev, name, GetGameTimer()]));`;

describe('resource lifecycle (ref §4)', () => {
  it('ref §4: start raises onResourceStarting and onResourceStart at once, onServerResourceStart on the next tick', async () => {
    await emu().addInlineResource('watch', { 'fxmanifest.lua': manifest("server_script 'w.js'"), 'w.js': watcher });
    await emu().addInlineResource('target', { 'fxmanifest.lua': manifest("server_script 's.js'"), 's.js': '' });
    emu().start('watch');
    await emu().advance(100);
    const log = jsGlobals(emu().server, 'watch').log;
    log.length = 0;
    emu().start('target');
    expect(log).toEqual([
      ['onResourceStarting', 'target', 100],
      ['onResourceStart', 'target', 100],
    ]);
    await emu().advance(50);
    expect(log[2]).toEqual(['onServerResourceStart', 'target', 150]);
  });

  it('ref §4: the stopping resource still receives onResourceStop but not the queued onServerResourceStop', async () => {
    await emu().addInlineResource('watch', { 'fxmanifest.lua': manifest("server_script 'w.js'"), 'w.js': watcher });
    await emu().addInlineResource('self', { 'fxmanifest.lua': manifest("server_script 'w.js'"), 'w.js': watcher });
    emu().start('watch');
    emu().start('self');
    const selfCtx = jsGlobals(emu().server, 'self');
    await emu().advance(100);
    emu().stop('self');
    await emu().advance(100);
    expect(selfCtx.log.filter((e: string[]) => e[1] === 'self').map((e: string[]) => e[0])).toEqual([
      'onResourceStart',
      'onServerResourceStart',
      'onResourceStop',
    ]);
    const events = jsGlobals(emu().server, 'watch').log.filter((e: string[]) => e[1] === 'self' && e[0].includes('Stop'));
    expect(events.map((e: string[]) => e[0])).toEqual(['onResourceStop', 'onServerResourceStop']);
  });

  it('ref §4: onResourceStarting can be cancelled to refuse a start', async () => {
    await emu().addInlineResource('guard', {
      'fxmanifest.lua': manifest("server_script 'g.js'"),
      'g.js': `on('onResourceStarting', (n) => { if (n === 'blocked') CancelEvent(); });`,
    });
    await emu().addInlineResource('blocked', { 'fxmanifest.lua': manifest("server_script 's.js'"), 's.js': '' });
    emu().start('guard');
    expect(emu().start('blocked')).toBe(false);
    expect(emu().server.resourceState('blocked')).toBe('stopped');
  });

  it('ref §4: dependencies start first, and stopping one stops its dependants', async () => {
    await emu().addInlineResource('base', { 'fxmanifest.lua': manifest("server_script 's.js'"), 's.js': '' });
    await emu().addInlineResource('top', { 'fxmanifest.lua': manifest("dependency 'base'\nserver_script 's.js'"), 's.js': '' });
    emu().start('top');
    expect(emu().server.resourceState('base')).toBe('started');
    emu().stop('base');
    expect(emu().server.resourceState('top')).toBe('stopped');
  });

  it('ref §1.5: GetResourceState honours provide', async () => {
    await emu().addInlineResource('qbx_core', { 'fxmanifest.lua': manifest("provide 'qb-core'\nserver_script 's.js'"), 's.js': '' });
    await emu().addInlineResource('probe', {
      'fxmanifest.lua': manifest("server_script 'p.js'"),
      'p.js': `globalThis.state = () => [GetResourceState('qb-core'), GetResourceState('es_extended')];`,
    });
    emu().start('probe');
    expect(jsGlobals(emu().server, 'probe').state()).toEqual(['stopped', 'missing']);
    emu().start('qbx_core');
    expect(jsGlobals(emu().server, 'probe').state()).toEqual(['started', 'missing']);
  });

  it('ref §4: a client starts every resource the server runs when it joins', async () => {
    await emu().addInlineResource('both', {
      'fxmanifest.lua': manifest("client_script 'c.js'\nserver_script 's.js'"),
      'c.js': `globalThis.side = 'client';`,
      's.js': `globalThis.side = 'server';`,
    });
    emu().start('both');
    const player = emu().connect();
    expect(jsGlobals(player.machine, 'both').side).toBe('client');
    expect(jsGlobals(emu().server, 'both').side).toBe('server');
  });
});

describe('players (ref §1.2, §4)', () => {
  it('ref §4: playerJoining has source = the new net id; playerDropped gives reason, resource and code', async () => {
    await emu().addInlineResource('srv', {
      'fxmanifest.lua': manifest("server_script 's.js'"),
      's.js': `globalThis.log = [];
        on('playerJoining', (old) => log.push(['join', source, typeof old]));
        on('playerDropped', (reason, res, code) => log.push(['drop', source, reason, code, GetPlayerName(source)]));
        onNet('kickme', () => DropPlayer(source, 'bye'));`,
    });
    emu().start('srv');
    const a = emu().connect({ name: 'Alice' });
    const b = emu().connect({ name: 'Bob' });
    emu().drop(a.netId, 'Exiting', 2);
    const log = jsGlobals(emu().server, 'srv').log;
    expect(log).toEqual([
      ['join', a.netId, 'string'],
      ['join', b.netId, 'string'],
      ['drop', a.netId, 'Exiting', 2, 'Alice'],
    ]);
  });

  it('ref §1.1: getPlayers returns strings; GetPlayerName is null for an unknown id', async () => {
    await emu().addInlineResource('srv', {
      'fxmanifest.lua': manifest("server_script 's.js'"),
      's.js': `globalThis.look = () => [getPlayers(), GetPlayerName(999), DoesPlayerExist(1)];`,
    });
    emu().start('srv');
    emu().connect({ name: 'Alice' });
    expect(jsGlobals(emu().server, 'srv').look()).toEqual([['1'], null, true]);
  });
});

describe('convars, ACE and commands', () => {
  it('setr replicates a convar to clients; set does not', async () => {
    await emu().addInlineResource('c', {
      'fxmanifest.lua': manifest("client_script 'c.js'"),
      'c.js': `globalThis.read = () => [GetConvar('pub', 'none'), GetConvar('priv', 'none'), GetConvarInt('pub', 0)];`,
    });
    emu().executeCommand(emu().server, 'setr pub 42');
    emu().executeCommand(emu().server, 'set priv secret');
    emu().start('c');
    const p = emu().connect();
    expect(jsGlobals(p.machine, 'c').read()).toEqual(['42', 'none', 42]);
  });

  it('add_ace and add_principal drive IsPlayerAceAllowed; deny wins', async () => {
    await emu().addInlineResource('s', {
      'fxmanifest.lua': manifest("server_script 's.js'"),
      's.js': `globalThis.can = (p, o) => IsPlayerAceAllowed(p, o);`,
    });
    emu().start('s');
    const p = emu().connect();
    const ctx = jsGlobals(emu().server, 's');
    expect(ctx.can(p.netId, 'command.cb')).toBe(false);
    emu().executeCommand(emu().server, `add_principal player.${p.netId} group.admin`);
    emu().executeCommand(emu().server, 'add_ace group.admin command allow');
    expect(ctx.can(p.netId, 'command.cb')).toBe(true);
    emu().executeCommand(emu().server, `add_ace player.${p.netId} command.cb deny`);
    expect(ctx.can(p.netId, 'command.cb')).toBe(false);
  });

  it('RegisterCommand: restricted commands need the command ACE unless run from the console', async () => {
    await emu().addInlineResource('s', {
      'fxmanifest.lua': manifest("server_script 's.js'"),
      's.js': `globalThis.runs = []; RegisterCommand('secret', (src, args, raw) => runs.push([src, args, raw]), true);`,
    });
    emu().start('s');
    const p = emu().connect();
    emu().executeCommand(emu().server, 'secret a "b c"');
    emu().executeCommand(emu().server, 'secret x', p.netId);
    expect(jsGlobals(emu().server, 's').runs).toEqual([[0, ['a', 'b c'], 'secret a "b c"']]);
    expect(emu().output('Access denied for command secret')).toHaveLength(1);
  });
});

describe('script errors', () => {
  it('a syntax error in a script prints SCRIPT ERROR and the server keeps running', async () => {
    await emu().addInlineResource('bad', { 'fxmanifest.lua': manifest("server_script 's.js'"), 's.js': 'this is not js' });
    await emu().addInlineResource('good', { 'fxmanifest.lua': manifest("server_script 's.js'"), 's.js': 'globalThis.ok = 1;' });
    emu().start('bad');
    emu().start('good');
    expect(emu().output(/SCRIPT ERROR: loading @bad\/s.js/)).toHaveLength(1);
    expect(jsGlobals(emu().server, 'good').ok).toBe(1);
  });
});
