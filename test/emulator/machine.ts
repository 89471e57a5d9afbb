/**
 * One machine of the emulation: the FXServer or one game client. It owns the event bus, the resources started on it,
 * the runtime stack, the ticks, and hands network traffic to the `Emulator`.
 */
import fs from 'node:fs';
import { EventBus } from './events.ts';
import { RefRouter } from './funcref.ts';
import { JsRuntime } from './js/runtime.ts';
import { LuaRuntime } from './lua/runtime.ts';
import { createJsCodec, type JsCodec } from './msgpack/js-codec.ts';
import { Resource } from './resource.ts';
import { dependencies, resolveScripts } from './resources/manifest.ts';
import { buildNatives } from './natives.ts';
import type { ClockTask, VirtualClock } from './clock.ts';
import type { Emulator } from './emulator.ts';
import type { ResourceState, ScriptRuntime, Side } from './types.ts';

export class Machine {
  readonly events = new EventBus();
  readonly resources = new Map<string, Resource>();
  readonly runtimeStack: ScriptRuntime[] = [];
  readonly refs: RefRouter;
  /** Host-realm codec for events the machine itself raises (lifecycle, playerDropped). */
  readonly codec: JsCodec;
  /** Convars set on this machine; on a client, `replicated` ones come from the server (ref §7 of the contract). */
  readonly convars = new Map<string, string>();
  private tickTask: ClockTask | null = null;
  private lastTickAt = -Infinity;
  private readonly runtimeOwner = new Map<ScriptRuntime, string>();
  private readonly nativeTables = new Map<Resource, Record<string, (...a: any[]) => unknown>>();
  ticks = 0;
  /** Wall-clock ms spent in `runTick`, counted only with the emulator option `timeTicks` (bench/engine-cost.ts). */
  tickWallMs = 0;
  alive = true;

  constructor(
    readonly emulator: Emulator,
    readonly side: Side,
    /** 0 for the server, the player's net id for a client. */
    readonly netId: number,
    readonly frameMs: number,
  ) {
    this.refs = new RefRouter((name) => this.resources.get(name));
    this.codec = createJsCodec({
      packFunction: () => {
        throw new Error('the machine packs no functions');
      },
      unpackFuncRef: (ref) => ref,
    });
  }

  get clock(): VirtualClock {
    return this.emulator.clock;
  }

  get label(): string {
    return this.side === 'server' ? 'server' : `client ${this.netId}`;
  }

  // ---- ticks ----

  /** Asks for a tick at the first frame boundary at or after `at`, after now and after the last tick. */
  scheduleTick(at: number): void {
    if (!this.alive) return;
    const f = this.frameMs;
    const now = this.clock.now();
    let t = Math.ceil(at / f) * f;
    // "The next tick" is strictly after now: a frame boundary that is now has already been decided.
    if (t <= now) t = (Math.floor(now / f) + 1) * f;
    if (t <= this.lastTickAt) t = this.lastTickAt + f;
    if (this.tickTask) {
      if (this.tickTask.fn && this.tickTask.at <= t) return;
      this.clock.cancel(this.tickTask);
    }
    this.tickTask = this.clock.at(t, () => this.runTick());
  }

  /** One frame: queued network events first, then every runtime's timers and ticks (ref §1.1). */
  runTick(): void {
    const t0 = this.emulator.options.timeTicks ? performance.now() : -1;
    const now = this.clock.now();
    this.tickTask = null;
    this.lastTickAt = now;
    this.ticks++;
    this.events.flush();
    let next = this.events.queued ? now + 1 : Infinity;
    for (const res of this.resources.values()) {
      if (res.state !== 'started') continue;
      for (const rt of res.runtimes) {
        rt.tick(now);
        next = Math.min(next, rt.nextWake());
      }
    }
    if (next < Infinity) this.scheduleTick(next);
    if (t0 >= 0) this.tickWallMs += performance.now() - t0;
  }

  /** Queues a network event for the next tick (ref §1.1: network events run on the next resource-manager tick). */
  queueNetEvent(name: string, payload: Uint8Array, rawSource: string): void {
    this.events.enqueue(name, payload, rawSource);
    this.scheduleTick(this.clock.now());
  }

  // ---- runtimes ----

  /** GetInvokingResource: the runtime one below the top of the stack (ref §1.5). */
  invokingResource(): string | null {
    const n = this.runtimeStack.length;
    if (n < 2) return null;
    return this.resourceOf(this.runtimeStack[n - 2]) ?? null;
  }

  private resourceOf(rt: ScriptRuntime): string | undefined {
    return this.runtimeOwner.get(rt);
  }

  nativesFor(res: Resource): Record<string, (...a: any[]) => unknown> {
    let table = this.nativeTables.get(res);
    if (!table) this.nativeTables.set(res, (table = buildNatives(this, res)));
    return table;
  }

  /** Raises a local event from the machine itself (source ''). */
  triggerLocal(name: string, ...args: unknown[]): boolean {
    return this.events.trigger(name, this.codec.pack(args), '');
  }

  // ---- resources and lifecycle (ref §4) ----

  /** A resource's state, honouring `provide` (ref §1.5). */
  resourceState(name: string): ResourceState {
    const res = this.resources.get(name) ?? this.findProvider(name);
    if (res) return res.state;
    return this.emulator.registry.has(name) || this.emulator.providerOf(name) ? 'stopped' : 'missing';
  }

  findProvider(name: string): Resource | undefined {
    for (const res of this.resources.values()) {
      if (res.state === 'started' && res.manifest.get('provide').includes(name)) return res;
    }
    return undefined;
  }

  /** Starts a resource (and its dependencies first); returns false when it could not start. */
  start(name: string): boolean {
    const known = this.emulator.registry.get(name);
    if (!known) {
      this.print('citizen', `^1Couldn't find resource ${name}.^7`);
      return false;
    }
    let res = this.resources.get(name);
    if (res?.state === 'started' || res?.state === 'starting') return true;
    for (const dep of dependencies(known.manifest)) {
      if (this.resourceState(dep) === 'started') continue;
      if (!this.start(dep)) {
        this.print('citizen', `^1Could not find dependency ${dep} for resource ${name}.^7`);
        return false;
      }
    }
    if (!res) {
      res = new Resource(this, name, known.path, known.manifest);
      this.resources.set(name, res);
    }
    if (!this.triggerLocal('onResourceStarting', name)) return false;
    res.state = 'starting';
    const files = resolveScripts(known.manifest, this.side, known.path, (n) => this.emulator.registry.get(n)?.path);
    const runtimes = new Map<string, ScriptRuntime>();
    for (const file of files) {
      let rt = runtimes.get(file.runtime);
      if (!rt) {
        rt = file.runtime === 'js' ? new JsRuntime(res.host) : new LuaRuntime(this.emulator.luaVm, res.host);
        runtimes.set(file.runtime, rt);
        res.runtimes.push(rt);
        this.runtimeOwner.set(rt, name);
      }
      // FiveM names every script `@resource/path` in traces, includes as well as local files.
      const scriptName = file.displayName.startsWith('@') ? file.displayName : `@${name}/${file.displayName}`;
      rt.loadScript(scriptName, fs.readFileSync(file.path, 'utf8'));
    }
    res.state = 'started';
    this.triggerLocal('onResourceStart', name);
    this.queueNetEvent(this.side === 'server' ? 'onServerResourceStart' : 'onClientResourceStart', this.codec.pack([name]), '');
    this.scheduleTick(this.clock.now());
    return true;
  }

  /** Stops a resource; resources that depend on it stop first (ref §4). */
  stop(name: string): boolean {
    const res = this.resources.get(name);
    if (!res || res.state !== 'started') return false;
    for (const other of this.resources.values()) {
      if (other.state === 'started' && dependencies(other.manifest).includes(name)) this.stop(other.name);
    }
    this.triggerLocal('onResourceStop', name);
    res.state = 'stopping';
    for (const rt of res.runtimes) {
      rt.destroy();
      this.runtimeOwner.delete(rt);
    }
    res.runtimes = [];
    this.events.unregisterAll(res);
    this.nativeTables.delete(res);
    this.emulator.onResourceStopped(this, name);
    res.state = 'stopped';
    this.queueNetEvent(this.side === 'server' ? 'onServerResourceStop' : 'onClientResourceStop', this.codec.pack([name]), '');
    return true;
  }

  /** Tears the machine down (a client that disconnects). */
  shutdown(): void {
    for (const res of this.resources.values()) {
      for (const rt of res.runtimes) rt.destroy();
      res.runtimes = [];
      res.state = 'stopped';
    }
    if (this.tickTask) this.clock.cancel(this.tickTask);
    this.alive = false;
  }

  // ---- network ----

  sendToClients(name: string, target: string, payload: Uint8Array, bps: number, latent: boolean): void {
    this.emulator.sendToClients(name, target, payload, bps, latent);
  }

  sendToServer(name: string, payload: Uint8Array, bps: number, latent: boolean): void {
    this.emulator.sendToServer(this, name, payload, bps, latent);
  }

  // ---- console ----

  print(resource: string, text: string): void {
    this.emulator.log(this, resource, text);
  }

  scriptError(resource: string, message: string): void {
    this.emulator.log(this, resource, `^1SCRIPT ERROR: ${message}^7`, true);
  }

  convar(name: string): string | undefined {
    return this.convars.get(name);
  }
}
