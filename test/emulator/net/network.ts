/**
 * The emulated network between the server and its clients (ref §3): per-client one-way latency and jitter, reliable
 * events in order, the client's 384 KiB cap, the server's limiters, latent events paced by their bytes per second.
 */
import type { VirtualClock } from '../clock.ts';

/** Client→server reliable payload cap (ref §3: `ConstrainedStreamTail<0, 384*1024>`). */
export const CLIENT_EVENT_CAP = 384 * 1024;
/** Server→client reliable payloads at or above this size print a warning (ref §3). */
export const LARGE_EVENT_WARNING = 1_000_000;
/** `bps <= 0` means this (ref §3). */
export const DEFAULT_LATENT_BPS = 25_000;
/** Latent V2 size bound: `payload + name + 2 < 65536 × 2047` (ref §3). */
export const LATENT_MAX_BYTES = 65536 * 2047;

export interface LinkOptions {
  /** One-way delay in virtual ms. */
  latency: number;
  /** Extra random delay in [0, jitter) ms; reliable events still arrive in order. */
  jitter: number;
}

/** What crosses the wire: an event name and its msgpack payload. */
export interface NetPacket {
  name: string;
  payload: Uint8Array;
  latent: boolean;
}

/** One direction of one client's connection: ordered, delayed delivery. */
export class Link {
  private lastArrival = 0;
  private latentBusyUntil = 0;
  /** Bytes and packets carried so far (for the benchmarks and the sandbox). */
  bytes = 0;
  packets = 0;
  open = true;

  constructor(
    private readonly clock: VirtualClock,
    public options: LinkOptions,
    private readonly random: () => number,
    private readonly deliver: (packet: NetPacket) => void,
  ) {}

  /** Sends a reliable event: it arrives after latency (+ jitter), never before an earlier one. */
  send(packet: NetPacket): void {
    if (!this.open) return;
    this.bytes += packet.payload.length + packet.name.length;
    this.packets++;
    const delay = this.options.latency + (this.options.jitter > 0 ? this.random() * this.options.jitter : 0);
    const arrival = Math.max(this.clock.now() + delay, this.lastArrival);
    this.lastArrival = arrival;
    this.clock.at(arrival, () => {
      if (this.open) this.deliver(packet);
    });
  }

  /** Sends a latent event: transfers one after another at `bps`, then arrives after the latency. */
  sendLatent(packet: NetPacket, bps: number): void {
    if (!this.open) return;
    const rate = bps <= 0 ? DEFAULT_LATENT_BPS : bps;
    const size = packet.payload.length + packet.name.length + 2;
    const start = Math.max(this.clock.now(), this.latentBusyUntil);
    this.latentBusyUntil = start + (size / rate) * 1000;
    this.bytes += size;
    this.packets++;
    const arrival = this.latentBusyUntil + this.options.latency;
    this.clock.at(arrival, () => {
      if (this.open) this.deliver(packet);
    });
  }

  /** A latent transfer is still under way (the server counts these per client, ref §3). */
  latentPending(): boolean {
    return this.latentBusyUntil > this.clock.now();
  }

  close(): void {
    this.open = false;
  }
}
