/**
 * `/callback_bridge/*` through `SetHttpHandler` on a real localhost port (contract §8): the Prometheus text (read back
 * by an independent parser), the dashboard page (inline script allowed by its hash, nothing from elsewhere), and the
 * token: loopback needs none, anything else (here: a request a proxy forwarded) needs `callback_bridge:metricsToken`.
 */
import { createHash } from 'node:crypto';
import parsePrometheus from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/cfx.ts';
import { FLOOD, get, observedWorld } from './world.ts';

const emu = useEmulator();
const FORWARDED = { 'X-Forwarded-For': '203.0.113.7' };

describe('/callback_bridge/metrics', () => {
  it('is Prometheus text: counters by callback, side, resource and code; histograms whose +Inf bucket is the count', async () => {
    const { base } = await observedWorld(emu(), 2);
    await emu().advance(2000);
    const r = await get(base, 'metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = new Map<string, any>(parsePrometheus(r.body).map((f: any) => [f.name, f]));
    expect(families.get('callback_bridge_info').metrics[0].labels).toEqual({ version: '0.1.0' });
    const calls = families.get('callback_bridge_calls_total');
    expect(calls.type).toBe('COUNTER');
    const price = calls.metrics.find((m: any) => m.labels.callback === 'lua:price');
    expect(price).toEqual({ labels: { callback: 'lua:price', side: 'handler', resource: 'luashop' }, value: String(FLOOD + 1) });
    const limited = families.get('callback_bridge_errors_total').metrics.find((m: any) => m.labels.callback === 'js:echo');
    expect(limited).toEqual({ labels: { callback: 'js:echo', side: 'handler', resource: 'jsshop', code: 'RATE_LIMITED' }, value: String(FLOOD - 2) });
    expect(families.get('callback_bridge_unknown_requests_total').metrics[0].value).toBe('2');

    expect(families.get('callback_bridge_latency_seconds').type).toBe('HISTOGRAM');
    // That parser folds a labelled histogram into one series: its lines are read here instead.
    const series = new Map<string, { buckets: Array<[string, number]>; sum?: number; count?: number }>();
    for (const m of r.body.matchAll(/^callback_bridge_latency_seconds_(bucket|sum|count)\{callback="([^"]+)",side="(\w+)",resource="(\w+)"(?:,le="([^"]+)")?\} (\S+)$/gm)) {
      const [, kind, callback, side, resource, le, value] = m;
      const key = `${callback} ${side} ${resource}`;
      if (!series.has(key)) series.set(key, { buckets: [] });
      const s = series.get(key)!;
      if (kind === 'bucket') s.buckets.push([le, Number(value)]);
      else s[kind as 'sum' | 'count'] = Number(value);
    }
    expect(series.size).toBeGreaterThanOrEqual(3);
    for (const s of series.values()) {
      expect(s.buckets.length).toBeGreaterThan(10);
      expect(s.buckets[s.buckets.length - 1]).toEqual(['+Inf', s.count]);
      for (let i = 1; i < s.buckets.length; i++) {
        expect(s.buckets[i][1]).toBeGreaterThanOrEqual(s.buckets[i - 1][1]);
        if (i < s.buckets.length - 1) expect(Number(s.buckets[i][0])).toBeGreaterThan(Number(s.buckets[i - 1][0]));
      }
      expect(s.sum).toBeGreaterThanOrEqual(0);
    }
    // 2 of the flood and player 2's call ran the handler.
    expect(series.get('js:echo handler jsshop')!.count).toBe(3);
  });

  it('escapes label values', async () => {
    await observedWorld(emu(), 0);
    const name = `'we"ird\\\\name\\nx'`;
    await emu().addInlineResource('odd', {
      'fxmanifest.lua': "fx_version 'cerulean'\ngame 'gta5'\nserver_scripts { '@callback_bridge/dist/callbacks.js', 's.js' }\nclient_scripts { '@callback_bridge/dist/callbacks.js', 'c.js' }\n",
      's.js': `CallbackBridge.register(${name}, () => 1);`,
      'c.js': `setTimeout(() => CallbackBridge.triggerServer(${name}), 300);`,
    });
    emu().start('odd');
    emu().connect();
    await emu().advance(1000);
    const body = (await get(`${emu().http.url}/callback_bridge/`, 'metrics')).body;
    expect(body).toContain('callback_bridge_calls_total{callback="we\\"ird\\\\name\\nx",side="handler",resource="odd"} 1');
    expect(() => parsePrometheus(body)).not.toThrow();
  });
});

describe('the dashboard page', () => {
  it('is one page, its script and style inline and allowed by their hashes, nothing loaded from elsewhere', async () => {
    const { base } = await observedWorld(emu(), 0);
    for (const path of ['', 'dashboard']) {
      const r = await get(base, path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const script = /<script>([\s\S]*)<\/script>/.exec(r.body)![1];
      const style = /<style>([\s\S]*)<\/style>/.exec(r.body)![1];
      const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
      const csp = r.headers.get('content-security-policy')!;
      expect(csp).toContain(`script-src ${hash(script)}`);
      expect(csp).toContain(`style-src ${hash(style)}`);
      expect(csp).toContain("default-src 'none'");
      expect(r.body).not.toMatch(/\b(src|href)="(?!data:)/i);
      expect(r.body).not.toMatch(/https?:\/\//);
    }
    expect((await get(base, 'nope')).status).toBe(404);
  });
});

describe('the token', () => {
  it('loopback reads without one; a forwarded request is refused until the token is set, then needs it', async () => {
    const { base } = await observedWorld(emu(), 0);
    for (const path of ['', 'metrics', 'metrics.json']) expect((await get(base, path)).status).toBe(200);

    const off = await get(base, 'metrics', FORWARDED);
    expect(off.status).toBe(403);
    expect(off.body).toContain('set callback_bridge:metricsToken');
    expect(emu().output(/refused a metrics request from 127\.0\.0\.1: only loopback/)).toHaveLength(1);

    emu().executeCommand(emu().server, 'set callback_bridge:metricsToken s3cret-token');
    for (const path of ['', 'metrics', 'metrics.json']) {
      expect((await get(base, path, FORWARDED)).status).toBe(401);
      expect((await get(base, path, { ...FORWARDED, Authorization: 'Bearer wrong-token!' })).status).toBe(401);
      expect((await get(base, path, { ...FORWARDED, Authorization: 'Bearer s3cret-token' })).status).toBe(200);
      expect((await get(base, `${path}?token=s3cret-token`, FORWARDED)).status).toBe(200);
    }
    const refused = await get(base, 'metrics', FORWARDED);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="callback_bridge"');
    // Loopback still needs nothing.
    expect((await get(base, 'metrics')).status).toBe(200);
  });

  it('only GET and HEAD', async () => {
    const { base } = await observedWorld(emu(), 0);
    const r = await fetch(base + 'metrics', { method: 'POST', body: 'x' });
    expect(r.status).toBe(405);
  });
});
