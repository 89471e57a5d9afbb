/** Every API family the bridge knows, in the order they attach. One line per family. */
import type { Adapter } from './types.ts';
import { esx } from './esx/index.ts';
import { utilsAdapter } from './utils/index.ts';
import { communityBridgeAdapter } from './community_bridge/index.ts';
import { kojaAdapter } from './koja/index.ts';
import { qbcoreAdapter } from './qbcore/index.ts';
import { oxAdapter } from './ox/index.ts';

export const adapters: Adapter[] = [
  esx,
  utilsAdapter,
  communityBridgeAdapter,
  kojaAdapter,
  qbcoreAdapter,
  oxAdapter,
];
