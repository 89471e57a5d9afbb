/**
 * The sandbox's world: the emulated FXServer with the bridge, the examples and the simulated players, its dashboard
 * on a real localhost port, and virtual time kept level with the wall clock.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Emulator, type Player } from '../../test/emulator/emulator.ts';

export interface SandboxOptions {
  players: number;
  /** Players among them that misbehave (spammer, prober, laggy, leaver, in that order). */
  misbehaving: number;
  /** One-way latency of every client, ms (the laggy player's is 1200). */
  latency: number;
  /** HTTP port; 0 picks a free one. */
  port: number;
}

export const MISBEHAVING = ['spammer', 'prober', 'laggy', 'leaver'] as const;
const NAMES = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj', 'Olivia', 'Peggy'];
/** Examples the sandbox starts, in order, after the bridge (hello is the smallest). */
export const EXAMPLES = ['hello', 'esx_shop', 'qb_garage', 'ox_stash', 'ts_bank', 'seed_profile'];

export class Sandbox {
  private readonly startedAt = performance.now();
  private readonly virtualStart: number;
  private timer: NodeJS.Timeout | null = null;
  private stepping = false;
  private leaver: Player | null = null;
  /** How far virtual time is behind the wall clock, ms (the machine could not keep up). */
  behind = 0;

  private constructor(
    readonly emu: Emulator,
    readonly url: string,
    readonly roles: Map<number, string>,
  ) {
    this.virtualStart = emu.clock.now();
  }

  /** Builds the world and starts it; the clock runs once {@link run} is called. */
  static async create(root: string, opts: SandboxOptions): Promise<Sandbox> {
    const emu = await Emulator.create({ latency: opts.latency, jitter: Math.min(10, opts.latency / 4) });
    await emu.addResource('callback_bridge', root);
    for (const name of EXAMPLES) await emu.addResource(name, path.join(root, 'examples', name));
    // ox_stash needs ox_lib: the project's own test double of its callback parts stands in.
    await emu.addResource('ox_lib', path.join(root, 'test/adapters/ox/fixtures/ox_lib'));
    await emu.addResource('sandbox_players', path.join(root, 'scripts/sandbox/sandbox_players'));

    const bad = Math.max(0, Math.min(opts.misbehaving, MISBEHAVING.length, opts.players));
    const roles = new Map<number, string>();
    for (let i = 0; i < opts.players; i++) roles.set(i + 1, i >= opts.players - bad ? MISBEHAVING[i - (opts.players - bad)] : 'normal');
    const exec = (line: string) => emu.executeCommand(emu.server, line);
    exec('setr callback_bridge:standin "es_extended,qb-core"');
    exec(`setr sandbox:roles "${[...roles].filter(([, r]) => r !== 'normal').map(([id, r]) => `${id}=${r}`).join(',')}"`);
    for (const name of ['callback_bridge', 'ox_lib', ...EXAMPLES, 'sandbox_players']) {
      if (!emu.start(name)) throw new Error(`${name} did not start: ${emu.output().slice(-5).join(' | ')}`);
    }
    const sandbox = new Sandbox(emu, '', roles);
    for (const [id, role] of roles) {
      const p = emu.connect({ name: role === 'normal' ? (NAMES[id - 1] ?? `Player${id}`) : role[0].toUpperCase() + role.slice(1), latency: role === 'laggy' ? 1200 : undefined });
      if (role === 'leaver') sandbox.leaver = p;
    }
    sandbox.leaveEvery15s();
    let port: number;
    try {
      port = await emu.http.start(opts.port);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port === 0) throw e;
      port = await emu.http.start(0);
    }
    return Object.assign(sandbox, { url: `http://127.0.0.1:${port}/callback_bridge/` });
  }

  /** Keeps virtual time level with the wall clock until {@link stop}. */
  run(): void {
    this.timer = setInterval(() => void this.step(), 20);
  }

  /** Virtual seconds since the start. */
  get seconds(): number {
    return (this.emu.clock.now() - this.virtualStart) / 1000;
  }

  private async step(): Promise<void> {
    if (this.stepping) return;
    this.stepping = true;
    try {
      const target = this.virtualStart + (performance.now() - this.startedAt);
      const lag = target - this.emu.clock.now();
      // More than a second behind: give up catching up (the table says so) instead of freezing the screen.
      await this.emu.advance(Math.max(0, Math.min(lag, 250)));
      this.behind = Math.max(0, target - this.emu.clock.now());
    } finally {
      this.stepping = false;
    }
  }

  /**
   * Every 15 s the leaver sends a large transfer (the server asks their client to confirm) and drops before
   * answering; they come back 3 s later as a new player. Runs on the emulator's clock (real time or not).
   */
  private leaveEvery15s(): void {
    this.emu.clock.at(this.emu.clock.now() + 15_000, () => {
      const p = this.leaver;
      if (!p) return;
      this.emu.executeCommand(p.machine, 'bank send 1 150');
      this.emu.clock.at(this.emu.clock.now() + 150, () => {
        this.emu.drop(p.netId, 'Disconnected.');
        this.emu.clock.at(this.emu.clock.now() + 3000, () => {
          this.leaver = this.emu.connect({ name: 'Leaver' });
          this.leaveEvery15s();
        });
      });
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.stepping) await new Promise((r) => setTimeout(r, 5));
    await this.emu.close();
  }
}
