/**
 * Function references (ref §2.4): the string `"<resource>:<instanceId>:<refIdx>"` names one function in one runtime
 * instance. A restart makes a new instance id, so every old reference dies.
 */
import type { ScriptRuntime } from './types.ts';

export interface ParsedRef {
  resource: string;
  instanceId: number;
  idx: number;
}

/** Splits a ref string; resource names may contain ':' so we split from the right. */
export function parseRef(ref: string): ParsedRef | null {
  const b = ref.lastIndexOf(':');
  const a = b > 0 ? ref.lastIndexOf(':', b - 1) : -1;
  if (a <= 0) return null;
  const instanceId = Number(ref.slice(a + 1, b));
  const idx = Number(ref.slice(b + 1));
  if (!Number.isInteger(instanceId) || !Number.isInteger(idx)) return null;
  return { resource: ref.slice(0, a), instanceId, idx };
}

export function canonicalizeRef(resource: string, runtime: ScriptRuntime, idx: number): string {
  return `${resource}:${runtime.instanceId}:${idx}`;
}

/** Why a reference could not be called; the runtimes turn this into their own documented message (ref §2.4). */
export class DeadReferenceError extends Error {
  constructor(
    readonly ref: string,
    readonly reason: 'malformed' | 'no-resource' | 'no-instance',
  ) {
    super(
      reason === 'malformed'
        ? `Invalid function reference: ${ref}`
        : reason === 'no-resource'
          ? `No such resource for function reference ${ref}`
          : `No such runtime instance for function reference ${ref}`,
    );
    this.name = 'DeadReferenceError';
  }
}

/** A random instance id, as FiveM draws one per runtime start (ref §2.4). */
export function newInstanceId(): number {
  // Never reuse an id in one process: a stale ref must not come back to life by chance after a restart.
  let id: number;
  do id = 1 + Math.floor(Math.random() * 0x7ffffffe);
  while (usedInstanceIds.has(id));
  usedInstanceIds.add(id);
  return id;
}

const usedInstanceIds = new Set<number>();

/** What the router needs of a resource. */
export interface RefOwner {
  readonly state: string;
  runtimeByInstance(id: number): ScriptRuntime | undefined;
}

/**
 * Routes calls on ref strings to the owning runtime on one machine (`InvokeFunctionReference`, ref §2.4). Calls are
 * synchronous on the caller's stack, as in FXServer.
 */
export class RefRouter {
  /** Runtimes push themselves on the invoking-resource stack when called, so the router does not. */
  constructor(private readonly findResource: (name: string) => RefOwner | undefined) {}

  private lookUp(ref: string): { runtime: ScriptRuntime; idx: number } {
    const parsed = parseRef(ref);
    if (!parsed) throw new DeadReferenceError(ref, 'malformed');
    const owner = this.findResource(parsed.resource);
    if (!owner || (owner.state !== 'started' && owner.state !== 'starting')) throw new DeadReferenceError(ref, 'no-resource');
    const runtime = owner.runtimeByInstance(parsed.instanceId);
    if (!runtime) throw new DeadReferenceError(ref, 'no-instance');
    return { runtime, idx: parsed.idx };
  }

  invoke(ref: string, args: Uint8Array): Uint8Array {
    const { runtime, idx } = this.lookUp(ref);
    return runtime.callRef(idx, args);
  }

  duplicate(ref: string): string {
    try {
      const { runtime, idx } = this.lookUp(ref);
      const parsed = parseRef(ref)!;
      return `${parsed.resource}:${parsed.instanceId}:${runtime.duplicateRef(idx)}`;
    } catch {
      return ref;
    }
  }

  delete(ref: string): void {
    try {
      const { runtime, idx } = this.lookUp(ref);
      runtime.deleteRef(idx);
    } catch {
      // A reference into a stopped runtime has nothing left to release.
    }
  }
}
