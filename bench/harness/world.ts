/**
 * One emulated world for one benchmark run: the `Emulator` (virtual time, one process), the bridge resource, inline
 * resources in one line, and the server's CPU time.
 *
 * Server CPU is the wall time of the server machine's ticks (the emulator's `timeTicks` option): decoding arriving
 * events, the scripts' handlers and engines, encoding and sending replies. FiveM flushes a runtime's Promise
 * continuations inside its tick (reference §1.4); the emulation runs them after the instant instead, so the
 * microtasks drained after an instant in which only the server ticked are added too (minus the cost of an empty
 * drain, measured at instants in which no machine ticked), scaled up to the instants a client shared with it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Emulator, type Player } from '../../test/emulator/emulator.ts';
import { Machine } from '../../test/emulator/machine.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the resource `callback_bridge` comes from: this repo, or another build of it (`bench/compare.ts`). */
let bridgeRoot = process.env.CBB_BENCH_BRIDGE ?? REPO_ROOT;

/** Points `callback_bridge` at another build (a folder with fxmanifest.lua, dist/ and lua/). */
export function setBridgeRoot(root: string): void {
  bridgeRoot = root;
}

/** Our test doubles of the frameworks (the same the adapter tests use). */
export const FIXTURES = {
  oxLib: path.join(REPO_ROOT, 'test/adapters/ox/fixtures/ox_lib'),
  esx: path.join(REPO_ROOT, 'test/adapters/esx/fixtures/es_extended'),
  qbCore: path.join(REPO_ROOT, 'test/adapters/qbcore/fixtures/qb-core'),
};

/** One-way latency of every client, virtual ms: a call's round trip cannot be shorter than twice this. */
export const LATENCY_MS = 20;

export const manifest = (lines: string) => `fx_version 'cerulean'\ngame 'gta5'\nlua54 'yes'\n${lines}\n`;

/** The virtual instant of the last tick of a server and of any client (see `installTickWatch`). */
const lastTick = { server: -1, client: -1 };
/** Process CPU time (user + system) spent in server ticks, µs: the figure above without the time the process waited. */
let serverTickCpuUs = 0;
let watching = false;

const cpuNow = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/** Notes when machines tick, so the microtasks of an instant can be attributed (one wrapper for the process). */
function installTickWatch(): void {
  if (watching) return;
  watching = true;
  const runTick = Machine.prototype.runTick;
  // Named frames, so a CPU profile tells the server's work from the clients' (bench/profile.ts --side=server);
  // generators, because V8 would inline plain functions and their names would leave the profile.
  const serverTick = function* serverTick(m: Machine) {
    runTick.call(m);
  };
  const clientTick = function* clientTick(m: Machine) {
    runTick.call(m);
  };
  Machine.prototype.runTick = function (this: Machine) {
    if (this.side === 'server') {
      const c0 = cpuNow();
      serverTick(this).next();
      serverTickCpuUs += cpuNow() - c0;
    } else clientTick(this).next();
    lastTick[this.side] = this.clock.now();
  };
}

/** Server CPU time, as above; reset with `reset()` at the start of a measured window. */
class ServerCpu {
  /** Microtask drains after server-only instants: total wall ms, process CPU µs, and count. */
  private serverOnlyMs = 0;
  private serverOnlyCpuUs = 0;
  private serverOnly = 0;
  /** Instants in which the server and a client ticked (their drains cannot be told apart). */
  private shared = 0;
  /** Drains after instants in which no machine ticked: the cost of an empty drain. */
  private idleMs = 0;
  private idleCpuUs = 0;
  private idle = 0;
  private tickCpuAtReset = 0;

  constructor(private readonly server: Machine) {}

  reset(): void {
    this.server.tickWallMs = 0;
    this.tickCpuAtReset = serverTickCpuUs;
    this.serverOnlyMs = this.serverOnlyCpuUs = this.serverOnly = this.shared = this.idleMs = this.idleCpuUs = this.idle = 0;
  }

  note(now: number, drainMs: number, drainCpuUs: number): void {
    const server = lastTick.server === now;
    const client = lastTick.client === now;
    if (server && client) this.shared++;
    else if (server) (this.serverOnlyMs += drainMs), (this.serverOnlyCpuUs += drainCpuUs), this.serverOnly++;
    else if (!client) (this.idleMs += drainMs), (this.idleCpuUs += drainCpuUs), this.idle++;
  }

  /** Drains attributed to the server: the server-only ones less an empty drain each, scaled to the shared instants. */
  private micro(total: number, idle: number): number {
    if (!this.serverOnly) return 0;
    const empty = this.idle ? idle / this.idle : 0;
    return Math.max(0, total - empty * this.serverOnly) * ((this.serverOnly + this.shared) / this.serverOnly);
  }

  /** Wall time of the server's ticks (timeTicks) plus attributed microtasks, ms: the reported figure. */
  get ms(): number {
    return this.server.tickWallMs + this.micro(this.serverOnlyMs, this.idleMs);
  }

  /** The same in process CPU time, ms (not counting time the process waited for a core). */
  get cpuMs(): number {
    return (serverTickCpuUs - this.tickCpuAtReset + this.micro(this.serverOnlyCpuUs, this.idleCpuUs)) / 1000;
  }
}

export interface WorldOptions {
  /** One-way latency of every client, virtual ms (default LATENCY_MS). */
  latency?: number;
  /** Convars set (replicated) before anything starts. */
  convars?: Record<string, string>;
}

export class BenchWorld {
  readonly cpu: ServerCpu;
  readonly players: Player[] = [];
  readonly latency: number;

  private constructor(readonly emu: Emulator) {
    this.cpu = new ServerCpu(emu.server);
    this.latency = emu.options.latency;
  }

  static async create(options: WorldOptions = {}): Promise<BenchWorld> {
    installTickWatch();
    const emu = await Emulator.create({ latency: options.latency ?? LATENCY_MS, timeTicks: true });
    for (const [name, value] of Object.entries(options.convars ?? {})) emu.setConvar(name, value, true);
    return new BenchWorld(emu);
  }

  /** Registers the repo root (or the build `setBridgeRoot` chose) as `callback_bridge` (built `dist/`). */
  async addBridge(): Promise<void> {
    await this.emu.addResource('callback_bridge', bridgeRoot);
  }

  async addFolder(name: string, dir: string): Promise<void> {
    await this.emu.addResource(name, dir);
  }

  /**
   * Adds an inline resource. `server` / `client` list the script files of each side in order (`@res/file` includes
   * allowed); `files` holds the inline files' contents.
   */
  async addResource(name: string, { server = [], client = [], files }: { server?: string[]; client?: string[]; files: Record<string, string> }): Promise<void> {
    const list = (names: string[]) => `{ ${names.map((f) => `'${f}'`).join(', ')} }`;
    const lines = [server.length ? `server_scripts ${list(server)}` : '', client.length ? `client_scripts ${list(client)}` : ''];
    await this.emu.addInlineResource(name, { ...files, 'fxmanifest.lua': manifest(lines.filter(Boolean).join('\n')) });
  }

  /**
   * Adds the cases' resource `shop`: `server` and `client` as `s.<kind>` and `c.<kind>`, each side after the `head`
   * files (includes such as `@callback_bridge/import.lua`).
   */
  async addShop(kind: 'js' | 'lua', server: string, client: string, head: string[] = []): Promise<void> {
    const [s, c] = [`s.${kind}`, `c.${kind}`];
    await this.addResource('shop', { server: [...head, s], client: [...head, c], files: { [s]: server, [c]: client } });
  }

  /** Starts resources in order; throws when one does not start. */
  start(...names: string[]): void {
    for (const name of names) if (!this.emu.start(name)) throw new Error(`bench: resource ${name} did not start`);
  }

  /** Connects `n` more clients. */
  connect(n: number): Player[] {
    const added: Player[] = [];
    for (let i = 0; i < n; i++) added.push(this.emu.connect());
    this.players.push(...added);
    return added;
  }

  /** Drops a player (the client leaves). */
  drop(player: Player): void {
    this.emu.drop(player.netId, 'Disconnected.');
    const i = this.players.indexOf(player);
    if (i >= 0) this.players.splice(i, 1);
  }

  /** Advances virtual time by `ms`, draining microtasks between instants and attributing them (see the file's doc). */
  async advance(ms: number): Promise<void> {
    const clock = this.emu.clock;
    const cpu = this.cpu;
    await clock.runUntil(clock.now() + ms, async () => {
      const t0 = performance.now();
      const c0 = cpuNow();
      await new Promise<void>((resolve) => setImmediate(resolve));
      cpu.note(clock.now(), performance.now() - t0, cpuNow() - c0);
    });
  }

  get now(): number {
    return this.emu.clock.now();
  }

  async close(): Promise<void> {
    await this.emu.close();
  }
}
