/**
 * The emulated world: one FXServer, N clients, the network between them, and virtual time. Tests, the sandbox and
 * the benchmarks all start here.
 *
 * @example
 * const emu = await Emulator.create();
 * await emu.addResources('test/fixtures/resources');
 * emu.start('my_resource');
 * const player = emu.connect();
 * await emu.advance(200);
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AceTable } from './ace.ts';
import { VirtualClock } from './clock.ts';
import { CommandRegistry, splitCommandLine } from './commands.ts';
import { HttpServer } from './http/http-server.ts';
import { getLuaVm, type LuaVm } from './lua/lua-vm.ts';
import { Machine } from './machine.ts';
import { Link, type LinkOptions } from './net/network.ts';
import { ServerNetwork, type NetCounters } from './net/server-network.ts';
import { readManifest, scanResources, type Manifest } from './resources/manifest.ts';

export interface EmulatorOptions {
  /** Server frame in ms (ref §1.1: 50). */
  serverFrameMs?: number;
  /** Client frame in ms. */
  clientFrameMs?: number;
  /** Default one-way latency and jitter for new clients. */
  latency?: number;
  jitter?: number;
  /** Echo the console to stdout. */
  echo?: boolean;
  /** Seed for jitter (deterministic runs). */
  seed?: number;
  /** Measure each machine's wall-clock time in its ticks (`Machine.tickWallMs`); off by default. */
  timeTicks?: boolean;
}

export interface Player {
  readonly netId: number;
  readonly name: string;
  readonly identifiers: string[];
  readonly machine: Machine;
  readonly link: LinkOptions;
  readonly up: Link;
  readonly down: Link;
}

export interface LogLine {
  at: number;
  machine: string;
  resource: string;
  text: string;
  error: boolean;
}

/** Reasons for `playerDropped`'s third argument (ref §4). */
export const DropReason = { RESOURCE: 1, CLIENT: 2, SERVER: 3, NET_EVENT_RATE_LIMIT: 9, LATENT_NET_EVENT_RATE_LIMIT: 10 } as const;

export class Emulator {
  readonly clock = new VirtualClock();
  readonly registry = new Map<string, { path: string; manifest: Manifest }>();
  readonly players = new Map<number, Player>();
  readonly ace = new AceTable();
  readonly http: HttpServer;
  readonly server: Machine;
  readonly logs: LogLine[] = [];
  /** Events the network refused or ignored, and players it kicked (the `ServerNetwork`'s counters). */
  readonly counters: NetCounters;
  private readonly network: ServerNetwork;
  private readonly replicated = new Set<string>();
  private readonly commandTables = new Map<Machine, CommandRegistry>();
  private nextNetId = 1;
  private inlineRoot: string | undefined;
  private rng: number;

  private constructor(
    readonly luaVm: LuaVm,
    readonly options: Required<EmulatorOptions>,
  ) {
    this.rng = options.seed;
    this.server = new Machine(this, 'server', 0, options.serverFrameMs);
    this.http = new HttpServer({
      getConvar: (name) => this.server.convar(name),
      onError: (err) => this.log(this.server, 'citizen', `^1SCRIPT ERROR in HTTP handler: ${(err as Error)?.stack ?? err}^7`, true),
    });
    this.network = new ServerNetwork({
      clock: this.clock,
      server: this.server,
      players: this.players,
      log: (machine, resource, text) => this.log(machine, resource, text),
      kick: (netId, reason, latent) =>
        this.drop(netId, reason, latent ? DropReason.LATENT_NET_EVENT_RATE_LIMIT : DropReason.NET_EVENT_RATE_LIMIT),
    });
    this.counters = this.network.counters;
  }

  static async create(options: EmulatorOptions = {}): Promise<Emulator> {
    const vm = await getLuaVm();
    return new Emulator(vm, {
      serverFrameMs: 50,
      clientFrameMs: 16,
      latency: 20,
      jitter: 0,
      echo: false,
      seed: 42,
      timeTicks: false,
      ...options,
    });
  }

  // ---- resources ----

  /** Registers every resource found under `dir` (including `[category]` folders). */
  async addResources(dir: string): Promise<void> {
    for (const [name, path] of await scanResources(dir)) await this.addResource(name, path);
  }

  async addResource(name: string, path: string): Promise<void> {
    this.registry.set(name, { path, manifest: await readManifest(path) });
  }

  /**
   * Writes a resource from inline files into a temporary folder and registers it, so a test can hold its
   * scripts next to its assertions. `files` maps relative paths to contents and must include `fxmanifest.lua`.
   */
  async addInlineResource(name: string, files: Record<string, string>): Promise<string> {
    this.inlineRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cfx-emu-'));
    const dir = path.join(this.inlineRoot, name);
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    await this.addResource(name, dir);
    return dir;
  }

  /** A registered resource that `provide`s `name`. */
  providerOf(name: string): string | undefined {
    for (const [res, { manifest }] of this.registry) if (manifest.get('provide').includes(name)) return res;
    return undefined;
  }

  /** Starts a resource on the server, then on every client (clients run what the server runs). */
  start(name: string): boolean {
    if (!this.server.start(name)) return false;
    for (const p of this.players.values()) p.machine.start(name);
    return true;
  }

  stop(name: string): boolean {
    const ok = this.server.stop(name);
    for (const p of this.players.values()) p.machine.stop(name);
    return ok;
  }

  restart(name: string): boolean {
    this.stop(name);
    return this.start(name);
  }

  ensure(name: string): boolean {
    return this.server.resourceState(name) === 'started' ? this.restart(name) : this.start(name);
  }

  /** Called by a machine when one of its resources stopped: drop what it registered outside its runtimes. */
  onResourceStopped(machine: Machine, name: string): void {
    this.commands(machine).removeResource(name);
    if (machine === this.server) this.http.setHandler(name, null);
  }

  // ---- players ----

  /** Connects a new client; it starts every resource the server runs, in order. */
  connect(opts: { name?: string; latency?: number; jitter?: number; identifiers?: string[] } = {}): Player {
    const netId = this.nextNetId++;
    if (this.nextNetId > 65534) this.nextNetId = 1;
    const machine = new Machine(this, 'client', netId, this.options.clientFrameMs);
    for (const name of this.replicated) machine.convars.set(name, this.server.convar(name)!);
    const link: LinkOptions = { latency: opts.latency ?? this.options.latency, jitter: opts.jitter ?? this.options.jitter };
    const random = () => this.random();
    const player: Player = {
      netId,
      name: opts.name ?? `player${netId}`,
      identifiers: opts.identifiers ?? [`license:${netId.toString(16).padStart(40, '0')}`, `fivem:${netId}`],
      machine,
      link,
      up: new Link(this.clock, link, random, (pkt) => this.network.arriveAtServer(player, pkt.name, pkt.payload, pkt.latent)),
      down: new Link(this.clock, link, random, (pkt) => machine.queueNetEvent(pkt.name, pkt.payload, 'net:65535')),
    };
    this.players.set(netId, player);
    this.server.events.trigger('playerJoining', this.server.codec.pack([String(netId)]), `internal-net:${netId}`);
    for (const res of this.server.resources.values()) if (res.state === 'started') machine.start(res.name);
    return player;
  }

  /** Drops a player: `playerDropped(reason, resourceName, code)` fires while the player still exists (ref §4). */
  drop(netId: number, reason: string, code: number = DropReason.CLIENT): void {
    const player = this.players.get(netId);
    if (!player) return;
    const invoking = this.server.invokingResource();
    this.server.events.trigger(
      'playerDropped',
      this.server.codec.pack([reason, invoking ?? '__cfx_internal:server', code]),
      `internal-net:${netId}`,
    );
    this.players.delete(netId);
    this.network.forget(netId);
    player.up.close();
    player.down.close();
    player.machine.shutdown();
    this.commandTables.delete(player.machine);
  }

  playerName(netId: number): string | undefined {
    return this.players.get(netId)?.name;
  }

  // ---- network (ref §3) ----

  /** A server script's event to `target`: a player's net id, '-1' for everyone, '' for no one. */
  sendToClients(name: string, target: string, payload: Uint8Array, bps: number, latent: boolean): void {
    this.network.sendToClients(name, target, payload, bps, latent);
  }

  /** A client script's event to the server. */
  sendToServer(client: Machine, name: string, payload: Uint8Array, bps: number, latent: boolean): void {
    this.network.sendToServer(client, name, payload, bps, latent);
  }

  // ---- convars, commands, ACE ----

  setConvar(name: string, value: string, replicated: boolean): void {
    this.server.convars.set(name, value);
    if (name.startsWith('rateLimiter_')) this.network.reconfigureLimiters();
    if (!replicated && !this.replicated.has(name)) return;
    this.replicated.add(name);
    for (const p of this.players.values()) p.machine.convars.set(name, value);
  }

  commands(machine: Machine): CommandRegistry {
    let table = this.commandTables.get(machine);
    if (!table) this.commandTables.set(machine, (table = new CommandRegistry()));
    return table;
  }

  /** Runs a console line on `machine` as `source` (0 = the server console). */
  executeCommand(machine: Machine, line: string, source = 0): void {
    const words = splitCommandLine(line);
    const [cmd, ...args] = words;
    if (!cmd) return;
    if (machine === this.server && this.builtin(cmd.toLowerCase(), args)) return;
    const command = this.commands(machine).get(cmd);
    if (!command) {
      if (machine !== this.server) this.clock.at(this.clock.now() + this.options.latency, () => this.executeCommand(this.server, line, source));
      else this.log(machine, 'citizen', `No such command ${cmd}.`);
      return;
    }
    if (machine === this.server && command.restricted && source !== 0 && !this.ace.allowed(`player.${source}`, `command.${cmd}`)) {
      this.log(machine, 'citizen', `Access denied for command ${cmd}.`);
      return;
    }
    command.handler(source, args, line);
  }

  /** Server console builtins; returns true when `cmd` was one. */
  private builtin(cmd: string, args: string[]): boolean {
    switch (cmd) {
      case 'set':
      case 'sets':
        this.setConvar(args[0], args.slice(1).join(' '), false);
        return true;
      case 'setr':
        this.setConvar(args[0], args.slice(1).join(' '), true);
        return true;
      case 'add_ace':
        this.ace.addAce(args[0], args[1], args[2] !== 'deny');
        return true;
      case 'remove_ace':
        this.ace.removeAce(args[0], args[1]);
        return true;
      case 'add_principal':
        this.ace.addPrincipal(args[0], args[1]);
        return true;
      case 'remove_principal':
        this.ace.removePrincipal(args[0], args[1]);
        return true;
      case 'start':
      case 'stop':
      case 'restart':
      case 'ensure':
        this[cmd](args[0]);
        return true;
      default:
        return false;
    }
  }

  // ---- time ----

  /** Advances virtual time by `ms`, letting promises settle between instants. */
  async advance(ms: number): Promise<void> {
    await this.clock.runUntil(this.clock.now() + ms, drainMicrotasks);
  }

  /** Advances frame by frame until `done()` holds; throws after `timeout` virtual ms. */
  async until(done: () => boolean, timeout = 10_000): Promise<void> {
    const end = this.clock.now() + timeout;
    while (!done()) {
      if (this.clock.now() >= end) throw new Error(`condition not met within ${timeout} virtual ms`);
      await this.advance(Math.min(this.options.serverFrameMs, end - this.clock.now()));
    }
  }

  // ---- console ----

  log(machine: Machine, resource: string, text: string, error = false): void {
    const line = { at: this.clock.now(), machine: machine.label, resource, text, error };
    this.logs.push(line);
    if (this.logs.length > 20_000) this.logs.splice(0, 10_000);
    if (this.options.echo) console.log(`[${line.machine}] [${resource}] ${text.replace(/\^\d/g, '')}`);
  }

  /** Console lines (colour codes stripped) matching `pattern`. */
  output(pattern?: RegExp | string): string[] {
    const lines = this.logs.map((l) => `[${l.machine}] [${l.resource}] ${l.text.replace(/\^\d/g, '')}`);
    if (!pattern) return lines;
    return lines.filter((l) => (typeof pattern === 'string' ? l.includes(pattern) : pattern.test(l)));
  }

  get scriptErrors(): LogLine[] {
    return this.logs.filter((l) => l.error);
  }

  private random(): number {
    // mulberry32: deterministic jitter.
    let t = (this.rng += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  async close(): Promise<void> {
    for (const id of [...this.players.keys()]) this.drop(id, 'Server shutting down.', 7);
    for (const res of this.server.resources.values()) this.server.stop(res.name);
    await this.http.stop();
    if (this.inlineRoot) fs.rmSync(this.inlineRoot, { recursive: true, force: true });
  }
}

const drainMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));
