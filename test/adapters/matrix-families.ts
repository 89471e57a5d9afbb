/**
 * The matrix test's descriptors (test/adapters/matrix.test.ts): one small object per API family says how a resource
 * of that family is set up (per mode and world), how it calls (its forms, and what each form documents it returns),
 * how it registers a handler that answers three values with a nil in the middle, and which routes it calls over and
 * is reached by. `cells(world)` derives every (direction, caller, handler) pair and its expected result from them.
 *
 * Routes: `engine` (a callback engine: in-resource or the bridge's), `esx` / `qb` / `ox` (that framework's own wire,
 * which reaches what its registry holds; while a framework runs, or the bridge stands in for it, the bridge puts every
 * name served through the bridge there: L1). A pair is applicable when the caller calls over a route the handler is
 * reached by; otherwise the cell is `n/a` with the reason, and the test checks the handler never ran.
 */

export type WorldId = 'frameworks' | 'standin';
export type Dir = 'cs' | 'sc';
export type Mode = 'native' | 'L2' | 'unmodified';
export type Route = 'engine' | 'esx' | 'qb' | 'ox';
/** What a caller form hands its script: every value, the first one, or ESX 1.13's Await (up to the first nil hole). */
export type Shape = 'all' | 'first' | 'hole';

export const DIRS: Record<Dir, string> = { cs: 'client→server', sc: 'server→client' };
const ALL: Route[] = ['engine', 'esx', 'qb', 'ox'];

/** Lua setup of a resource: manifest entries before the probe, the line each script starts with, and why it cannot
 * load in this world (it is still added: the test checks that its start fails on its first include). */
interface LuaSetup {
  includes: string[];
  head?: string;
  unavailable?: string;
}

interface Form {
  shape: Shape | ((mode: Mode, world: WorldId) => Shape);
  /** Lua: a function body of (N, K, P) that calls N and records under K. JS: an expression of (N, P). */
  cs: string;
  sc: string;
}

interface HandlerStyle {
  /** What the handler answers: `'a', nil, 3`, or one value where the style carries one. */
  sends: unknown[];
  /** Registration of one name N (Lua: a statement; JS: a statement), `cs` on the server, `sc` on a client. */
  cs: string;
  sc: string;
}

export interface Family {
  lang: 'lua' | 'js';
  modes: Mode[];
  /** Lua families: the setup of a mode in a world. */
  setup?: (mode: Mode, world: WorldId) => LuaSetup;
  forms: Record<string, Form>;
  handlers: Record<string, HandlerStyle>;
  /** The routes this family's callers call over, and the routes its handlers are reached by. */
  routes: (mode: Mode, world: WorldId) => { calls: Route[]; reachedBy: Route[] };
  /** Why this family's callers lack a route that exists (added to the n/a reason of a handler reached only by it). */
  gaps?: Partial<Record<Route, string>>;
}

const IMPORT = '@callback_bridge/import.lua';
const THREE: unknown[] = ['a', null, 3];
const cbRecord = 'function(...) out(K, ...) end';
const luaRun = (fn: string) => `RAN[N] = true ${fn}`;

/**
 * The routes of ESX and QBCore (`wire`: theirs). With the framework running, an unmodified caller has only its wire
 * (which reaches what the registry holds: its own handlers, and the bridge's names through L1 relays) and an
 * unmodified handler is only in that registry; an aliased caller asks the engine for names the bridge's directory
 * knows and goes through the original function otherwise (mixed migration). Under the stand-in every caller runs on
 * an engine (the bridge's behind the stand-in object, or the resource's) that tries the ox wire after NOT_FOUND, and
 * every handler is served through the bridge, whose stand-in answers the framework's wire.
 */
const frameworkRoutes = (wire: Route) => (mode: Mode, world: WorldId): { calls: Route[]; reachedBy: Route[] } => {
  if (world === 'standin') return { calls: ['engine', 'ox'], reachedBy: ALL };
  return mode === 'L2' ? { calls: ['engine', wire], reachedBy: ALL } : { calls: [wire], reachedBy: [wire] };
};

export const FAMILIES: Record<string, Family> = {
  // native Lua (@callback_bridge/import.lua)
  lua: {
    lang: 'lua',
    modes: ['native'],
    setup: () => ({ includes: [IMPORT] }),
    forms: {
      cb: { shape: 'all', cs: `TriggerServerCallback(N, ${cbRecord})`, sc: `TriggerClientCallback(P, N, ${cbRecord})` },
      await: { shape: 'all', cs: `REC(K, pcall(TriggerServerCallbackPromise, N))`, sc: `REC(K, pcall(AwaitClientCallback, P, N))` },
    },
    handlers: { return: { sends: THREE, cs: `RegisterCallback(N, function() ${luaRun("return 'a', nil, 3")} end)`, sc: `RegisterCallback(N, function() ${luaRun("return 'a', nil, 3")} end)` } },
    // Its engine tries the ox wire after NOT_FOUND (adapters/ox/wire.lua).
    routes: () => ({ calls: ['engine', 'ox'], reachedBy: ALL }),
  },
  // native TS (@callback_bridge/dist/callbacks.js)
  ts: {
    lang: 'js',
    modes: ['native'],
    forms: {
      values: { shape: 'all', cs: 'CallbackBridge.triggerServerValues(N)', sc: 'CallbackBridge.triggerClientValues(P, N)' },
      first: { shape: 'first', cs: 'CallbackBridge.triggerServer(N)', sc: 'CallbackBridge.triggerClient(P, N)' },
    },
    handlers: {
      cb: { sends: THREE, cs: `CallbackBridge.registerWithCallback(N, (s, cb) => { ran[N] = true; cb('a', null, 3); });`, sc: `CallbackBridge.registerWithCallback(N, (cb) => { ran[N] = true; cb('a', null, 3); });` },
      // A return-style JS handler answers one value.
      return: { sends: ['a'], cs: `CallbackBridge.register(N, () => { ran[N] = true; return 'a'; });`, sc: `CallbackBridge.registerClient(N, () => { ran[N] = true; return 'a'; });` },
    },
    // Its engine tries the ox wire after NOT_FOUND (adapters/ox/include.ts).
    routes: () => ({ calls: ['engine', 'ox'], reachedBy: ALL }),
  },
  // ESX (es_extended 1.13)
  esx: {
    lang: 'lua',
    modes: ['L2', 'unmodified'],
    // es_extended's imports.lua is a file of es_extended: under the stand-in scripts get the object through the export.
    setup: (mode, world) => {
      const get = world === 'frameworks' ? { includes: ['@es_extended/imports.lua'] } : { includes: [], head: "ESX = exports['es_extended']:getSharedObject()" };
      return { ...get, includes: [...get.includes, ...(mode === 'L2' ? [IMPORT] : [])] };
    },
    forms: {
      cb: { shape: 'all', cs: `ESX.TriggerServerCallback(N, ${cbRecord})`, sc: `ESX.TriggerClientCallback(P, N, ${cbRecord})` },
      // ESX 1.13's own Await returns through a function reference into es_extended, where values with a nil hole
      // travel as a map and arrive up to the border: 'a' only. Through the bridge (L2, L3) every value.
      await: {
        shape: (mode, world) => (mode === 'unmodified' && world === 'frameworks' ? 'hole' : 'all'),
        cs: `REC(K, pcall(ESX.AwaitServerCallback, N))`,
        sc: `REC(K, pcall(ESX.AwaitClientCallback, P, N))`,
      },
    },
    handlers: {
      cb: { sends: THREE, cs: `ESX.RegisterServerCallback(N, function(_, cb) ${luaRun("cb('a', nil, 3)")} end)`, sc: `ESX.RegisterClientCallback(N, function(cb) ${luaRun("cb('a', nil, 3)")} end)` },
    },
    routes: frameworkRoutes('esx'),
  },
  // QBCore (qb-core after January 2025)
  qb: {
    lang: 'lua',
    modes: ['L2', 'unmodified'],
    setup: (mode) => ({ includes: mode === 'L2' ? [IMPORT] : [], head: "local QBCore = exports['qb-core']:GetCoreObject()" }),
    forms: {
      cb: { shape: 'all', cs: `QBCore.Functions.TriggerCallback(N, ${cbRecord})`, sc: `QBCore.Functions.TriggerClientCallback(N, P, ${cbRecord})` },
      // Without cb QBCore returns the first value only (qb-core keeps it in its promise), through the bridge too.
      await: { shape: 'first', cs: `REC(K, pcall(QBCore.Functions.TriggerCallback, N))`, sc: `REC(K, pcall(QBCore.Functions.TriggerClientCallback, N, P))` },
    },
    handlers: {
      cb: { sends: THREE, cs: `QBCore.Functions.CreateCallback(N, function(_, cb) ${luaRun("cb('a', nil, 3)")} end)`, sc: `QBCore.Functions.CreateClientCallback(N, function(cb) ${luaRun("cb('a', nil, 3)")} end)` },
    },
    routes: frameworkRoutes('qb'),
  },
  // ox_lib Lua (lib.callback)
  ox: {
    lang: 'lua',
    modes: ['L2', 'unmodified'],
    setup: (mode, world) => ({
      includes: ['@ox_lib/init.lua', ...(mode === 'L2' ? [IMPORT] : [])],
      unavailable: world === 'standin' ? 'lib.callback comes from @ox_lib/init.lua, a file of ox_lib: Lua ox consumers cannot load without ox_lib (README, ox_lib L3)' : undefined,
    }),
    forms: {
      cb: { shape: 'all', cs: `lib.callback(N, false, ${cbRecord})`, sc: `lib.callback(N, P, ${cbRecord})` },
      // ox's own await unpacks { first, ... } in the calling resource: Lua's border of { 'a', nil, 3 } is 3, so an
      // unmodified caller gets all three as well; the alias (L2) gives every value by count.
      await: { shape: 'all', cs: `REC(K, pcall(lib.callback.await, N, false))`, sc: `REC(K, pcall(lib.callback.await, N, P))` },
    },
    handlers: { return: { sends: THREE, cs: `lib.callback.register(N, function() ${luaRun("return 'a', nil, 3")} end)`, sc: `lib.callback.register(N, function() ${luaRun("return 'a', nil, 3")} end)` } },
    routes: (mode) => ({ calls: mode === 'L2' ? ['engine', 'ox'] : ['ox'], reachedBy: mode === 'L2' ? ALL : ['ox'] }),
  },
  // ox_lib JS (the real @overextended/ox_lib package)
  oxjs: {
    lang: 'js',
    modes: ['unmodified'],
    // The package resolves the first value only, and its handlers send exactly one value.
    forms: { first: { shape: 'first', cs: 'OxClient.triggerServerCallback(N, null)', sc: 'OxServer.triggerClientCallback(N, P)' } },
    handlers: { return: { sends: ['a'], cs: `OxServer.onClientCallback(N, () => { ran[N] = true; return 'a'; });`, sc: `OxClient.onServerCallback(N, () => { ran[N] = true; return 'a'; });` } },
    routes: () => ({ calls: ['ox'], reachedBy: ['ox'] }),
  },
};

/** One caller or handler of the matrix: a family in a mode (and, for handlers, a style). */
export interface Variant {
  /** e.g. `esx.L2`, `qb.L1` (`L3` in the stand-in world), `ts.return`. */
  id: string;
  family: string;
  mode: Mode;
  style?: string;
  /** The resource it lives in. */
  res: string;
  unavailable?: string;
}

function variantId(family: string, mode: Mode, world: WorldId): string {
  if (mode === 'native' || family === 'oxjs') return family;
  return `${family}.${mode === 'L2' ? 'L2' : world === 'frameworks' ? 'L1' : 'L3'}`;
}

function make(role: 'c' | 'h', world: WorldId, family: string, mode: Mode, style?: string): Variant {
  const f = FAMILIES[family];
  const base = variantId(family, mode, world);
  // A family's first handler style goes by the variant's name; others add theirs (`ts.return`).
  const id = style && style !== Object.keys(f.handlers)[0] ? `${base}.${style}` : base;
  return { id, family, mode, style, res: `${role}_${id.replace(/\./g, '_')}`, unavailable: f.setup?.(mode, world).unavailable };
}

export function callers(world: WorldId): Variant[] {
  return Object.entries(FAMILIES).flatMap(([family, f]) => f.modes.map((mode) => make('c', world, family, mode)));
}

export function handlers(world: WorldId): Variant[] {
  return Object.entries(FAMILIES).flatMap(([family, f]) => f.modes.flatMap((mode) => Object.keys(f.handlers).map((style) => make('h', world, family, mode, style))));
}

/** The callback name of one call: unique per direction, handler, caller and form (no two calls share a name). */
export const callName = (dir: Dir, h: Variant, c: Variant, form: string) => `m:${dir}:${h.id}:${c.id}:${form}`;

const applyShape = (shape: Shape, sends: unknown[]) => {
  if (shape === 'all') return sends;
  if (shape === 'first') return sends.slice(0, 1);
  const hole = sends.indexOf(null);
  return hole < 0 ? sends : sends.slice(0, hole);
};

export interface Cell {
  dir: Dir;
  caller: Variant;
  handler: Variant;
  /** Per form of the caller, what it records; or why the pair cannot work. */
  expected: { values: Record<string, unknown[]> } | { na: string };
  /** The pair as the test names it. */
  title: string;
}

/** Every pair of the world, in both directions, with its expected result. */
export function cells(world: WorldId): Cell[] {
  const out: Cell[] = [];
  for (const dir of Object.keys(DIRS) as Dir[]) {
    for (const c of callers(world)) {
      for (const h of handlers(world)) {
        const cf = FAMILIES[c.family];
        const title = `${DIRS[dir]}: ${c.id} → ${h.id}`;
        if (c.unavailable || h.unavailable) {
          out.push({ dir, caller: c, handler: h, title, expected: { na: (c.unavailable ?? h.unavailable)! } });
          continue;
        }
        const { calls } = cf.routes(c.mode, world);
        const { reachedBy } = FAMILIES[h.family].routes(h.mode, world);
        if (!calls.some((r) => reachedBy.includes(r))) {
          const gaps = reachedBy.flatMap((r) => cf.gaps?.[r] ?? []);
          const na = `${c.id} calls over ${calls.join('/')}, ${h.id} is reached only over ${reachedBy.join('/')}${gaps.map((g) => ` (${g})`).join('')}`;
          out.push({ dir, caller: c, handler: h, title, expected: { na } });
          continue;
        }
        const sends = FAMILIES[h.family].handlers[h.style!].sends;
        const values = Object.fromEntries(
          Object.entries(cf.forms).map(([form, f]) => [form, applyShape(typeof f.shape === 'function' ? f.shape(c.mode, world) : f.shape, sends)]),
        );
        out.push({ dir, caller: c, handler: h, title, expected: { values } });
      }
    }
  }
  return out;
}
