/**
 * The ESX family (contract §4, reference `esx-qbcore-qbox.md` §2): detection, and the bridge side of L1 (while
 * es_extended runs: `framework.ts`) and L3 (stand-in: `standin.ts`). The L2 piece is `import.lua`; the wire is
 * written down in `protocol.ts`.
 */
import type { Adapter } from '../types.ts';
import { attachFramework } from './framework.ts';
import { ESX_RESOURCE } from './protocol.ts';
import { attachStandin } from './standin.ts';

export const esx: Adapter = {
  name: 'esx',
  detect(ctx) {
    const state = ctx.resourceState(ESX_RESOURCE);
    if (state === 'started') return 'framework';
    // Never a stand-in for a resource that exists, running or not (contract §2).
    if (state === 'missing' && ctx.standins().includes(ESX_RESOURCE)) return 'standin';
    return null;
  },
  attach(ctx, mode) {
    return mode === 'framework' ? attachFramework(ctx) : attachStandin(ctx);
  },
};
