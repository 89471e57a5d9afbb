/**
 * Server side of the callback_bridge resource. It decides who owns which callback name and tells the resources that
 * call them; calls between resources never pass through it (contract §10). Its own engine answers calls addressed to
 * the bridge: names served through its exports (the convenience path) and NOT_FOUND for names nobody serves.
 */
import { DeltaBatcher } from '../bridge/delta-batcher.ts';
import { Ownership } from '../bridge/ownership.ts';
import { cfxTransport } from '../engine/cfx-transport.ts';
import { DIRECTORY_EVENTS, type DirectoryDelta } from '../engine/directory.ts';
import { CallbackEngine } from '../engine/engine.ts';
import { pullMetrics } from '../bridge/metrics-pull.ts';
import { installNativeExports } from '../bridge/native-exports.ts';
import { BRIDGE_VERSION, finishBridgeStart, installClaimExports, ownCoordinator } from '../bridge/bridge-start.ts';
import { installServerMetrics } from '../bridge/metrics-install.ts';

const transport = cfxTransport();
const serverNames = new Ownership();
/** Each player's client callbacks, as that client announced them. */
const clientNames = new Map<number, Ownership>();

// Coalesced per tick: resources registering many names (or all of them again after a bridge restart) cost every
// client one event, not one per name.
const broadcasts = new DeltaBatcher({
  send: (delta) => emitNet(DIRECTORY_EVENTS.toClients, -1, delta),
  later: (fn) => void setTimeout(fn, 0),
  now: () => GetGameTimer(),
});
serverNames.onChange((delta) => broadcasts.push(delta));

function namesOf(player: number): Ownership {
  let names = clientNames.get(player);
  if (!names) {
    names = new Ownership();
    names.onChange((delta) => emit(DIRECTORY_EVENTS.toServerResources, player, delta));
    clientNames.set(player, names);
  }
  return names;
}

const engine = new CallbackEngine(
  transport,
  ownCoordinator(serverNames, (name, player) => clientNames.get(player)?.addressOf(name)),
);

installNativeExports({ engine, exists: (name) => serverNames.ownerOf(name) !== undefined, metrics: () => pullMetrics(emit), exports });

installClaimExports(exports, 'server', serverNames);
exports('GetDirectory', (side: string, player?: number): DirectoryDelta =>
  side === 'server' ? serverNames.entries() : (clientNames.get(Number(player))?.entries() ?? []),
);

// A client bridge asks for the server's names when it starts, then announces its own client names.
onNet(DIRECTORY_EVENTS.hello, () => {
  emitNet(DIRECTORY_EVENTS.toClients, Number(source), serverNames.entries());
});
/**
 * Most client callback names one player may hold: far above what a client's resources register, and a bound for a
 * cheater announcing junk (it would otherwise keep growing until the player drops; issue: security).
 */
const MAX_CLIENT_NAMES = 1000;
/** A resource name as FiveM allows them: what an announced address may be (frames.ts reads FROM with the same rule). */
const RESOURCE_NAME = /^[\w.\-:@\[\]]{1,64}$/;
onNet(DIRECTORY_EVENTS.announce, (delta: unknown) => {
  const player = Number(source);
  if (!(player > 0) || !Array.isArray(delta) || delta.length > 1000) return;
  const names = namesOf(player);
  for (const item of delta) {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || item[0].length > 200) continue;
    if (typeof item[1] === 'string') {
      if (!RESOURCE_NAME.test(item[1]) || (names.ownerOf(item[0]) === undefined && names.size >= MAX_CLIENT_NAMES)) continue;
      names.claim(item[0], item[1], true);
    } else names.release(item[0], names.ownerOf(item[0]) ?? '');
  }
});

on('playerDropped', () => {
  const player = Number(source);
  if (clientNames.delete(player)) emit(DIRECTORY_EVENTS.toServerResources, player, null);
});
on('onResourceStop', (name: string) => serverNames.releaseOwner(name));

finishBridgeStart(exports, engine, serverNames);

// Console commands `cbmetrics` / `cbmetrics_reset`, and /callback_bridge/ (dashboard, metrics, metrics.json).
installServerMetrics(BRIDGE_VERSION);
