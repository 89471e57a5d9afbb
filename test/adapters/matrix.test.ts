/**
 * The interop matrix: every caller family against every handler family (native Lua, native TS, ESX, QBCore, ox_lib
 * Lua, ox_lib JS), client → server and server → client, each handler answering `'a', nil, 3` (or one value where its
 * style carries one), each caller checked against what its family documents (README, "Frameworks and libraries").
 * The families, their modes (native, aliased L2, unmodified L1 / L3), and the expected results live in
 * matrix-families.ts; this file builds one world per level and runs every pair in it once.
 *
 * Worlds: `frameworks` (our es_extended, qb-core and ox_lib doubles all started: L1 and L2) and `standin` (none
 * installed, `callback_bridge:standin "es_extended,qb-core,ox_lib"`: L3). Every call uses a name of its own, so
 * QBCore's name-keyed wire never sees two calls of one name; a handler records each name it ran for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator, type Player } from '../emulator/emulator.ts';
import type { Machine } from '../emulator/machine.ts';
import { jsGlobals, luaGlobal, manifest } from '../support/cfx.ts';
import { addBridge, J_LUA, jsResource, outs } from '../engine/lua-support.ts';
import { ESX_FIXTURE } from './esx/support.ts';
import { QB_FIXTURE } from './qbcore/support.ts';
import { OX_DOUBLE, oxJsResource } from './ox/support.ts';
import { callers, callName, cells, DIRS, FAMILIES, handlers, type Cell, type Dir, type Variant, type WorldId } from './matrix-families.ts';

const SIDE: Record<Dir, { caller: 'client' | 'server'; handler: 'client' | 'server' }> = {
  cs: { caller: 'client', handler: 'server' },
  sc: { caller: 'server', handler: 'client' },
};
/** Virtual ms between two calls of one caller. */
const SPACING = 40;

const PROBE = `${J_LUA}
RAN = {}
function REC(K, ok, ...) if ok then out(K, ...) else out('!' .. K, tostring((...))) end end`;

const JS_PROBE = `globalThis.ran = {}; globalThis.got = {};
const note = (k, run, wrap) => Promise.resolve().then(run).then(
  (v) => { got[k] = JSON.stringify(wrap ? [v] : v); },
  (e) => { got['!' + k] = JSON.stringify([String((e && e.code) || e)]); });`;

/** A string as a Lua literal (JSON's escapes are Lua's for these ASCII names). */
const lua = JSON.stringify;

/** The names a handler serves on one side (the side handling `dir`): one per caller and form. */
function namesOf(world: WorldId, h: Variant, dir: Dir): string[] {
  return callers(world).flatMap((c) => Object.keys(FAMILIES[c.family].forms).map((form) => callName(dir, h, c, form)));
}

/** A caller's calls on one side: [name, record key, form] for every handler and form. */
function callsOf(world: WorldId, c: Variant, dir: Dir): [string, string, string][] {
  return handlers(world).flatMap((h) => Object.keys(FAMILIES[c.family].forms).map((form): [string, string, string] => [callName(dir, h, c, form), `${h.id}|${form}`, form]));
}

const goEvent = (res: string) => `matrix:go:${res}`;

function luaCaller(world: WorldId, c: Variant, dir: Dir): string {
  const forms = Object.entries(FAMILIES[c.family].forms).map(([form, f]) => `${form} = function(N, K, P) ${f[dir]} end`);
  const calls = callsOf(world, c, dir).map((t) => `{ ${t.map((s) => lua(s)).join(', ')} }`);
  return `local FORMS = { ${forms.join(',\n  ')} }
local CALLS = { ${calls.join(',\n  ')} }
AddEventHandler(${lua(goEvent(c.res))}, function(P)
  CreateThread(function()
    for _, c in ipairs(CALLS) do
      CreateThread(function() FORMS[c[3]](c[1], c[2], P) end)
      Wait(${SPACING})
    end
  end)
end)`;
}

function jsCaller(world: WorldId, c: Variant, dir: Dir): string {
  const forms = Object.entries(FAMILIES[c.family].forms).map(([form, f]) => `${form}: (N, P) => ${f[dir]}`);
  return `${JS_PROBE}
const FORMS = { ${forms.join(', ')} };
const CALLS = ${JSON.stringify(callsOf(world, c, dir))};
on(${lua(goEvent(c.res))}, async (P) => {
  for (const [n, k, f] of CALLS) {
    note(k, () => FORMS[f](n, P), f !== 'values');
    await new Promise((r) => setTimeout(r, ${SPACING}));
  }
});`;
}

function handlerCode(world: WorldId, h: Variant, dir: Dir): string {
  const f = FAMILIES[h.family];
  const names = namesOf(world, h, dir);
  const register = f.handlers[h.style!][dir];
  if (f.lang === 'js') return `${JS_PROBE}\nfor (const N of ${JSON.stringify(names)}) { ${register} }`;
  return `for _, N in ipairs({ ${names.map((n) => lua(n)).join(', ')} }) do ${register} end`;
}

/** Adds a variant's resource: its handler (role h) or caller (role c) scripts on both sides. */
async function addVariant(emu: Emulator, world: WorldId, v: Variant, role: 'c' | 'h'): Promise<void> {
  const f = FAMILIES[v.family];
  const code = (dir: Dir) => (role === 'h' ? handlerCode(world, v, dir) : f.lang === 'js' ? jsCaller(world, v, dir) : luaCaller(world, v, dir));
  // The caller's side runs the caller code of its direction; the handler's side the handler code.
  const scripts = {
    server: code(role === 'h' ? 'cs' : 'sc'),
    client: code(role === 'h' ? 'sc' : 'cs'),
  };
  if (v.family === 'oxjs') return oxJsResource(emu, v.res, scripts);
  if (f.lang === 'js') return jsResource(emu, v.res, scripts);
  const setup = f.setup!(v.mode, world);
  const head = setup.head ? `${setup.head}\n` : '';
  const files: Record<string, string> = { 'probe.lua': PROBE };
  const lines: string[] = [];
  for (const side of ['server', 'client'] as const) {
    lines.push(`${side}_scripts { ${[...setup.includes, 'probe.lua', `${side}.lua`].map((s) => `'${s}'`).join(', ')} }`);
    files[`${side}.lua`] = head + scripts[side];
  }
  files['fxmanifest.lua'] = manifest(`lua54 'yes'\n${lines.join('\n')}`);
  await emu.addInlineResource(v.res, files);
}

interface World {
  emu: Emulator;
  player: Player;
  /** Per variant resource: true, or the error its start failed with. */
  started: Map<string, true | string>;
}

async function buildWorld(world: WorldId): Promise<World> {
  const emu = await Emulator.create();
  // Bounded waits for the calls that fail (n/a pairs): the engine's timeout and ox_lib's (read once per resource).
  emu.setConvar('callback_bridge:timeout', '5000', true);
  emu.setConvar('ox:callbackTimeout', '5000', true);
  if (world === 'standin') emu.setConvar('callback_bridge:standin', 'es_extended,qb-core,ox_lib', true);
  await addBridge(emu);
  const frameworks = world === 'frameworks' ? ['es_extended', 'qb-core', 'ox_lib'] : [];
  if (world === 'frameworks') {
    await emu.addResource('es_extended', ESX_FIXTURE);
    await emu.addResource('qb-core', QB_FIXTURE);
    await emu.addResource('ox_lib', OX_DOUBLE);
  }
  await emu.addInlineResource('kick', { 'fxmanifest.lua': manifest(`shared_script 'kick.js'`), 'kick.js': 'globalThis.go = (event, ...args) => emit(event, ...args);' });
  const hs = handlers(world);
  const cs = callers(world);
  for (const h of hs) await addVariant(emu, world, h, 'h');
  for (const c of cs) await addVariant(emu, world, c, 'c');
  const started = new Map<string, true | string>();
  for (const name of ['callback_bridge', ...frameworks, 'kick']) expect(emu.start(name), `start ${name}`).toBe(true);
  for (const v of [...hs, ...cs]) {
    // A resource whose manifest includes a file of a missing resource does not start (the emulator throws ENOENT).
    try {
      started.set(v.res, emu.start(v.res) || 'start returned false');
    } catch (e) {
      started.set(v.res, String(e));
    }
  }
  const player = emu.connect();
  await emu.advance(1500);
  for (const dir of Object.keys(DIRS) as Dir[]) {
    const machine = dir === 'cs' ? player.machine : emu.server;
    for (const c of cs) {
      if (started.get(c.res) !== true) continue;
      jsGlobals(machine, 'kick').go(goEvent(c.res), player.netId);
      await emu.advance(SPACING * callsOf(world, c, dir).length + 200);
    }
  }
  await emu.advance(6000);
  return { emu, player, started };
}

const machineOf = (w: World, side: 'client' | 'server'): Machine => (side === 'client' ? w.player.machine : w.emu.server);

/** What the caller recorded per form: its values, `{ error }` (a failure its form reports), or `'nothing'`. */
function recorded(w: World, cell: Cell): Record<string, unknown> {
  const { caller: c, handler: h, dir } = cell;
  const machine = machineOf(w, SIDE[dir].caller);
  const f = FAMILIES[c.family];
  // Both keep arrays: Lua's out(key, ...) and JS's JSON text; a failure is recorded under '!' + key as [message].
  const all: Record<string, unknown[]> =
    f.lang === 'js'
      ? Object.fromEntries(Object.entries(jsGlobals(machine, c.res).got as Record<string, string>).map(([k, v]) => [k, JSON.parse(v)]))
      : outs(machine, c.res);
  return Object.fromEntries(
    Object.keys(f.forms).map((form) => {
      const key = `${h.id}|${form}`;
      return [form, all[key] ?? (all[`!${key}`] ? { error: all[`!${key}`][0] } : 'nothing')];
    }),
  );
}

/** Per form of the caller, whether the handler ran for that call's name. */
function ran(w: World, cell: Cell): Record<string, boolean> {
  const { caller: c, handler: h, dir } = cell;
  const machine = machineOf(w, SIDE[dir].handler);
  const seen = (FAMILIES[h.family].lang === 'js' ? jsGlobals(machine, h.res).ran : luaGlobal(machine, h.res, 'RAN')) as Record<string, boolean>;
  return Object.fromEntries(Object.keys(FAMILIES[c.family].forms).map((form) => [form, seen[callName(dir, h, c, form)] === true]));
}

for (const world of ['frameworks', 'standin'] as WorldId[]) {
  describe(`interop matrix, world: ${world}`, () => {
    let w: World;
    beforeAll(async () => {
      w = await buildWorld(world);
    }, 120_000);
    afterAll(async () => {
      await w?.emu.close();
    });

    const all = cells(world);
    const applicable = all.filter((c) => 'values' in c.expected);
    const na = all.filter((c) => 'na' in c.expected);

    it.each(applicable.map((c) => [c.title, c] as const))('%s', (_title, cell) => {
      const expected = (cell.expected as { values: Record<string, unknown[]> }).values;
      const allRan = Object.fromEntries(Object.keys(expected).map((f) => [f, true]));
      expect({ got: recorded(w, cell), ran: ran(w, cell) }).toEqual({ got: expected, ran: allRan });
    });

    it.each(na.map((c) => [c.title, (c.expected as { na: string }).na, c] as const))('%s: n/a, %s', (_title, _why, cell) => {
      const absent = cell.caller.unavailable ? cell.caller : cell.handler.unavailable ? cell.handler : undefined;
      if (absent) {
        // It cannot load in this world: its start failed on its first include (a file of a resource not installed).
        const first = FAMILIES[absent.family].setup!(absent.mode, world).includes[0];
        expect(w.started.get(absent.res)).toContain(`cannot open '${first}'`);
        return;
      }
      const none = Object.fromEntries(Object.keys(FAMILIES[cell.caller.family].forms).map((f) => [f, false]));
      expect(ran(w, cell)).toEqual(none);
    });

    it('the only script errors are the frameworks refusing names of n/a pairs (ESX, ox_lib: "does not exist")', () => {
      const naNames = new Set(na.flatMap((c) => Object.keys(FAMILIES[c.caller.family].forms).map((f) => callName(c.dir, c.handler, c.caller, f))));
      const unexpected = w.emu.scriptErrors.map((l) => l.text).filter((text) => !naNames.has(/m:(?:cs|sc):[\w.:]+/.exec(text)?.[0] ?? ''));
      expect(unexpected).toEqual([]);
    });
  });
}
