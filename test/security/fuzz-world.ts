/**
 * The world the fuzzers and abuse scenarios attack: the bridge with the ESX, QBCore and ox_lib stand-ins on (so it
 * answers their wire events too), a JS resource on `dist/callbacks.js` (`fz_js`), a Lua resource on `import.lua`
 * (`fz_lua`), a server resource registering through the bridge's exports (`fz_exp`, served by the bridge's own
 * engine), a cheating player and a bystander whose client holds requests the server waits on.
 *
 * Every server handler reports each run to `runs` with what it received; `violations()` lists the runs whose
 * arguments fail that handler's own checks (validation, payload cap, permission, source). `sent` records every
 * server→client event, so a test can prove nothing reached anyone but the sender.
 */
import vm from 'node:vm';
import { expect } from 'vitest';
import type { Emulator, Player } from '../emulator/emulator.ts';
import type { JsRuntime } from '../emulator/js/runtime.ts';
import { jsGlobals, luaGlobal } from '../support/cfx.ts';
import { addBridge, jsResource, luaResource, outOf, startAll } from '../engine/lua-support.ts';
import { validateData } from '../../src/core/validation.ts';
import { LUA_SIZES, trueSize } from './sizes.ts';

export const STRICT = { required: ['id', 'qty'], types: { id: 'string', qty: 'integer' } };
/** Payload caps of the fuzzed callbacks, bytes. */
export const CAPS: Record<string, number> = { 'fz:strict': 4096, 'fz:open': 2048, 'fz:twice': 65536, 'fz:admin': 65536 };
export const NAMES = ['fz:strict', 'fz:open', 'fz:twice', 'fz:admin'];

const strictLua = `{ required = { 'id', 'qty' }, types = { id = 'string', qty = 'integer' } }`;

/** Server handlers of one JS engine (`reg` is CallbackBridge or the bridge's exports); `tag` names the engine. */
const jsHandlers = (tag: string, reg: string, prefix = '') => `
  const strict = ${JSON.stringify(STRICT)};
  const R = ${reg};
  R.${prefix ? 'RegisterCallback' : 'register'}('${prefix}fz:strict', (source, ...args) => { fzRun('${tag}', 'fz:strict', source, args); return 'ok'; },
    { validate: strict, rateLimit: { rate: 5, burst: 10 }, maxPayload: 4096 });
  R.${prefix ? 'RegisterCallback' : 'register'}('${prefix}fz:open', (source, ...args) => { fzRun('${tag}', 'fz:open', source, args); return args.length; }, { maxPayload: 2048 });
  R.${prefix ? 'RegisterServerCallback' : 'registerWithCallback'}('${prefix}fz:twice', (source, cb, x, ...rest) => {
    fzRun('${tag}', 'fz:twice', source, [x, ...rest]); cb(1); cb(2); if (x === 3) throw new Error('boom'); });
  R.${prefix ? 'RegisterCallback' : 'register'}('${prefix}fz:admin', (source) => { fzRun('${tag}', 'fz:admin', source, []); return 'secret'; }, { permission: 'fz.admin' });
`;

const LUA_SERVER = `
local strict = ${strictLua}
-- The msgpack size of what arrived, counted at any depth (the twin's estimate stops at lua-cmsgpack's 16 levels).
local function tsize(v)
  local t = type(v)
  if t == 'string' then local n = #v return n + (n < 32 and 1 or n < 65536 and 3 or 5) end
  if t == 'number' then
    if math.type(v) ~= 'integer' then return 9 end
    local a = v >= 0 and v or -v - 1
    return (v >= -32 and v < 128) and 1 or a < 128 and 2 or a < 32768 and 3 or a < 2147483648 and 5 or 9
  end
  if t ~= 'table' then return 1 end
  if rawget(v, '__cfx_functionReference') then return 40 end
  local n, keys, vals, array = 0, 0, 0, true
  for k, x in pairs(v) do
    n = n + 1
    if math.type(k) ~= 'integer' or k < 1 then array = false end
    keys = keys + tsize(k)
    vals = vals + tsize(x)
  end
  if array and #v ~= n then array = false end
  return (n < 16 and 1 or 3) + vals + (array and 0 or keys)
end
local function run(name, source, ...)
  local args, size = table.pack(...), 0
  for i = 1, args.n do size = size + tsize(args[i]) end
  local valid = type(args[1]) == 'table' and ValidateCallbackData(args[1], strict).valid
  TriggerEvent('fz:run', 'fz_lua', name, source, { n = args.n, size = size, valid = valid, first = type(args[1]) })
end
RegisterCallback('lfz:strict', function(source, ...) run('fz:strict', source, ...) return 'ok' end,
  { validate = strict, rateLimit = { rate = 5, burst = 10 }, maxPayload = 4096 })
RegisterCallback('lfz:open', function(source, ...) run('fz:open', source, ...) return select('#', ...) end, { maxPayload = 2048 })
RegisterServerCallback('lfz:twice', function(source, cb, x, ...)
  run('fz:twice', source, x, ...) cb(1) cb(2) if x == 3 then error('boom') end end)
RegisterCallback('lfz:admin', function(source) run('fz:admin', source) return 'secret' end, { permission = 'fz.admin' })
-- Requests the server waits on: to the bystander, whose handler answers after a minute.
AddEventHandler('fz:hold', function(player) TriggerClientCallback(player, 'fz:slow', function() end) end)
RegisterCallback('lab:never', function() Wait(600000) end, { timeout = 1000, rateLimit = false })
-- Abuse scenarios: a call to a player whose outcome is recorded under \`key\`, and the engine's counters.
AddEventHandler('ab:call', function(player, name, key, ...)
  TriggerClientCallback(player, name, function(...) out(key, ...) end, ...)
end)
AddEventHandler('fz:counters', function() COUNTERS = json.encode(CallbackBridge.engine.metrics.counters) end)
AddEventHandler('fz:ids', function()
  local ids = {}
  for id in pairs(CallbackBridge.engine.pending.byId) do ids[#ids + 1] = id end
  IDS = json.encode(ids)
end)
${LUA_SIZES}`;

export interface Run {
  engine: string;
  name: string;
  source: number;
  args: unknown[];
  /** Virtual time of the run. */
  at: number;
  /** From the Lua engine: the size and validity measured there (values past 16 levels cannot cross back). */
  lua?: { size: number; valid: boolean };
}

export interface FuzzWorld {
  cheater: Player;
  bystander: Player;
  runs: Run[];
  /** Every server→client event since the start: name and target ('-1' for all). */
  sent: Array<{ name: string; target: string }>;
  /** Runs whose arguments fail their handler's own checks. */
  violations(): string[];
  /** Ids the server's engines wait on (requests to the bystander). */
  pendingIds(): number[];
  /** Starts one more held request to the bystander from each engine. */
  hold(): void;
  /** The bridge's own server context (its engine and ownership record are top-level bindings there). */
  bridge<T = any>(expr: string): T;
  js(): any;
  /** fz_lua calls `name` on `player`'s client; what its cb got is recorded under `key` (read with `luaOut`). */
  luaCall(player: Player, name: string, key: string, ...args: unknown[]): void;
  luaOut(key: string): unknown[] | undefined;
  /** The Lua engine's counters (malformed, lateReplies, forgedReplies, spoofed, notFound). */
  luaCounters(): Record<string, number>;
}

/** Builds the world (bridge, stand-ins, fz_js, fz_lua, fz_exp; cheater and bystander connected). */
export async function fuzzWorld(emu: Emulator, { hold = true }: { hold?: boolean } = {}): Promise<FuzzWorld> {
  emu.setConvar('callback_bridge:standin', 'es_extended,qb-core,ox_lib', true);
  await addBridge(emu);
  await jsResource(emu, 'fz_js', {
    server: `${jsHandlers('fz_js', 'CallbackBridge')}
      on('fz:hold', (player) => CallbackBridge.triggerClient(player, 'fz:slow').catch(() => undefined));`,
    client: `CallbackBridge.registerClient('fz:slow', () => new Promise((r) => setTimeout(() => r('late'), 60000)));`,
  });
  await luaResource(emu, 'fz_lua', { server: LUA_SERVER });
  await jsResource(emu, 'fz_exp', { server: jsHandlers('fz_exp', 'exports.callback_bridge', 'x') });
  startAll(emu, 'callback_bridge', 'fz_js', 'fz_lua', 'fz_exp');
  const cheater = emu.connect({ name: 'cheater' });
  const bystander = emu.connect({ name: 'bystander' });
  await emu.advance(300);

  const runs: Run[] = [];
  const report = (engine: string, name: string, source: unknown, args: unknown[]) =>
    runs.push({ engine, name: name.replace(/^[xl]/, ''), source: Number(source), args: [...args], at: emu.clock.now() });
  for (const res of ['fz_js', 'fz_exp']) jsGlobals(emu.server, res).fzRun = report;
  await jsResource(emu, 'fz_spy', { server: `on('fz:run', (engine, name, source, seen) => fzLua(engine, name, source, seen));` });
  startAll(emu, 'fz_spy');
  jsGlobals(emu.server, 'fz_spy').fzLua = (engine: string, name: string, source: unknown, seen: { size: number; valid: boolean }) =>
    runs.push({ engine, name: name.replace(/^l/, ''), source: Number(source), args: [], at: emu.clock.now(), lua: { size: seen.size, valid: seen.valid === true } });

  const sent: FuzzWorld['sent'] = [];
  const original = emu.sendToClients.bind(emu);
  emu.sendToClients = (name, target, payload, bps, latent) => {
    sent.push({ name, target });
    original(name, target, payload, bps, latent);
  };

  const bridgeContext = (emu.server.resources.get('callback_bridge')!.runtimes.find((r) => r.kind === 'js') as unknown as JsRuntime).context;
  const world: FuzzWorld = {
    cheater,
    bystander,
    runs,
    sent,
    violations: () => runs.flatMap((r) => check(r, cheater.netId)),
    pendingIds() {
      emu.server.triggerLocal('fz:ids');
      const lua = JSON.parse(String(luaGlobal(emu.server, 'fz_lua', 'IDS') ?? '[]')) as number[];
      const js = [...(jsGlobals(emu.server, 'fz_js').CallbackBridge.engine.pending.byId.keys() as Iterable<number>)];
      return [...js, ...lua];
    },
    hold() {
      emu.server.triggerLocal('fz:hold', bystander.netId);
    },
    bridge: (expr) => vm.runInContext(expr, bridgeContext),
    js: () => jsGlobals(emu.server, 'fz_js').CallbackBridge,
    luaCall: (player, name, key, ...args) => void emu.server.triggerLocal('ab:call', player.netId, name, key, ...args),
    luaOut: (key) => outOf(emu.server, 'fz_lua', key),
    luaCounters() {
      emu.server.triggerLocal('fz:counters');
      return JSON.parse(String(luaGlobal(emu.server, 'fz_lua', 'COUNTERS'))) as Record<string, number>;
    },
  };
  if (!hold) return world;
  world.hold();
  await emu.advance(100);
  expect(world.pendingIds().length).toBeGreaterThanOrEqual(2);
  return world;
}

/** What is wrong with one handler run (nothing, for a legitimate one). */
function check(run: Run, cheater: number): string[] {
  const out: string[] = [];
  const where = `${run.engine} ${run.name}`;
  if (run.source !== cheater) out.push(`${where}: ran as player ${run.source}, not the sender ${cheater}`);
  if (run.name === 'fz:admin') out.push(`${where}: ran for a player without the permission`);
  if (run.name === 'fz:strict') {
    const v = run.lua ? { valid: run.lua.valid, errors: ['(seen in Lua)'] } : validateData(run.args[0], STRICT);
    if (!v.valid) out.push(`${where}: ran with invalid data (${v.errors.join('; ')})`);
  }
  const size = run.lua ? run.lua.size : trueSize(run.args);
  if (size > CAPS[run.name]) out.push(`${where}: ran with ${size} bytes of arguments, over its cap of ${CAPS[run.name]}`);
  return out;
}
