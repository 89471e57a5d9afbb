/**
 * The server's routing of net events (ref §3): scripts' events out to the clients and in to the server, the limits
 * on each way (the large-event warning, the latent size bound, the client's 384 KiB cap), and what the server does
 * with an event that arrives: the cap on a client's concurrent latent events, then FiveM's net-event limiters, which
 * drop the event or kick the player. The links themselves (latency, jitter, pacing) are `Link`s (network.ts).
 */
import type { VirtualClock } from '../clock.ts';
import type { Player } from '../emulator.ts';
import type { Machine } from '../machine.ts';
import { CLIENT_EVENT_CAP, LARGE_EVENT_WARNING, LATENT_MAX_BYTES } from './network.ts';
import { NetEventLimiters } from './rate-limiter.ts';

/** What the routing needs from the world it runs in (the `Emulator`). */
export interface NetworkWorld {
  readonly clock: VirtualClock;
  /** The server machine: its convars, and where arriving events are queued. */
  readonly server: Machine;
  /** The connected players by net id. */
  readonly players: ReadonlyMap<number, Player>;
  log(machine: Machine, resource: string, text: string): void;
  /** Drops a player the server's limiters kicked (`latent`: the latent events' limiters did). */
  kick(netId: number, reason: string, latent: boolean): void;
}

/** Events the network refused or ignored, and players it kicked, since the start. */
export interface NetCounters {
  dropped: number;
  kicked: number;
  oversize: number;
  latentIgnored: number;
}

export class ServerNetwork {
  readonly counters: NetCounters = { dropped: 0, kicked: 0, oversize: 0, latentIgnored: 0 };
  private readonly reliableLimiters: NetEventLimiters;
  private readonly latentLimiters: NetEventLimiters;
  /** Latent events each player has on the way to the server. */
  private readonly latentInFlight = new WeakMap<Player, number>();

  constructor(private readonly world: NetworkWorld) {
    const getConvar = (name: string) => world.server.convar(name);
    this.reliableLimiters = new NetEventLimiters({ getConvar });
    this.latentLimiters = new NetEventLimiters({ getConvar, latent: true });
  }

  /** A server script's event to `target`: a player's net id, '-1' for everyone, '' for no one. */
  sendToClients(name: string, target: string, payload: Uint8Array, bps: number, latent: boolean): void {
    if (target === '') return;
    const { server, players } = this.world;
    if (!latent && payload.length >= LARGE_EVENT_WARNING) {
      this.world.log(server, 'citizen', `^3sending large event ${name} (${payload.length} bytes). Consider using latent events.^7`);
    }
    const send = (p: Player) => (latent ? p.down.sendLatent({ name, payload, latent }, bps) : p.down.send({ name, payload, latent }));
    if (target === '-1') {
      for (const p of players.values()) send(p);
      return;
    }
    const player = players.get(parseInt(target, 10));
    if (player) send(player);
  }

  /** A client script's event to the server. */
  sendToServer(client: Machine, name: string, payload: Uint8Array, bps: number, latent: boolean): void {
    const player = this.world.players.get(client.netId);
    if (!player) return;
    if (latent) {
      if (payload.length + name.length + 2 >= LATENT_MAX_BYTES) {
        this.world.log(client, 'citizen', `^1Event ${name} is too large to be sent.^7`);
        return;
      }
      this.latentInFlight.set(player, (this.latentInFlight.get(player) ?? 0) + 1);
      player.up.sendLatent({ name, payload, latent }, bps);
      return;
    }
    if (payload.length > CLIENT_EVENT_CAP) {
      // ref §3: the client's serializer refuses it; scripts see nothing.
      this.counters.oversize++;
      this.world.log(client, 'citizen', `Serialization of the net event packet failed (${name}, ${payload.length} bytes).`);
      return;
    }
    player.up.send({ name, payload, latent });
  }

  /** An event from `player` reached the server (the delivery of the player's up link). */
  arriveAtServer(player: Player, name: string, payload: Uint8Array, latent: boolean): void {
    const { server, players } = this.world;
    if (!players.has(player.netId)) return;
    if (latent) {
      const inFlight = (this.latentInFlight.get(player) ?? 0) - 1;
      this.latentInFlight.set(player, inFlight);
      // ref §3: more than sv_netEventReassemblyMaxPendingEvents concurrent latent events are ignored.
      const max = parseInt(server.convar('sv_netEventReassemblyMaxPendingEvents') ?? '100', 10);
      if (inFlight >= max) {
        this.counters.latentIgnored++;
        return;
      }
    }
    const limiters = latent ? this.latentLimiters : this.reliableLimiters;
    const verdict = limiters.check(player.netId, name.length + 1, payload.length, this.world.clock.now(), name);
    if (verdict === 'drop') {
      this.counters.dropped++;
      return;
    }
    if (verdict !== 'accept') {
      this.counters.kicked++;
      this.world.kick(player.netId, verdict.kick, latent);
      return;
    }
    server.queueNetEvent(name, payload, `net:${player.netId}`);
  }

  /** The limiters read their `rateLimiter_*` convars again. */
  reconfigureLimiters(): void {
    const getConvar = (name: string) => this.world.server.convar(name);
    this.reliableLimiters.reconfigure(getConvar);
    this.latentLimiters.reconfigure(getConvar);
  }

  /** A player left: its limiter buckets go. */
  forget(netId: number): void {
    this.reliableLimiters.forget(netId);
    this.latentLimiters.forget(netId);
  }
}
