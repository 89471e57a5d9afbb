/**
 * `cbmetrics` and `cbmetrics_reset` (contract §8): restricted commands. The server console runs them; a player needs
 * the ACE and gets the table in their own console; the reset reaches the Lua twin and the TS engine alike.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { FLOOD, observedWorld, row, view } from './world.ts';

const emu = useEmulator();

describe('cbmetrics', () => {
  it('prints the table on the server console, with calls/s a second later when nobody was watching', async () => {
    await observedWorld(emu(), 2);
    await emu().advance(2000);
    emu().executeCommand(emu().server, 'cbmetrics');
    expect(emu().output(/callback_bridge 0\.1\.0:/)).toEqual([]);
    await emu().advance(1200);
    const lines = emu().output().filter((l) => l.startsWith('[server] [callback_bridge]'));
    const text = lines.join('\n');
    expect(text).toMatch(/callback_bridge 0\.1\.0: \d+ callbacks, 2 players; calls\/s and latency over the last 1 s/);
    expect(text).toMatch(/callback\s+side\s+resource\s+calls\/s\s+calls\s+p50 ms\s+p99 ms\s+busy\s+errors \(since start\)/);
    expect(text).toMatch(new RegExp(`lua:price\\s+served\\s+luashop\\s+0\\.0\\s+${FLOOD + 1}\\s.*RATE_LIMITED ${FLOOD - 2}`));
    expect(text).toContain('Outside any callback: 2 requests for unknown names.');
    expect(text).toContain(`Rate-limited players: #1 player1 ${2 * (FLOOD - 2)}`);
  });

  it('filters by callback or resource', async () => {
    await observedWorld(emu(), 1);
    await emu().advance(1000);
    emu().executeCommand(emu().server, 'cbmetrics jsshop');
    await emu().advance(1200);
    const text = emu().output().join('\n');
    expect(text).toContain('js:echo');
    expect(text).not.toMatch(/lua:price\s+served/);
  });

  it('needs the ACE from a player, whose console gets the table', async () => {
    const { players } = await observedWorld(emu(), 1);
    await emu().advance(1000);
    emu().executeCommand(emu().server, 'cbmetrics', players[0].netId);
    expect(emu().output('Access denied for command cbmetrics.')).toHaveLength(1);
    emu().executeCommand(emu().server, `add_ace player.${players[0].netId} command.cbmetrics allow`);
    emu().executeCommand(emu().server, 'cbmetrics', players[0].netId);
    await emu().advance(1500);
    expect(emu().output(/^\[client 1\] \[callback_bridge\] lua:price\s+served/)).toHaveLength(1);
  });
});

describe('cbmetrics_reset', () => {
  it('makes every engine start again: rows, errors, limited players and the window', async () => {
    const { base, players } = await observedWorld(emu(), 2);
    await emu().advance(2000);
    expect(row(await view(base), 'handler', 'luashop', 'lua:price').calls).toBe(FLOOD + 1);
    emu().executeCommand(emu().server, 'cbmetrics_reset', players[0].netId);
    expect(emu().output('Access denied for command cbmetrics_reset.')).toHaveLength(1);
    emu().executeCommand(emu().server, 'cbmetrics_reset');
    expect(emu().output('metrics reset on every resource of the server')).toHaveLength(1);
    const v = await view(base);
    expect(v.rows).toEqual([]);
    expect(v.limited).toEqual([]);
    expect(v.counters.notFound).toBe(0);
    expect(v.series.t).toEqual([]);
  });
});
