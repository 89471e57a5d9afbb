/**
 * Server side of the bank: balances per player, transfers checked before the handler runs (a table schema), large
 * transfers confirmed by the sender's client within 2 s, an audit for players with the ACE `ts_bank.audit`.
 */
import { createBridge } from 'callback_bridge/api';
import type { ClientCallbacks, ServerCallbacks } from './types.ts';

const bridge = createBridge<ServerCallbacks, ClientCallbacks>();
const balances = new Map<number, number>();
const balanceOf = (player: number) => balances.get(player) ?? 500;

bridge.register('ts_bank:balance', (source) => balanceOf(source));

bridge.register(
  'ts_bank:transfer',
  async (source, { to, amount }) => {
    if (!(amount > 0) || amount > balanceOf(source)) return { ok: false, balance: balanceOf(source), reason: 'bad amount' };
    if (!GetPlayerName(String(to))) return { ok: false, balance: balanceOf(source), reason: 'no such player' };
    // A large transfer asks the sender first; a client that does not answer in 2 s (or leaves) cancels it.
    if (amount > 100) {
      const yes = await bridge.withOptions({ timeout: 2000 }).triggerClient(source, 'ts_bank:confirm', `Send ${amount} to ${to}?`).catch(() => false);
      if (!yes) return { ok: false, balance: balanceOf(source), reason: 'not confirmed' };
    }
    balances.set(source, balanceOf(source) - amount);
    balances.set(to, balanceOf(to) + amount);
    return { ok: true, balance: balanceOf(source) };
  },
  { validate: { required: ['to', 'amount'], types: { to: 'number', amount: 'number' } }, rateLimit: { rate: 2, burst: 5 } },
);

bridge.register('ts_bank:audit', () => [...balances], { permission: 'ts_bank.audit' });

on('playerDropped', () => balances.delete(Number(source)));
