/**
 * Release: `npm run package` (scripts/package.ts, run as a child) writes callback_bridge-<version>.zip holding one
 * folder with exactly what a server needs; unpacked far from the repository (no node_modules above it), it loads in
 * the emulation: a Lua resource with the import and a JS resource with the include call each other, an unmodified
 * ESX script runs on the stand-in, and the bridge's metrics answer on the console and over HTTP.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../emulator/emulator.ts';
import { readManifest } from '../emulator/resources/manifest.ts';

const root = path.resolve(__dirname, '../..');
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;
let dir: string;
let entries: Record<string, Uint8Array>;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbb-package-'));
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/package.ts', '--out', dir], { cwd: root, stdio: 'pipe' });
  entries = unzipSync(fs.readFileSync(path.join(dir, `callback_bridge-${version}.zip`)));
  for (const [name, data] of Object.entries(entries)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), data);
  }
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run package', () => {
  it('zips one folder callback_bridge/ with the manifest, every file it names, README and LICENSE, and nothing else', async () => {
    const names = Object.keys(entries).sort();
    expect(names.every((n) => n.startsWith('callback_bridge/'))).toBe(true);
    const manifest = await readManifest(root);
    const named = ['server_script', 'client_script', 'file'].flatMap((k) => manifest.get(k));
    const expected = ['fxmanifest.lua', 'README.md', 'LICENSE', ...named].map((f) => `callback_bridge/${f}`);
    expect(names).toEqual([...new Set(expected)].sort());
    expect(names).toContain('callback_bridge/dist/server.js');
    expect(names).toContain('callback_bridge/import.lua');
    expect(names.filter((n) => /\.ts$|node_modules|\/src\/|\/test\/|dist\/types/.test(n))).toEqual([]);
    for (const n of names) expect(Buffer.from(entries[n]).equals(fs.readFileSync(path.join(root, n.slice('callback_bridge/'.length)))), n).toBe(true);
  });

  it("follows the README's install: its server.cfg lines, with the options on, start the bridge and an unmodified ESX script", async () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = /## Install on a server[\s\S]*?```cfg\n([\s\S]*?)```/.exec(readme)![1];
    // Every optional line switched on; the framework line stays (no es_extended here: the stand-in answers), and
    // "my_shop" is the ESX example, copied next to the bridge as a server owner would.
    const lines = block.split('\n').map((l) => l.trim().replace(/^# (setr?|add_ace) /, '$1 ')).filter((l) => l && !l.startsWith('#'))
      .map((l) => l.replace(/\s+#.*$/, '').replace('my_shop', 'esx_shop'));
    expect(lines).toEqual([
      'setr callback_bridge:standin "es_extended"', 'set callback_bridge:metricsToken "a-long-random-string"',
      'add_ace group.admin command.cbmetrics allow', 'add_ace group.admin command.cbmetrics_reset allow',
      'ensure es_extended', 'ensure callback_bridge', 'ensure esx_shop',
    ]);
    const resources = path.join(dir, 'resources');
    fs.cpSync(path.join(dir, 'callback_bridge'), path.join(resources, 'callback_bridge'), { recursive: true });
    fs.cpSync(path.join(root, 'examples/esx_shop'), path.join(resources, 'esx_shop'), { recursive: true });
    const emu = await Emulator.create();
    try {
      await emu.addResources(resources);
      for (const line of lines) emu.executeCommand(emu.server, line);
      const player = emu.connect({ name: 'Owner' });
      await emu.advance(500);
      expect(emu.output(/^\[server\] \[callback_bridge\] \[callback_bridge\] 0\.1\.0 running; .*loopback, or with the token/)).toHaveLength(1);
      expect(emu.output('[callback_bridge] adapter esx attached (standin)').length).toBeGreaterThan(0);
      emu.executeCommand(player.machine, 'shop buy bread 2');
      await emu.advance(500);
      expect(emu.output(/^\[client 1\] \[esx_shop\] bought bread, 990 left/)).toHaveLength(1);
      emu.executeCommand(emu.server, 'cbmetrics');
      await emu.advance(1500);
      expect(emu.output(/esx_shop:buy\s+served\s+callback_bridge\s+\S+\s+1\s/)).toHaveLength(1);
      await emu.http.start();
      const remote = { 'X-Forwarded-For': '198.51.100.4' };
      expect((await fetch(`${emu.http.url}/callback_bridge/metrics`, { headers: remote })).status).toBe(401);
      const open = await fetch(`${emu.http.url}/callback_bridge/metrics`, { headers: { ...remote, Authorization: 'Bearer a-long-random-string' } });
      expect(open.status).toBe(200);
    } finally {
      await emu.close();
    }
  });

  it('loads in the emulation from the unpacked folder and serves every path', async () => {
    const emu = await Emulator.create();
    try {
      await emu.addResource('callback_bridge', path.join(dir, 'callback_bridge'));
      await emu.addInlineResource('luashop', {
        'fxmanifest.lua': "fx_version 'cerulean'\ngame 'gta5'\nshared_script '@callback_bridge/import.lua'\nserver_script 's.lua'\nclient_script 'c.lua'\n",
        's.lua': "RegisterCallback('shop:price', function(source, item) return 12, item end)",
        'c.lua': "CreateThread(function() Wait(300) local price = TriggerServerCallbackPromise('bank:balance') print('lua got balance', price) end)",
      });
      await emu.addInlineResource('jsbank', {
        'fxmanifest.lua': "fx_version 'cerulean'\ngame 'gta5'\nserver_scripts { '@callback_bridge/dist/callbacks.js', 's.js' }\nclient_scripts { '@callback_bridge/dist/callbacks.js', 'c.js' }\n",
        's.js': "CallbackBridge.register('bank:balance', () => 500);",
        'c.js': "setTimeout(async () => console.log('js got price', ...(await CallbackBridge.triggerServerValues('shop:price', 'bread'))), 300);",
      });
      await emu.addInlineResource('legacy_esx', {
        'fxmanifest.lua': "fx_version 'cerulean'\ngame 'gta5'\nserver_script 's.lua'\nclient_script 'c.lua'\n",
        's.lua': "local ESX = exports['es_extended']:getSharedObject()\nESX.RegisterServerCallback('legacy:ping', function(source, cb) cb('pong') end)",
        'c.lua': "local ESX = exports['es_extended']:getSharedObject()\nCreateThread(function() Wait(300) ESX.TriggerServerCallback('legacy:ping', function(v) print('esx got', v) end) end)",
      });
      emu.executeCommand(emu.server, 'setr callback_bridge:standin "es_extended"');
      for (const name of ['callback_bridge', 'luashop', 'jsbank', 'legacy_esx']) expect(emu.start(name), name).toBe(true);
      emu.connect();
      await emu.advance(1500);
      expect(emu.output('lua got balance\t500')).toHaveLength(1);
      expect(emu.output('js got price 12 bread')).toHaveLength(1);
      expect(emu.output('esx got\tpong')).toHaveLength(1);
      expect(emu.scriptErrors).toEqual([]);

      emu.executeCommand(emu.server, 'cbmetrics');
      await emu.advance(1500);
      expect(emu.output(/shop:price\s+served\s+luashop/)).toHaveLength(1);
      await emu.http.start();
      const page = await fetch(`${emu.http.url}/callback_bridge/`);
      expect([page.status, (await page.text()).includes('<canvas')]).toEqual([200, true]);
      expect(await (await fetch(`${emu.http.url}/callback_bridge/metrics`)).text()).toContain('callback_bridge_calls_total{callback="bank:balance",side="handler",resource="jsbank"} 1');
    } finally {
      await emu.close();
    }
  });
});
