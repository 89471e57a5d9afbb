/**
 * QBCore and Qbox (qbx_core): the bridge side of the family (reference esx-qbcore-qbox.md §3, §4, §7).
 *
 * - 'framework' while qb-core runs: qb-core itself, or Qbox, which `provide`s qb-core (`GetResourceState('qb-core')`
 *   honours provide, so one test covers both). L1: relays in QBCore's own registry (relays.ts).
 * - 'standin' when `callback_bridge:standin` names qb-core and no resource of that name (nor a provider) exists. L3:
 *   the bridge answers QBCore's exports and wire (standin.ts).
 * A qb-core that starts after the bridge is seen by the adapter host, which re-detects on every resource start.
 * L2 is the Lua piece, `import.lua`.
 */
import type { Adapter } from '../types.ts';
import { QB_RESOURCE } from './protocol.ts';
import { attachRelays } from './relays.ts';
import { attachStandin } from './standin.ts';

export const qbcoreAdapter: Adapter = {
  name: 'qbcore',
  detect(ctx) {
    const state = ctx.resourceState(QB_RESOURCE);
    if (state === 'started') return 'framework';
    // 'stopped' means a qb-core (or a provider) is installed: a stand-in must never answer for it (contract §2).
    if (state === 'missing' && ctx.standins().includes(QB_RESOURCE)) return 'standin';
    return null;
  },
  attach(ctx, mode) {
    return mode === 'framework' ? attachRelays(ctx) : attachStandin(ctx);
  },
};
