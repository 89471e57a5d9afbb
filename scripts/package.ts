/**
 * `npm run package`: builds if needed, then writes `callback_bridge-<version>.zip` with exactly what a server needs,
 * in one folder `callback_bridge/`: fxmanifest.lua, every file it names (the bundles in dist/, import.lua, the Lua
 * twin in lua/, the adapters' Lua pieces), README.md and LICENSE. Nothing else: no sources, tests or node_modules.
 *
 *   npm run package [-- --out <folder>]     (default: the repository's root)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { zipSync, type Zippable } from 'fflate';
import { readManifest } from '../test/emulator/resources/manifest.ts';
import { buildIfNeeded } from './sandbox/build.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The manifest keys whose values are files of the resource. */
const FILE_KEYS = ['server_script', 'client_script', 'shared_script', 'file', 'ui_page', 'loadscreen'];
const ALWAYS = ['fxmanifest.lua', 'README.md', 'LICENSE'];

/** Expands `dir/*.ext`-style names (one `*`, in the last part); other names are returned as they are. */
function expand(entry: string): string[] {
  if (!entry.includes('*')) return [entry];
  if (entry.includes('**') || path.dirname(entry).includes('*')) throw new Error(`the packager cannot expand '${entry}'`);
  const dir = path.dirname(entry);
  const re = new RegExp(`^${path.basename(entry).split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return fs.readdirSync(path.join(root, dir)).filter((f) => re.test(f)).map((f) => path.posix.join(dir, f));
}

/** The files the zip holds, relative to the repository, sorted. */
export async function packageFiles(): Promise<string[]> {
  const manifest = await readManifest(root);
  const named = FILE_KEYS.flatMap((k) => manifest.get(k)).filter((f) => !f.startsWith('@')).flatMap(expand);
  const files = [...new Set([...ALWAYS, ...named])].sort();
  const missing = files.filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length) throw new Error(`fxmanifest.lua names files that do not exist: ${missing.join(', ')}`);
  return files;
}

/** Refuses to package when package.json, fxmanifest.lua and the bridge disagree on the version. */
function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;
  const manifest = /^version\s+'([^']+)'/m.exec(fs.readFileSync(path.join(root, 'fxmanifest.lua'), 'utf8'))?.[1];
  const bridge = /BRIDGE_VERSION = '([^']+)'/.exec(fs.readFileSync(path.join(root, 'src/bridge/bridge-start.ts'), 'utf8'))?.[1];
  if (manifest !== pkg || bridge !== pkg) throw new Error(`versions differ: package.json ${pkg}, fxmanifest.lua ${manifest}, BRIDGE_VERSION ${bridge}`);
  return pkg;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: root } } });
  const v = version();
  buildIfNeeded(root, (line) => console.log(line));
  const files = await packageFiles();
  const tree: Zippable = {};
  for (const f of files) tree[`callback_bridge/${f}`] = [fs.readFileSync(path.join(root, f)), { level: 9 }];
  const zip = zipSync(tree);
  const out = path.resolve(values.out!, `callback_bridge-${v}.zip`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, zip);
  console.log(`${path.relative(process.cwd(), out) || out}: ${files.length} files, ${(zip.length / 1024).toFixed(0)} KiB`);
  console.log(`Unzip it into your server's resources/ folder (it makes resources/callback_bridge/), then add 'ensure callback_bridge' to server.cfg before the scripts that use it.`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`npm run package: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
