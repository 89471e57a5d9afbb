/**
 * Configuration: defaults, and the `callback_bridge:*` convars that override them (contract §7). Read when an engine
 * starts; clients see only replicated (`setr`) convars, so the README tells owners to use `setr` for these.
 */
import type { BucketLimits } from '../core/token-bucket.ts';
import type { StandardSchemaV1, TableSchema } from '../core/validation.ts';

export interface EngineConfig {
  /** Default deadline of a call, ms. */
  timeout: number;
  /** Per player, per callback, on the handler's side. */
  rateLimit: BucketLimits;
  /** Largest request (arguments) a handler accepts, bytes of msgpack (estimated). */
  maxPayload: number;
  /** Requests one player may have running in one resource's handlers at once. */
  maxInFlightPerPlayer: number;
  /** Requests one resource may have running in its handlers at once, all players together. */
  maxInFlightTotal: number;
  /** Batches bigger than this go as latent events (ref §3: the reliable channel kicks above 384 KiB bursts). */
  latentThreshold: number;
  /** Net events per second one resource sends to one target, and the burst (stays under FiveM's netEvent limiter). */
  sendRate: BucketLimits;
  /**
   * Bytes per second of reliable events a client resource sends, and the burst: under FiveM's netEventSize limiter
   * (128 KiB/s, kick past a 384 KiB burst, ref §3) with room left for the player's other events.
   */
  sendBytes: BucketLimits;
  debug: boolean;
}

export const DEFAULT_CONFIG: EngineConfig = {
  timeout: 30_000,
  rateLimit: { rate: 10, burst: 20 },
  maxPayload: 64 * 1024,
  maxInFlightPerPlayer: 32,
  maxInFlightTotal: 4096,
  latentThreshold: 32 * 1024,
  sendRate: { rate: 20, burst: 40 },
  sendBytes: { rate: 96 * 1024, burst: 256 * 1024 },
  debug: false,
};

/** Convar names, all under the `callback_bridge:` prefix (contract §7). */
export const CONVARS = {
  timeout: 'callback_bridge:timeout',
  rate: 'callback_bridge:rate',
  burst: 'callback_bridge:burst',
  maxPayload: 'callback_bridge:maxPayload',
  maxInFlight: 'callback_bridge:maxInFlight',
  maxInFlightTotal: 'callback_bridge:maxInFlightTotal',
  latentThreshold: 'callback_bridge:latentThreshold',
  sendRate: 'callback_bridge:sendRate',
  sendBurst: 'callback_bridge:sendBurst',
  sendBytesRate: 'callback_bridge:sendBytesRate',
  sendBytesBurst: 'callback_bridge:sendBytesBurst',
  debug: 'callback_bridge:debug',
} as const;

/** Reads the convars over the defaults; a value that is not a positive number keeps the default. */
export function readConfig(convar: (name: string, fallback: string) => string): EngineConfig {
  const num = (name: string, def: number) => {
    const v = Number(convar(name, ''));
    return Number.isFinite(v) && v > 0 ? v : def;
  };
  const d = DEFAULT_CONFIG;
  return {
    timeout: num(CONVARS.timeout, d.timeout),
    rateLimit: { rate: num(CONVARS.rate, d.rateLimit.rate), burst: num(CONVARS.burst, d.rateLimit.burst) },
    maxPayload: num(CONVARS.maxPayload, d.maxPayload),
    maxInFlightPerPlayer: num(CONVARS.maxInFlight, d.maxInFlightPerPlayer),
    maxInFlightTotal: num(CONVARS.maxInFlightTotal, d.maxInFlightTotal),
    latentThreshold: num(CONVARS.latentThreshold, d.latentThreshold),
    sendRate: { rate: num(CONVARS.sendRate, d.sendRate.rate), burst: num(CONVARS.sendBurst, d.sendRate.burst) },
    sendBytes: { rate: num(CONVARS.sendBytesRate, d.sendBytes.rate), burst: num(CONVARS.sendBytesBurst, d.sendBytes.burst) },
    debug: convar(CONVARS.debug, 'false') === 'true',
  };
}

/** Options of one callback, given at registration (contract §3 `options`). */
export interface CallbackOptions {
  /** Deadline for callers that do not give their own, ms. */
  timeout?: number;
  /** Per player; `false` turns the limit off for this callback. */
  rateLimit?: BucketLimits | false;
  /** Largest accepted request, bytes. */
  maxPayload?: number;
  /** Checked against the first argument before the handler runs. */
  validate?: TableSchema | StandardSchemaV1;
  /** ACE object the calling player needs (server handlers only), e.g. `callback.admin`. */
  permission?: string;
  /** Replies above the latent threshold may go as latent events (default true). */
  latent?: boolean;
  /** Let another resource take this name over (default false: refused with a warning). */
  allowOverride?: boolean;
}

/** Options of one call. */
export interface CallOptions {
  timeout?: number;
  /** Retries for idempotent calls, on TIMEOUT or BUSY only (default 0). */
  retries?: number;
  /** First retry delay, doubled each time (default 250 ms). */
  backoff?: number;
  /** Ends the call with its reason when aborted. */
  signal?: AbortSignal;
}
