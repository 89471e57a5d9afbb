/**
 * Resource manifests: `fxmanifest.lua` evaluated as real Lua (ref §5.4), script lists resolved in load order with
 * globs and `@res/file` includes (ref §4, §6), and the resource folders of a server's `resources/` tree.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { getLuaVm, LuaType, type LuaState, type LuaVm } from '../lua/lua-vm.ts';
import { expandPattern, normalizeEntry } from './glob.ts';

/** A resource's metadata as the manifest declared it. */
export interface Manifest {
  /** Every key in declaration order with all its values, e.g. entries.get('client_script') → ['a.lua', 'dist/*.js']. */
  entries: Map<string, string[]>;
  /** `key 'v' { … }` chained values under `key_extra`, converted to JS values (tables → arrays or objects). */
  extras: Map<string, unknown[]>;
  /** All values of `key`; [] when absent. */
  get(key: string): string[];
  /** The first value of `key`, or undefined. */
  first(key: string): string | undefined;
}

/** One script file to load, in load order. */
export interface ScriptFile {
  /** Absolute path on disk. */
  path: string;
  /** How FiveM names it: 'rel/path.js' inside the resource, or '@res/rel/path.lua' for an include. */
  displayName: string;
  runtime: 'lua' | 'js';
}

/** The current manifest file name and the legacy one, in the order they are looked for. */
export const MANIFEST_FILES = ['fxmanifest.lua', '__resource.lua'] as const;

/**
 * Our metadata collector: makes every unknown global a declaration function (ref §5.4). The chunk returns the record
 * so it stays on the stack, out of the manifest's reach. Lists are parallel: key, value, whether it is an `_extra`.
 */
const PRELUDE = `
local type, tostring, ipairs, sub = type, tostring, ipairs, string.sub
local rec = { key = {}, value = {}, extra = {} }
local n = 0
local function put(key, value, extra)
  n = n + 1
  rec.key[n], rec.value[n], rec.extra[n] = key, value, extra
end
local function scalar(key, value)
  local t = type(value)
  if t == 'string' or t == 'number' then put(key, tostring(value), false) end
end
local function declaration(key)
  return function(value)
    local stored = key
    if type(value) == 'table' then
      if sub(key, -1) == 's' then stored = sub(key, 1, -2) end
      for _, item in ipairs(value) do scalar(stored, item) end
    else
      scalar(key, value)
    end
    return function(more) put(stored .. '_extra', more, true) end
  end
end
setmetatable(_G, { __index = function(_, key)
  if type(key) == 'string' then return declaration(key) end
end })
return rec
`;

/** Finds the manifest file of a resource folder (fxmanifest.lua first, then legacy __resource.lua), or undefined. */
export function manifestPath(resourceDir: string): string | undefined {
  for (const name of MANIFEST_FILES) {
    const p = join(resourceDir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Evaluates a resource's manifest as Lua in a fresh state and collects its metadata (ref §5.4).
 * A table argument strips one trailing `s` from the key; a string keeps the key as written; `key 'v' {…}` adds
 * `key_extra`, kept as a JS value in `extras` and as a JSON string in `entries` (what GetResourceMetadata returns).
 * @throws Error naming the file when there is no manifest or it fails to compile or run.
 */
export async function readManifest(resourceDir: string): Promise<Manifest> {
  const file = manifestPath(resourceDir);
  if (!file) throw new Error(`No fxmanifest.lua or __resource.lua in ${resourceDir}`);
  const source = await readFile(file, 'utf8');
  const vm = await getLuaVm();
  const L = vm.newState();
  try {
    const chunk = `@${basename(resourceDir)}/${basename(file)}`;
    const fail = (msg: string): Error => new Error(`Manifest ${file} failed: ${msg}`);
    // load/pcall rather than vm.run: the record the prelude returns must stay on the stack.
    const preludeErr = vm.load(L, PRELUDE, '=(manifest prelude)') ?? vm.pcall(L, 0, 1);
    if (preludeErr !== null) throw fail(`prelude: ${preludeErr}`);
    const rec = vm.getTop(L);
    const err = vm.load(L, source, chunk) ?? vm.pcall(L, 0, 0);
    if (err !== null) throw fail(err);
    return collect(vm, L, rec);
  } finally {
    vm.close(L);
  }
}

/** Reads the collector's parallel lists back through the C API. */
function collect(vm: LuaVm, L: LuaState, rec: number): Manifest {
  const M = vm.M;
  const entries = new Map<string, string[]>();
  const extras = new Map<string, unknown[]>();
  const add = <T>(map: Map<string, T[]>, key: string, value: T): void => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  M._lua_getfield(L, rec, vm.cstr('key'));
  M._lua_getfield(L, rec, vm.cstr('value'));
  M._lua_getfield(L, rec, vm.cstr('extra'));
  const [keys, values, flags] = [rec + 1, rec + 2, rec + 3];
  // lua_Integer / lua_Unsigned cross the wasm boundary as BigInt.
  const count = Number(M._lua_rawlen(L, keys));
  for (let i = 1; i <= count; i++) {
    const n = BigInt(i);
    M._lua_rawgeti(L, keys, n);
    const key = vm.toString(L, -1) ?? '';
    M._lua_rawgeti(L, flags, n);
    const isExtra = (M._lua_toboolean(L, -1) as number) !== 0;
    M._lua_rawgeti(L, values, n);
    if (isExtra) {
      const value = toJs(vm, L, vm.getTop(L), 0);
      add(extras, key, value);
      add(entries, key, JSON.stringify(value) ?? 'null');
    } else {
      add(entries, key, vm.toString(L, -1) ?? '');
    }
    vm.setTop(L, -4);
  }
  vm.setTop(L, rec);
  return {
    entries,
    extras,
    get: (key) => entries.get(key) ?? [],
    first: (key) => entries.get(key)?.[0],
  };
}

/**
 * A Lua value as a JS value: a table with keys exactly 1..n becomes an array, any other table (an empty one too) an
 * object with sorted string keys; functions and other non-data values become null.
 */
function toJs(vm: LuaVm, L: LuaState, idx: number, depth: number): unknown {
  const M = vm.M;
  switch (vm.type(L, idx)) {
    case LuaType.BOOLEAN:
      return (M._lua_toboolean(L, idx) as number) !== 0;
    case LuaType.NUMBER:
      return M._lua_tonumberx(L, idx, 0) as number;
    case LuaType.STRING:
      return vm.toString(L, idx);
    case LuaType.TABLE:
      break;
    default:
      return null;
  }
  if (depth > 32) throw new Error('manifest _extra table nested too deeply (or cyclic)');
  M._lua_checkstack(L, 4);
  const pairs: Array<[string | number, unknown]> = [];
  M._lua_pushnil(L);
  while ((M._lua_next(L, idx) as number) !== 0) {
    const top = vm.getTop(L);
    // Read a number key without lua_tolstring, which would convert it in place and derail lua_next.
    const key = vm.type(L, top - 1) === LuaType.NUMBER ? (M._lua_tonumberx(L, top - 1, 0) as number) : vm.toString(L, top - 1);
    if (key !== null) pairs.push([key, toJs(vm, L, top, depth + 1)]);
    vm.setTop(L, top - 1);
  }
  const isArray = pairs.length > 0 && pairs.every(([k]) => typeof k === 'number' && Number.isInteger(k) && k >= 1 && k <= pairs.length);
  if (isArray) {
    const arr: unknown[] = new Array(pairs.length);
    for (const [k, v] of pairs) arr[(k as number) - 1] = v;
    return arr;
  }
  // Sorted keys: Lua's hash order varies between states, and tests want stable JSON.
  return Object.fromEntries(pairs.map(([k, v]): [string, unknown] => [String(k), v]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The runtime that handles a file, by extension (ref §6), or undefined when neither Lua nor JS takes it. */
export function runtimeFor(file: string): 'lua' | 'js' | undefined {
  if (file.endsWith('.lua')) return 'lua';
  if (file.endsWith('.js')) return 'js';
  return undefined;
}

/**
 * The script files one side loads, in FiveM's order (ref §4): every `shared_script` entry, then every
 * `server_script` or `client_script` entry; each entry's glob matches sorted; no de-duplication across entries.
 * `@res/path` entries are not globbed: they resolve against `res`'s folder and run inside this resource (ref §6).
 * Missing local files are skipped (FiveM warns and goes on); non-.lua/.js files are ignored.
 * @throws Error with code 'ENOENT' when an `@res/…` include names a resource `findResourceDir` does not know.
 */
export function resolveScripts(
  manifest: Manifest,
  side: 'server' | 'client',
  resourceDir: string,
  findResourceDir: (name: string) => string | undefined,
): ScriptFile[] {
  const out: ScriptFile[] = [];
  // why: every shared_script entry loads before the side's own entries (ref §4).
  for (const key of ['shared_script', `${side}_script`]) {
    for (const entry of manifest.get(key)) {
      // why: '@res/…' values skip globbing and are opened through the other resource's folder (ref §6).
      if (entry.startsWith('@')) {
        const inc = resolveInclude(entry, resourceDir, findResourceDir);
        if (inc) out.push(inc);
        continue;
      }
      for (const rel of expandPattern(resourceDir, entry)) {
        const runtime = runtimeFor(rel);
        if (runtime) out.push({ path: join(resourceDir, rel), displayName: rel, runtime });
      }
    }
  }
  return out;
}

function resolveInclude(entry: string, resourceDir: string, findResourceDir: (name: string) => string | undefined): ScriptFile | undefined {
  const runtime = runtimeFor(entry);
  if (!runtime) return undefined; // why: no runtime claims it, so FiveM never opens it (ref §4)
  const slash = entry.indexOf('/');
  const name = slash > 1 ? entry.slice(1, slash) : '';
  const rel = normalizeEntry(slash > 1 ? entry.slice(slash + 1) : '');
  const dir = name ? findResourceDir(name) : undefined;
  if (!dir || !rel) {
    const why = name ? `resource '${name}' does not exist` : 'expected @resource/path';
    const err = new Error(`ENOENT: cannot open '${entry}' included by ${resourceDir}: ${why}`) as NodeJS.ErrnoException;
    err.code = 'ENOENT'; // why: ScriptHost answers a missing @res with ENOENT (ref §6)
    throw err;
  }
  return { path: join(dir, rel), displayName: `@${name}/${rel}`, runtime };
}

/** Names this resource also answers to (`provide`, ref §6). */
export function provides(manifest: Manifest): string[] {
  return manifest.get('provide');
}

/**
 * Resource names this resource depends on: all `dependency` values, then all `dependencie` values (the plural table
 * form, ref §5.4), in that order as FiveM's dependency loader reads them. Constraint entries starting with `/`
 * (`/server:7290`, `/onesync`, …) are not resources and are left out; see {@link dependencyConstraints}.
 */
export function dependencies(manifest: Manifest): string[] {
  return allDependencyEntries(manifest).filter((d) => !d.startsWith('/'));
}

/** The constraint entries of `dependency`/`dependencies` (`/server:…`, `/onesync`, `/gameBuild:…`, …, ref §6). */
export function dependencyConstraints(manifest: Manifest): string[] {
  return allDependencyEntries(manifest).filter((d) => d.startsWith('/'));
}

function allDependencyEntries(manifest: Manifest): string[] {
  return [...manifest.get('dependency'), ...manifest.get('dependencie')];
}

/** `fx_version` (ref §6: adamant, bodacious, cerulean), or undefined (legacy manifests). */
export function fxVersion(manifest: Manifest): string | undefined {
  return manifest.first('fx_version');
}

/** `game` values; `games { … }` lands here through the plural stripping (ref §5.4). */
export function games(manifest: Manifest): string[] {
  return manifest.get('game');
}

/** `node_version`, e.g. '22' (ref §6), or undefined. */
export function nodeVersion(manifest: Manifest): string | undefined {
  return manifest.first('node_version');
}

/**
 * Maps resource name → folder for every folder under `rootDir` holding a manifest. A folder named `[something]` is a
 * category: searched recursively and never a resource itself. Other folders are not searched inside. Names are
 * visited in sorted order; when a name occurs twice the first one found wins.
 */
export async function scanResources(rootDir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (dir: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const full = join(dir, name);
      const isDir = await stat(full).then((s) => s.isDirectory(), () => false);
      if (!isDir) continue;
      if (name.startsWith('[') && name.endsWith(']')) await visit(full);
      else if (!found.has(name) && manifestPath(full)) found.set(name, full);
    }
  };
  await visit(rootDir);
  return found;
}
