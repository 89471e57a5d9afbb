/**
 * The ox_lib family, bridge side (contract §2, §4; reference `ox_lib-and-bridges.md` §1, §2, §6).
 *
 * - `framework` while ox_lib is started (on this side; also when it starts after the bridge): every name served
 *   through the bridge is made valid in ox_lib's registry and answers the ox wire (answer.ts); calls the bridge's
 *   engine makes fall back to the ox wire after NOT_FOUND (caller.ts). ox_lib answers `ox_lib:validateCallback`
 *   itself: we never do then.
 * - `standin` when no ox_lib resource exists and `callback_bridge:standin` names `ox_lib`: the same, plus ox_lib's
 *   registry exports and `ox_lib:validateCallback` (standin.ts).
 *
 * The Lua alias of `lib.callback` (L2) is `adapters/ox/import.lua`; in-resource engines fall back to the ox wire in
 * their own resource: Lua ones through `wire.lua`, JS ones through `include.ts`. JS engines also answer the ox wire
 * for their own names in their resource (self-answer.ts); the bridge stays silent for those (self-served.ts).
 */
import type { Adapter, AdapterContext, AdapterMode } from '../types.ts';
import { answerOxCallers } from './answer.ts';
import { fallBackToOxWire, OxWireCaller } from './caller.ts';
import { cfxWire, type OxWire } from './cfx.ts';
import { DEFAULT_TIMEOUT_MS, OX_RESOURCE, TIMEOUT_CONVAR } from './protocol.ts';
import { SelfServed } from './self-served.ts';
import { startStandin } from './standin.ts';

/** Builds the adapter over `makeWire` (tests may pass another seam; the bridge uses the CitizenFX globals). */
export function createOxAdapter(makeWire: (side: 'server' | 'client') => OxWire = cfxWire): Adapter {
  return {
    name: 'ox',
    detect(ctx: AdapterContext): AdapterMode | null {
      const state = ctx.resourceState(OX_RESOURCE);
      if (state === 'started') return 'framework';
      // Never a stand-in for a resource that exists, even stopped (contract §2).
      if (state === 'missing' && ctx.standins().includes(OX_RESOURCE)) return 'standin';
      return null;
    },
    attach(ctx: AdapterContext, mode: AdapterMode): () => void {
      const wire = makeWire(ctx.side);
      const stops: Array<() => void> = [];
      // First: learn which names ox aliases answer themselves (they reply to the hello at once), so that no name of
      // theirs is claimed or double-answered below.
      const selfServed = new SelfServed(wire);
      stops.push(() => selfServed.close());
      if (mode === 'standin') stops.push(startStandin(ctx, wire));
      const answering = answerOxCallers(ctx, wire, selfServed, {
        claim: mode === 'framework' ? (name) => void wire.setValid(name) : () => undefined,
        // ox reads it once per resource (§1.6); ours is read when the adapter attaches.
        timeout: wire.convarInt(TIMEOUT_CONVAR, DEFAULT_TIMEOUT_MS),
      });
      stops.push(() => answering.stop());
      if (mode === 'framework') {
        // A restart of ox_lib within one tick never shows the host a change of mode (both queued events see it
        // started), yet ox_lib's registry is empty again (§1.9): claim our names once more whenever it starts.
        const started = ctx.side === 'server' ? 'onServerResourceStart' : 'onClientResourceStart';
        stops.push(wire.listenLocal(started, (_invoker, [resource]) => resource === OX_RESOURCE && answering.reclaim()));
      }
      const caller = new OxWireCaller(ctx.engine, wire);
      stops.push(() => caller.close());
      stops.push(fallBackToOxWire(ctx.engine, caller));
      return () => {
        for (const stop of stops.reverse()) stop();
      };
    },
  };
}

export const oxAdapter = createOxAdapter();
