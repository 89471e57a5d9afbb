/**
 * fxmanifest.lua evaluation and script resolution (ref §4, §5.4, §6), against the fixture resources in
 * test/fixtures/manifest/.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  dependencies,
  dependencyConstraints,
  fxVersion,
  games,
  nodeVersion,
  provides,
  readManifest,
  resolveScripts,
  scanResources,
} from '../emulator/resources/manifest.ts';
import { expandPattern, matchPath } from '../emulator/resources/glob.ts';

const ROOT = fileURLToPath(new URL('../fixtures/manifest', import.meta.url));
const dir = (name: string): string => join(ROOT, name);
const noResources = (): undefined => undefined;
const names = (files: { displayName: string }[]): string[] => files.map((f) => f.displayName);

describe('manifest evaluation (ref §5.4)', () => {
  it('ref §5.4: client_scripts {…} is stored as client_script, files {…} as file, games {…} as game', async () => {
    const m = await readManifest(dir('plural'));
    expect(m.get('client_script')).toEqual(['client/a.lua', 'client/b.js']);
    expect(m.entries.has('client_scripts')).toBe(false);
    expect(m.get('file')).toEqual(['data/a.json', 'data/b.json']);
    expect(games(m)).toEqual(['gta5', 'rdr3']);
  });

  it("ref §5.4: server_scripts 'x.js' (plural with a string) keeps its key and no reader sees it", async () => {
    const m = await readManifest(dir('plural'));
    expect(m.get('server_scripts')).toEqual(['ignored.js']);
    expect(m.get('server_script')).toEqual(['server.lua']);
    const server = resolveScripts(m, 'server', dir('plural'), noResources);
    expect(names(server)).toEqual(['server.lua']);
  });

  it("ref §5.4: key 'v' { … } records key_extra as a JS value (and as JSON metadata)", async () => {
    const m = await readManifest(dir('plural'));
    expect(m.get('my_data')).toEqual(['thing']);
    const extra = { answer: 42, list: [1, 2, 'x'], flag: true, nested: { deep: 'yes' } };
    expect(m.extras.get('my_data_extra')).toEqual([extra]);
    expect(JSON.parse(m.get('my_data_extra')[0])).toEqual(extra);
    // The common data_file form chains a string, not a table.
    expect(m.get('data_file')).toEqual(['DLC_ITYP_REQUEST']);
    expect(m.extras.get('data_file_extra')).toEqual(['stream/props.ytyp']);
  });

  it('ref §6: provide entries are listed in declaration order', async () => {
    const m = await readManifest(dir('plural'));
    expect(provides(m)).toEqual(['plural_alias', 'other_alias']);
  });

  it('ref §5.4 + §6: dependencies read both dependency and dependencie; /constraints are kept apart', async () => {
    const m = await readManifest(dir('plural'));
    expect(m.get('dependencie')).toEqual(['dep_a', '/server:7290', '/onesync']);
    expect(m.get('dependency')).toEqual(['dep_b']);
    expect(dependencies(m)).toEqual(['dep_b', 'dep_a']);
    expect(dependencyConstraints(m)).toEqual(['/server:7290', '/onesync']);
  });

  it('ref §6: fx_version, game and node_version readers', async () => {
    const m = await readManifest(dir('plural'));
    expect(fxVersion(m)).toBe('cerulean');
    expect(nodeVersion(m)).toBe('22');
    expect(m.first('author')).toBe('fixture');
    expect(m.first('absent')).toBeUndefined();
    expect(m.get('absent')).toEqual([]);
  });

  it('ref §5.4: the manifest is real Lua (locals, loops, string methods run)', async () => {
    const m = await readManifest(dir('luaish'));
    expect(m.get('client_script')).toEqual(['gen/1.lua', 'gen/2.lua', 'gen/3.lua']);
    expect(m.first('description')).toBe('abab3');
    expect([...m.entries.keys()]).toEqual(['fx_version', 'game', 'client_script', 'description', 'lua54']);
    expect(m.entries.has('base')).toBe(false);
  });

  it('ref §5.4: legacy __resource.lua is read when it is all there is, fxmanifest.lua wins otherwise', async () => {
    const legacy = await readManifest(dir('legacy'));
    expect(legacy.get('client_script')).toEqual(['legacy.lua']);
    expect(legacy.first('resource_manifest_version')).toBe('44febabe-d386-4d18-afbe-5e627f4af937');
    const both = await readManifest(dir('both'));
    expect(both.first('description')).toBe('from fxmanifest');
    await expect(readManifest(dir('notares'))).rejects.toThrow(/No fxmanifest\.lua or __resource\.lua in .*notares/);
  });

  it('ref §5.4: a Lua syntax error in the manifest is a clear error naming the file', async () => {
    const p = join(dir('bad_syntax'), 'fxmanifest.lua');
    const err = await readManifest(dir('bad_syntax')).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toContain(p);
    expect(err!.message).toMatch(/bad_syntax\/fxmanifest\.lua:4: .*'}' expected/);
  });

  it('ref §5.4: a Lua runtime error in the manifest is a clear error naming the file and line', async () => {
    const p = join(dir('bad_runtime'), 'fxmanifest.lua');
    const err = await readManifest(dir('bad_runtime')).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toContain(p);
    expect(err!.message).toMatch(/bad_runtime\/fxmanifest\.lua:3: attempt to index a nil value/);
  });
});

describe('script resolution (ref §4, §6)', () => {
  it('ref §6: dist/**/*.js matches at every depth, zero directories included, sorted', () => {
    expect(expandPattern(dir('globs'), 'dist/**/*.js')).toEqual(['dist/nested/a.js', 'dist/nested/deep/z.js', 'dist/server.js']);
    expect(expandPattern(dir('globs'), 'dist/*.js')).toEqual(['dist/server.js']);
    expect(expandPattern(dir('globs'), 'dist/**')).toEqual([
      'dist/nested/a.js', 'dist/nested/deep/z.js', 'dist/other.lua', 'dist/readme.txt', 'dist/server.js',
    ]);
    expect(expandPattern(dir('globs'), 'server/ma?n.lua')).toEqual(['server/main.lua']);
    expect(expandPattern(dir('globs'), 'missing.lua')).toEqual([]);
    expect(matchPath('dist/**/*.js', 'dist/a.js')).toBe(true);
    expect(matchPath('dist/**/*.js', 'dist/x/y/a.js')).toBe(true);
    expect(matchPath('dist/*.js', 'dist/x/a.js')).toBe(false);
    expect(matchPath('a?.lua', 'ab.lua')).toBe(true);
    expect(matchPath('a?.lua', 'a.lua')).toBe(false);
  });

  it('ref §4: shared_script entries load before server_script/client_script, each entry glob-sorted', async () => {
    const m = await readManifest(dir('globs'));
    const server = resolveScripts(m, 'server', dir('globs'), noResources);
    expect(names(server)).toEqual([
      'shared/b_util.lua', 'shared/config.lua',
      'dist/nested/a.js', 'dist/nested/deep/z.js', 'dist/server.js',
      'server/main.lua',
    ]);
    expect(server.map((f) => f.runtime)).toEqual(['lua', 'lua', 'js', 'js', 'js', 'lua']);
    expect(server[2].path).toBe(join(dir('globs'), 'dist/nested/a.js'));
    const client = resolveScripts(m, 'client', dir('globs'), noResources);
    expect(names(client)).toEqual(['shared/b_util.lua', 'shared/config.lua', 'client.lua']);
  });

  it("ref §6: '@res/file.lua' resolves against the other resource's folder and runs in the includer", async () => {
    const resources = await scanResources(ROOT);
    const m = await readManifest(dir('includer'));
    const server = resolveScripts(m, 'server', dir('includer'), (n) => resources.get(n));
    expect(server).toEqual([
      { path: join(ROOT, '[libs]', 'libres', 'init.lua'), displayName: '@libres/init.lua', runtime: 'lua' },
      { path: join(dir('includer'), 'server.lua'), displayName: 'server.lua', runtime: 'lua' },
    ]);
  });

  it("ref §6: an '@res/file' include of a resource that does not exist fails with ENOENT", async () => {
    const m = await readManifest(dir('broken_include'));
    let err: NodeJS.ErrnoException | undefined;
    try {
      resolveScripts(m, 'client', dir('broken_include'), noResources);
    } catch (e) {
      err = e as NodeJS.ErrnoException;
    }
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/ENOENT.*@nope\/init\.lua.*resource 'nope' does not exist/);
    expect(err!.code).toBe('ENOENT');
  });
});

describe('resource scanning (ref §6)', () => {
  it('ref §6: [category] folders are searched recursively and are never resources themselves', async () => {
    const resources = await scanResources(ROOT);
    expect([...resources.keys()].sort()).toEqual([
      'bad_runtime', 'bad_syntax', 'both', 'broken_include', 'deepres', 'globs', 'includer', 'legacy', 'libres',
      'luaish', 'plural',
    ]);
    expect(resources.get('libres')).toBe(join(ROOT, '[libs]', 'libres'));
    expect(resources.get('deepres')).toBe(join(ROOT, '[libs]', '[nested]', 'deepres'));
    expect(resources.has('[libs]')).toBe(false);
    expect(resources.has('inner')).toBe(false);
  });
});
