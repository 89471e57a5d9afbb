/**
 * `Transport` over the CitizenFX JS globals. The same code runs on FXServer's Node runtime, in the game client's V8,
 * and in our emulation (which implements those globals).
 */
import type { Side, Transport } from './transport.ts';

/** The few CitizenFX globals we use, typed here so the engine does not depend on either side's typings. */
declare const IsDuplicityVersion: () => boolean;
declare const GetCurrentResourceName: () => string;
declare const GetInvokingResource: () => string | null;
declare const GetGameTimer: () => number;
declare const GetConvar: (name: string, fallback: string) => string;
declare const IsPlayerAceAllowed: (player: string, object: string) => boolean;
declare const DoesPlayerExist: (player: string) => boolean;
declare const onNet: (event: string, fn: (...args: unknown[]) => void) => void;
declare const on: (event: string, fn: (...args: unknown[]) => void) => void;
declare const emit: (event: string, ...args: unknown[]) => void;
declare const emitNet: (event: string, ...args: unknown[]) => void;
declare const TriggerLatentClientEvent: (event: string, target: number, bps: number, ...args: unknown[]) => void;
declare const TriggerLatentServerEvent: (event: string, bps: number, ...args: unknown[]) => void;
declare const setTick: (fn: () => void) => number;
declare const clearTick: (id: number) => void;
declare const setTimeout: (fn: () => void, ms: number) => unknown;
declare const clearTimeout: (handle: unknown) => void;

/** Latent events go at this many bytes per second (ref §3: <= 0 would mean 25000). */
const LATENT_BPS = 256 * 1024;

export function cfxTransport(): Transport {
  const side: Side = IsDuplicityVersion() ? 'server' : 'client';
  const resource = GetCurrentResourceName();
  const g = globalThis as unknown as { source: unknown };
  /**
   * The engine's tick: run every frame by `tick` (a setTick) while it asks to. `timer` (a setTimeout) starts it again at
   * `timerAt`; it is kept when the engine wakes earlier (a timer is set or moved only for an earlier time), so a
   * call costs no timer: with the default 30 s deadline one timer serves every call in flight.
   */
  let ticker: () => boolean | number = () => false;
  let tick: number | null = null;
  let timer: unknown = null;
  let timerAt = Infinity;
  const step = () => {
    const next = ticker();
    if (next === true) return;
    if (tick !== null) clearTick(tick);
    tick = null;
    if (next === false || next >= timerAt) return;
    if (timer !== null) clearTimeout(timer);
    timerAt = next;
    // FiveM's timers fire on the first tick where `now - start > ms` (ref §1.4): this one fires at `next` or after.
    timer = setTimeout(wakeUp, Math.max(0, next - GetGameTimer() - 1));
  };
  const wakeUp = () => {
    timer = null;
    timerAt = Infinity;
    if (tick === null) tick = setTick(step);
  };

  return {
    side,
    resource,
    now: () => GetGameTimer(),
    send(event, target, args, latent) {
      if (side === 'server') {
        if (latent) TriggerLatentClientEvent(event, target, LATENT_BPS, ...args);
        else emitNet(event, target, ...args);
      } else if (latent) TriggerLatentServerEvent(event, LATENT_BPS, ...args);
      else emitNet(event, ...args);
    },
    onNet(event, handler, spoofed) {
      onNet(event, (...args: unknown[]) => {
        // `source` is '' when another resource on this machine raised the event locally: a spoof (contract §6).
        const src = g.source;
        if (typeof src !== 'number') return void spoofed?.();
        handler(side === 'server' ? src : 0, args);
      });
    },
    onLocal(event, handler) {
      on(event, (...args: unknown[]) => handler(GetInvokingResource(), args));
    },
    emitLocal: (event, ...args) => emit(event, ...args),
    everyTick(fn) {
      ticker = fn;
      if (tick === null) tick = setTick(step);
    },
    onPlayerDropped(fn) {
      if (side !== 'server') return;
      on('playerDropped', () => {
        const src = Number(g.source);
        if (src > 0) fn(src);
      });
    },
    onResourceStop(fn) {
      on('onResourceStop', (name: unknown) => fn(String(name)));
    },
    onResourceStarted(fn) {
      on(side === 'server' ? 'onServerResourceStart' : 'onClientResourceStart', (name: unknown) => fn(String(name)));
    },
    connected: (player) => side === 'client' || DoesPlayerExist(String(player)),
    allowed: (player, permission) => side === 'client' || IsPlayerAceAllowed(String(player), permission),
    convar: (name, fallback) => GetConvar(name, fallback),
    log(level, message) {
      const colour = level === 'error' ? '^1' : level === 'warn' ? '^3' : '';
      console.log(`${colour}[callback_bridge] ${message}${colour ? '^7' : ''}`);
    },
  };
}
