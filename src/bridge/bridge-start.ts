/**
 * The parts of the bridge's start that are the same on the server and on a client, over the ownership record of the
 * side it runs on (`names`): the coordinator of the bridge's own engine, the ClaimCallback / ReleaseCallback exports
 * through which the engines of other resources claim names on this side, and, last, the version export and the
 * adapter host. src/server/index.ts and src/client/index.ts add what only their side does.
 */
import type { Coordinator } from '../engine/directory.ts';
import type { CallbackEngine } from '../engine/engine.ts';
import { startAdapters } from './adapter-context.ts';
import type { Ownership } from './ownership.ts';

export const BRIDGE_VERSION = '0.1.0';

/** The CitizenFX `exports(name, fn)` of the bridge resource. */
type ExportFn = (name: string, fn: (...args: any[]) => unknown) => void;

/**
 * The coordinator of the bridge's own engine: it decides ownership straight in `names`, without calling its own
 * exports; requests for names the bridge does not serve itself go to their owner (a caller's replica was behind).
 */
export function ownCoordinator(names: Ownership, ownerOnOtherSide: Coordinator['ownerOnOtherSide']): Coordinator {
  return {
    claim(name, owner, allowOverride, address) {
      const [ok, holder] = names.claim(name, owner, allowOverride, address);
      return ok ? { ok: true } : { ok: false, owner: holder ?? 'another resource' };
    },
    release: (name, owner) => void names.release(name, owner),
    ownerOnOtherSide,
    localAddress: (name) => names.addressOf(name),
  };
}

/** ClaimCallback / ReleaseCallback: claims and releases of names of `side` go to `names`; the other side's are not ours. */
export function installClaimExports(exports: ExportFn, side: 'server' | 'client', names: Ownership): void {
  exports('ClaimCallback', (claimSide: string, name: string, owner: string, allowOverride: boolean, address?: string) =>
    claimSide === side ? names.claim(String(name), String(owner), !!allowOverride, address ? String(address) : undefined) : [true],
  );
  exports('ReleaseCallback', (releaseSide: string, name: string, owner: string) => {
    if (releaseSide === side) names.release(String(name), String(owner));
  });
}

/** The last step of the bridge's start: GetBridgeVersion, and the adapter host over `names` (GetAdapterModes). */
export function finishBridgeStart(exports: ExportFn, engine: CallbackEngine, names: Ownership): void {
  exports('GetBridgeVersion', () => BRIDGE_VERSION);
  // The API families (ESX, QBCore/Qbox, ox_lib, seed libraries): each in its own folder under adapters/.
  const adapterHost = startAdapters(engine, names);
  exports('GetAdapterModes', () => adapterHost.modes());
}
