/**
 * The sandbox as a user meets it: `npm start` (scripts/start.ts, run as a child process) serves the dashboard; headless
 * Chromium (Debian's, driven by playwright-core) opens it, the charts draw and then change as new points arrive, the
 * panels fill in, nothing fails in the page, and a screenshot lands in test/artifacts/dashboard.png; Ctrl-C stops the
 * sandbox cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, ensureChromium, reportSkip, type ChromiumStatus } from './chromium.ts';

const root = path.resolve(__dirname, '../..');
const artifacts = path.join(root, 'test/artifacts');
let sandbox: ChildProcess;
let output = '';
let url = '';
let chromiumStatus: ChromiumStatus;
let browser: Browser | undefined;

/** Resolves with the first match of `re` in the sandbox's output. */
function waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${re} in the sandbox's output within ${ms} ms:\n${output}`)), ms);
    const check = () => {
      const m = re.exec(output);
      if (!m) return;
      clearTimeout(timer);
      sandbox.stdout!.off('data', check);
      resolve(m);
    };
    sandbox.stdout!.on('data', check);
    check();
  });
}

beforeAll(async () => {
  chromiumStatus = ensureChromium((line) => console.log(line));
  if (!chromiumStatus.ok) reportSkip(artifacts, chromiumStatus.reason);
  sandbox = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--port', '0', '--players', '6'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  sandbox.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  sandbox.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  url = (await waitFor(/Dashboard: (http:\/\/127\.0\.0\.1:\d+\/callback_bridge\/)/, 60_000))[1];
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  if (sandbox && sandbox.exitCode === null) sandbox.kill('SIGKILL');
});

describe('npm start', () => {
  it('serves the dashboard and the metrics of the running examples on localhost', async () => {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<canvas id="rate-chart"');
    await new Promise((r) => setTimeout(r, 2500));
    const view = await (await fetch(`${url}metrics.json`)).json();
    expect(view.rows.length).toBeGreaterThan(3);
    expect(view.players).toBe(6);
  });

  it('the dashboard draws its charts in headless Chromium and updates them', async (ctx) => {
    if (!chromiumStatus.ok) return ctx.skip(`BROWSER TEST SKIPPED: ${chromiumStatus.reason}`);
    browser = await chromium.launch({ executablePath: chromiumStatus.path, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('request', (r) => !r.url().startsWith(url.replace(/callback_bridge\/$/, '')) && problems.push(`request elsewhere: ${r.url()}`));
    await page.goto(url);

    const updates = () => page.evaluate(() => Number(document.body.dataset.updates ?? 0));
    await page.waitForFunction(() => Number(document.body.dataset.updates ?? 0) >= 3 && Number(document.getElementById('rate-chart')!.dataset.points ?? 0) > 0, null, { timeout: 30_000 });
    const charts = ['rate-chart', 'p50-chart', 'p99-chart'];
    const snapshot = () => page.evaluate((ids) => ids.map((id) => {
      const c = document.getElementById(id) as HTMLCanvasElement;
      return { points: Number(c.dataset.points), draws: Number(c.dataset.draws), image: c.toDataURL(), width: c.width };
    }), charts);
    const before = await snapshot();
    for (const c of before) {
      expect(c.width).toBeGreaterThan(100);
      expect(c.draws).toBeGreaterThanOrEqual(3);
    }
    expect(before[0].points).toBeGreaterThan(0);
    // Something is drawn: the rate chart's pixels are not all one colour.
    const inked = await page.evaluate(() => {
      const c = document.getElementById('rate-chart') as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let lit = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) lit++;
      return lit;
    });
    expect(inked).toBeGreaterThan(500);

    const seen = await updates();
    await page.waitForFunction((n) => Number(document.body.dataset.updates) >= n + 3, seen, { timeout: 30_000 });
    const after = await snapshot();
    expect(after[0].points).toBeGreaterThan(before[0].points);
    expect(after[0].image).not.toBe(before[0].image);
    for (let i = 0; i < charts.length; i++) expect(after[i].draws).toBeGreaterThan(before[i].draws);

    await page.waitForFunction(() => document.querySelector('#limited td') !== null && document.querySelector('#errors .bar-row') !== null, null, { timeout: 30_000 });
    expect(await page.textContent('#callbacks')).toContain('ts_bank:balance');
    expect(await page.textContent('#errors')).toContain('RATE_LIMITED');
    expect(await page.textContent('#limited')).toContain('Spammer');
    expect(await page.textContent('#slow')).toMatch(/\w+:\w+/);
    expect(await page.textContent('#status')).toMatch(/live v0\.1\.0 · 6 players/);

    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
    expect(fs.statSync(path.join(artifacts, 'dashboard.png')).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
  }, 120_000);

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => sandbox.once('exit', (code) => resolve(code)));
    sandbox.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toMatch(/stopped after \d+ s/);
    expect(output).not.toMatch(/SCRIPT ERROR in HTTP handler|Unhandled|node:internal/);
  }, 30_000);
});
