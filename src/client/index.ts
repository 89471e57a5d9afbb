/**
 * Client side of the callback_bridge resource: it decides which client resource owns which client callback name,
 * announces them to the server, keeps the server's names for resources that start later, and answers calls
 * addressed to the bridge (its exports' callbacks, NOT_FOUND for the rest).
 */
import { ANNOUNCE_PACE, DeltaBatcher } from '../bridge/delta-batcher.ts';
import { Ownership } from '../bridge/ownership.ts';
import { cfxTransport } from '../engine/cfx-transport.ts';
import { Directory, DIRECTORY_EVENTS, type DirectoryDelta } from '../engine/directory.ts';
import { CallbackEngine } from '../engine/engine.ts';
import { pullMetrics } from '../bridge/metrics-pull.ts';
import { METRICS_PRINT_EVENT } from '../bridge/metrics-console.ts';
import { installNativeExports } from '../bridge/native-exports.ts';
import { finishBridgeStart, installClaimExports, ownCoordinator } from '../bridge/bridge-start.ts';

const transport = cfxTransport();
const clientNames = new Ownership();
const serverNames = new Directory();

// One announcement per tick at most, paced: a resource registering hundreds of names at start must not get the
// player dropped or kicked by FiveM's net-event limiters.
const announcements = new DeltaBatcher({
  send: (delta) => emitNet(DIRECTORY_EVENTS.announce, delta),
  later: (fn) => void setTimeout(fn, 0),
  now: () => GetGameTimer(),
  pace: ANNOUNCE_PACE,
});
clientNames.onChange((delta) => announcements.push(delta));
onNet(DIRECTORY_EVENTS.toClients, (delta: DirectoryDelta) => {
  if (typeof source === 'number' && Array.isArray(delta)) serverNames.apply(delta);
});

const engine = new CallbackEngine(transport, ownCoordinator(clientNames, (name) => serverNames.ownerOf(name)));

installNativeExports({ engine, exists: (name) => clientNames.ownerOf(name) !== undefined, metrics: () => pullMetrics(emit), exports });

installClaimExports(exports, 'client', clientNames);
exports('GetDirectory', (side: string): DirectoryDelta => (side === 'server' ? serverNames.entries() : clientNames.entries()));

on('onResourceStop', (name: string) => clientNames.releaseOwner(name));

// The server's `cbmetrics` run by this player (with the ACE) prints its table here, in the F8 console.
onNet(METRICS_PRINT_EVENT, (lines: unknown) => {
  if (Array.isArray(lines)) for (const line of lines) console.log(String(line));
});
emitNet(DIRECTORY_EVENTS.hello);

finishBridgeStart(exports, engine, clientNames);
