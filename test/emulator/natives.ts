/**
 * The natives a callback engine touches (ref §1.5), implemented once in plain JS values for both runtimes.
 * Each resource gets its own table because some answers depend on who asks (GetCurrentResourceName).
 */
import type { Machine } from './machine.ts';
import type { Resource } from './resource.ts';
import { loadResourceFile } from './resource.ts';

type Native = (...args: any[]) => unknown;

/** Convars are strings; `GetConvarInt` parses like atoi and falls back to the default. */
function convarInt(value: string | undefined, def: unknown): number {
  if (value === undefined) return Number(def) | 0;
  const n = parseInt(value, 10);
  return Number.isNaN(n) ? Number(def) | 0 : n;
}

export function buildNatives(m: Machine, res: Resource): Record<string, Native> {
  const emu = m.emulator;
  const shared: Record<string, Native> = {
    GetCurrentResourceName: () => res.name,
    GetInvokingResource: () => m.invokingResource(),
    GetResourceState: (name: unknown) => m.resourceState(String(name)),
    GetGameTimer: () => Math.floor(m.clock.now()),
    IsDuplicityVersion: () => m.side === 'server',
    GetConvar: (name: unknown, def: unknown) => m.convar(String(name)) ?? String(def ?? ''),
    GetConvarInt: (name: unknown, def: unknown) => convarInt(m.convar(String(name)), def),
    GetConvarFloat: (name: unknown, def: unknown) => {
      const v = parseFloat(m.convar(String(name)) ?? '');
      return Number.isNaN(v) ? Number(def) || 0 : v;
    },
    GetConvarBool: (name: unknown, def: unknown) => {
      const v = m.convar(String(name));
      return v === undefined ? Boolean(def) : v === 'true' || v === '1';
    },
    RegisterCommand: (name: unknown, handler: unknown, restricted: unknown) =>
      emu.commands(m).register(String(name), handler as Native, Boolean(restricted), res.name),
    ExecuteCommand: (line: unknown) => emu.executeCommand(m, String(line), m.side === 'server' ? 0 : m.netId),
    GetNumResources: () => emu.registry.size,
    GetResourceByFindIndex: (i: unknown) => [...emu.registry.keys()][Number(i)] ?? null,
    GetResourcePath: (name: unknown) => emu.registry.get(String(name))?.path ?? null,
    LoadResourceFile: (name: unknown, file: unknown) => {
      const other = m.resources.get(String(name)) ?? emu.registry.get(String(name));
      return other ? loadResourceFile(other as Resource, String(file)) : null;
    },
    GetNumResourceMetadata: (name: unknown, key: unknown) =>
      emu.registry.get(String(name))?.manifest.get(String(key)).length ?? 0,
    GetResourceMetadata: (name: unknown, key: unknown, index: unknown) =>
      emu.registry.get(String(name))?.manifest.get(String(key))[Number(index)] ?? null,
  };
  if (m.side === 'client') {
    return {
      ...shared,
      // The local player's index; the emulation has one local player per client machine.
      PlayerId: () => 0,
      GetPlayerServerId: (player: unknown) => (Number(player) === 0 ? m.netId : 0),
      GetPlayerName: (player: unknown) => (Number(player) === 0 ? emu.playerName(m.netId) : null),
      NetworkIsPlayerActive: (player: unknown) => Number(player) === 0,
      PlayerPedId: () => 1000 + m.netId,
    };
  }
  return {
    ...shared,
    GetPlayerName: (src: unknown) => emu.playerName(Number(src)) ?? null,
    DoesPlayerExist: (src: unknown) => emu.players.has(Number(src)),
    DropPlayer: (src: unknown, reason: unknown) => emu.drop(Number(src), String(reason ?? ''), 3),
    GetNumPlayerIndices: () => emu.players.size,
    GetPlayerFromIndex: (i: unknown) => {
      const id = [...emu.players.keys()][Number(i)];
      return id === undefined ? null : String(id);
    },
    GetNumPlayerIdentifiers: (src: unknown) => emu.players.get(Number(src))?.identifiers.length ?? 0,
    GetPlayerIdentifier: (src: unknown, i: unknown) => emu.players.get(Number(src))?.identifiers[Number(i)] ?? null,
    GetPlayerPing: (src: unknown) => Math.round((emu.players.get(Number(src))?.link.latency ?? 0) * 2),
    GetPlayerEndpoint: (src: unknown) => (emu.players.has(Number(src)) ? `127.0.0.1:${30000 + Number(src)}` : null),
    IsPlayerAceAllowed: (src: unknown, object: unknown) => emu.ace.allowed(`player.${Number(src)}`, String(object)),
    IsPrincipalAceAllowed: (principal: unknown, object: unknown) => emu.ace.allowed(String(principal), String(object)),
    SetConvar: (name: unknown, value: unknown) => emu.setConvar(String(name), String(value), false),
    SetConvarReplicated: (name: unknown, value: unknown) => emu.setConvar(String(name), String(value), true),
    SetHttpHandler: (handler: unknown) => emu.http.setHandler(res.name, (handler as never) ?? null),
    StartResource: (name: unknown) => emu.start(String(name)),
    StopResource: (name: unknown) => emu.stop(String(name)),
  };
}
