/**
 * Stateful model test (issue: security): random sequences of register, unregister, trigger (client→server and
 * server→client, from the TS engine and the Lua twin), drop, join, resource restart (the bridge's too) and convar change,
 * checked against a simple model of what each caller must receive: the handler's value, NOT_FOUND, PAYLOAD_TOO_LARGE
 * (the cap its engine read when it started) or PLAYER_DROPPED.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Emulator, Player } from '../emulator/emulator.ts';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { addBridge, jsResource, luaResource, outOf, startAll } from '../engine/lua-support.ts';

const emu = useEmulator();
const RUNS = Number(process.env.MODEL_RUNS ?? 25);
const RES = ['md_js', 'md_lua'] as const;
type Res = (typeof RES)[number];
const NAMES = ['m:a', 'm:b', 'm:c'];
let commandsRun = 0;

const JS_CODE = `on('md:reg:md_js', (name) => CallbackBridge.register(name, (src, arg) => 'md_js|' + name, { rateLimit: false }));
  on('md:unreg:md_js', (name) => CallbackBridge.unregister(name));`;
const LUA_SERVER = `AddEventHandler('md:reg:md_lua', function(name) RegisterCallback(name, function() return 'md_lua|' .. name end, { rateLimit = false }) end)
AddEventHandler('md:unreg:md_lua', function(name) UnregisterCallback(name) end)
AddEventHandler('md:callClient', function(player, name, key) TriggerClientCallback(player, name, function(v, err) out(key, v, err) end) end)`;
const LUA_CLIENT = `AddEventHandler('md:reg:md_lua', function(name) RegisterCallback(name, function() return 'md_lua|' .. name end) end)
AddEventHandler('md:unreg:md_lua', function(name) UnregisterCallback(name) end)
AddEventHandler('md:call', function(name, key, arg) TriggerServerCallback(name, function(v, err) out(key, v, err) end, arg) end)`;

interface Model {
  players: number[];
  /** name → owner, on the server. */
  server: Map<string, Res>;
  /** per player: name → owner on that client. */
  clients: Map<number, Map<string, Res>>;
  /** maxPayload each server engine read when it started, and the convar now. */
  cap: Record<Res, number>;
  convar: number;
}
interface Real {
  e: Emulator;
  players: Map<number, Player>;
  key: number;
}

const codeOf = (message: unknown): string =>
  /does not exist/.test(String(message)) ? 'NOT_FOUND' : /too large/.test(String(message)) ? 'PAYLOAD_TOO_LARGE' : /dropped|not connected/.test(String(message)) ? 'PLAYER_DROPPED' : `? ${String(message)}`;

/** Runs one call and returns its outcome as `value` or a code, letting 600 virtual ms pass. */
async function outcome(r: Real, start: (key: string) => Promise<unknown> | null, lua: { machine: () => any; res: string } | null): Promise<string> {
  const key = `k${r.key++}`;
  let got = '(none)';
  start(key)?.then((v) => (got = String(v)), (e: { code: string }) => (got = e.code));
  await r.e.advance(600);
  if (!lua) return got;
  const o = outOf(lua.machine(), lua.res, key);
  return o ? (o[0] !== null ? String(o[0]) : codeOf(o[1])) : '(none)';
}

type Cmd = fc.AsyncCommand<Model, Real>;
const cmd = (label: string, check: (m: Model) => boolean, run: (m: Model, r: Real) => Promise<void>): Cmd => ({
  check,
  run: async (m, r) => {
    commandsRun++;
    await run(m, r);
  },
  toString: () => label,
});

const commands = [
  fc.tuple(fc.constantFrom(...RES), fc.constantFrom(...NAMES), fc.boolean()).map(([res, name, server]) =>
    cmd(`register ${res} ${name} ${server ? 'server' : 'clients'}`, () => true, async (m, r) => {
      if (server) {
        r.e.server.triggerLocal(`md:reg:${res}`, name);
        if (!m.server.has(name)) m.server.set(name, res);
      } else {
        for (const [id, p] of r.players) {
          p.machine.triggerLocal(`md:reg:${res}`, name);
          const names = m.clients.get(id)!;
          if (!names.has(name)) names.set(name, res);
        }
      }
      await r.e.advance(400);
    }),
  ),
  fc.tuple(fc.constantFrom(...RES), fc.constantFrom(...NAMES)).map(([res, name]) =>
    cmd(`unregister ${res} ${name} everywhere`, () => true, async (m, r) => {
      r.e.server.triggerLocal(`md:unreg:${res}`, name);
      if (m.server.get(name) === res) m.server.delete(name);
      for (const [id, p] of r.players) {
        p.machine.triggerLocal(`md:unreg:${res}`, name);
        if (m.clients.get(id)!.get(name) === res) m.clients.get(id)!.delete(name);
      }
      await r.e.advance(400);
    }),
  ),
  fc.tuple(fc.nat(3), fc.constantFrom(...RES), fc.constantFrom(...NAMES), fc.constantFrom(10, 200)).map(([i, res, name, size]) =>
    cmd(`call server ${name} from ${res} (${size} bytes)`, (m) => m.players.length > 0, async (m, r) => {
      const id = m.players[i % m.players.length];
      const p = r.players.get(id)!;
      const arg = 'x'.repeat(size);
      const owner = m.server.get(name);
      const expected = !owner ? 'NOT_FOUND' : size + 3 > m.cap[owner] ? 'PAYLOAD_TOO_LARGE' : `${owner}|${name}`;
      const got = res === 'md_js'
        ? await outcome(r, () => jsGlobals(p.machine, 'md_js').CallbackBridge.triggerServer(name, arg), null)
        : await outcome(r, (key) => (p.machine.triggerLocal('md:call', name, key, arg), null), { machine: () => p.machine, res: 'md_lua' });
      expect(got, `player ${id} ${res} → server ${name}`).toBe(expected);
    }),
  ),
  fc.tuple(fc.nat(4), fc.constantFrom(...RES), fc.constantFrom(...NAMES)).map(([i, res, name]) =>
    cmd(`call client ${name} from ${res}`, () => true, async (m, r) => {
      const known = [...m.players, 999];
      const id = known[i % known.length];
      const owner = m.clients.get(id)?.get(name);
      const expected = !m.players.includes(id) ? 'PLAYER_DROPPED' : !owner ? 'NOT_FOUND' : `${owner}|${name}`;
      const got = res === 'md_js'
        ? await outcome(r, () => jsGlobals(r.e.server, 'md_js').CallbackBridge.triggerClient(id, name), null)
        : await outcome(r, (key) => (r.e.server.triggerLocal('md:callClient', id, name, key), null), { machine: () => r.e.server, res: 'md_lua' });
      expect(got, `server ${res} → player ${id} ${name}`).toBe(expected);
    }),
  ),
  fc.nat(3).map((i) =>
    cmd('drop', (m) => m.players.length > 0, async (m, r) => {
      const id = m.players[i % m.players.length];
      r.e.drop(id, 'left');
      r.players.delete(id);
      m.players = m.players.filter((p) => p !== id);
      m.clients.delete(id);
      await r.e.advance(200);
    }),
  ),
  fc.constant(
    cmd('join', (m) => m.players.length < 4, async (m, r) => {
      const p = r.e.connect();
      r.players.set(p.netId, p);
      m.players.push(p.netId);
      m.clients.set(p.netId, new Map());
      await r.e.advance(400);
    }),
  ),
  fc.constantFrom<Res | 'callback_bridge'>(...RES, 'callback_bridge').map((res) =>
    cmd(`restart ${res}`, () => true, async (m, r) => {
      r.e.restart(res);
      if (res !== 'callback_bridge') {
        for (const [name, owner] of m.server) if (owner === res) m.server.delete(name);
        for (const names of m.clients.values()) for (const [name, owner] of names) if (owner === res) names.delete(name);
        m.cap[res] = m.convar;
      }
      await r.e.advance(600);
    }),
  ),
  fc.constantFrom(100, 65536).map((cap) =>
    cmd(`setr callback_bridge:maxPayload ${cap}`, () => true, async (m, r) => {
      r.e.setConvar('callback_bridge:maxPayload', String(cap), true);
      m.convar = cap;
    }),
  ),
];

describe('stateful model of callers and handlers', () => {
  afterAll(() => console.log(`[model] runs: ${RUNS}, commands run: ${commandsRun}`));

  it('every caller receives what the model says, through registrations, drops, joins, restarts and convar changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), async (cmds) => {
        const e = emu();
        for (const res of [...e.players.keys()]) e.drop(res, 'reset');
        for (const res of ['md_js', 'md_lua', 'callback_bridge']) e.stop(res);
        e.setConvar('callback_bridge:maxPayload', '65536', true);
        if (!e.registry.has('callback_bridge')) {
          await addBridge(e);
          await jsResource(e, 'md_js', { server: JS_CODE, client: JS_CODE.replace("CallbackBridge.register(name, (src, arg)", 'CallbackBridge.registerClient(name, (arg)') });
          await luaResource(e, 'md_lua', { server: LUA_SERVER, client: LUA_CLIENT });
        }
        startAll(e, 'callback_bridge', 'md_js', 'md_lua');
        const players = new Map<number, Player>();
        for (let i = 0; i < 2; i++) {
          const p = e.connect();
          players.set(p.netId, p);
        }
        await e.advance(400);
        const model: Model = {
          players: [...players.keys()],
          server: new Map(),
          clients: new Map([...players.keys()].map((id) => [id, new Map()])),
          cap: { md_js: 65536, md_lua: 65536 },
          convar: 65536,
        };
        await fc.asyncModelRun(() => ({ model, real: { e, players, key: 0 } }), cmds);
        expect(e.scriptErrors.map((l) => l.text)).toEqual([]);
      }),
      { numRuns: RUNS, seed: Number(process.env.MODEL_SEED ?? 4), endOnFailure: true },
    );
  });
});
