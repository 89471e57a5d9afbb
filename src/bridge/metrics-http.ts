/**
 * The bridge's `SetHttpHandler` (contract §8): under `http://<server>/callback_bridge/`,
 * - `metrics`: the Prometheus text format;
 * - `metrics.json`: the JSON view (`?since=<ms>` for chart points newer than that);
 * - `` or `dashboard`: the dashboard page (built with the project, no CDN).
 * Every route needs the token (`set callback_bridge:metricsToken "..."`, sent as `Authorization: Bearer <token>` or
 * `?token=<token>`), except requests from loopback that no proxy forwarded.
 */
import { formatPrometheus, PROMETHEUS_CONTENT_TYPE } from './metrics-prometheus.ts';
import type { MetricsService } from './metrics-service.ts';

/** The request and response objects FXServer hands a `SetHttpHandler` callback (the parts used here). */
export interface HttpRequest {
  readonly address: string;
  readonly headers: Record<string, string>;
  readonly method: string;
  readonly path: string;
}
export interface HttpResponse {
  writeHead(code: number, headers?: Record<string, string | string[]>): void;
  send(body?: string): void;
}

export const TOKEN_CONVAR = 'callback_bridge:metricsToken';

export interface MetricsHttpDeps {
  service: MetricsService;
  version: string;
  /** The configured token ('' when none), read at each request so a change applies at once. */
  token(): string;
  /** The dashboard page and its Content-Security-Policy. */
  page: { html: string; csp: string };
  now(): number;
  log(message: string): void;
}

/** A header by name, whatever case the client sent it in. */
function header(req: HttpRequest, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(req.headers ?? {})) if (k.toLowerCase() === want) return v;
  return undefined;
}

/** The IP part of `ip:port` or `[ip]:port`. */
export function addressIp(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1];
  const i = address.lastIndexOf(':');
  return i > 0 && address.indexOf(':') === i ? address.slice(0, i) : address;
}

/** Loopback, and not forwarded by a proxy on this machine (a forwarded request is someone else's). */
export function fromLoopback(req: HttpRequest): boolean {
  if (header(req, 'x-forwarded-for') !== undefined || header(req, 'forwarded') !== undefined || header(req, 'x-real-ip') !== undefined) return false;
  const ip = addressIp(req.address ?? '');
  return /^127\.\d+\.\d+\.\d+$/.test(ip) || ip === '::1' || /^::ffff:127\./i.test(ip);
}

/** Compares in time that depends on the length only. */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The token a request carries, from `Authorization: Bearer` or `?token=`. */
function presented(req: HttpRequest, query: URLSearchParams): string | undefined {
  const auth = header(req, 'authorization');
  const bearer = auth && /^Bearer\s+(.+)$/i.exec(auth.trim());
  return bearer ? bearer[1] : (query.get('token') ?? undefined);
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

/** The handler to give `SetHttpHandler`. */
export function metricsHttpHandler(deps: MetricsHttpDeps): (req: HttpRequest, res: HttpResponse) => void {
  let lastRefusalLog = -Infinity;
  const refuse = (req: HttpRequest, res: HttpResponse, configured: boolean) => {
    const ip = addressIp(req.address ?? '');
    if (deps.now() - lastRefusalLog > 60_000) {
      lastRefusalLog = deps.now();
      deps.log(configured
        ? `refused a metrics request from ${ip}: missing or wrong token (at most one such line a minute)`
        : `refused a metrics request from ${ip}: only loopback may read metrics until ${TOKEN_CONVAR} is set (at most one such line a minute)`);
    }
    if (configured) {
      res.writeHead(401, { ...TEXT, 'WWW-Authenticate': 'Bearer realm="callback_bridge"' });
      res.send('callback_bridge: missing or wrong token (send Authorization: Bearer <token>, or ?token=<token>)\n');
    } else {
      res.writeHead(403, TEXT);
      res.send(`callback_bridge: metrics are served to loopback only; set ${TOKEN_CONVAR} on the server to allow other addresses\n`);
    }
  };

  return (req, res) => {
    const url = new URL(req.path || '/', 'http://localhost');
    const token = deps.token();
    if (!fromLoopback(req)) {
      const given = presented(req, url.searchParams);
      if (!token || given === undefined || !sameSecret(given, token)) return refuse(req, res, token !== '');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...TEXT, Allow: 'GET, HEAD' });
      return res.send('callback_bridge: only GET\n');
    }
    const route = url.pathname.replace(/\/+$/, '');
    if (route === '/metrics') {
      res.writeHead(200, { ...TEXT, 'Content-Type': PROMETHEUS_CONTENT_TYPE });
      return res.send(formatPrometheus(deps.service.pull(), deps.version));
    }
    if (route === '/metrics.json') {
      const since = Number(url.searchParams.get('since'));
      res.writeHead(200, { ...TEXT, 'Content-Type': 'application/json; charset=utf-8' });
      return res.send(JSON.stringify(deps.service.view(Number.isFinite(since) && url.searchParams.has('since') ? since : undefined)));
    }
    if (route === '' || route === '/dashboard') {
      res.writeHead(200, { ...TEXT, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': deps.page.csp, 'Referrer-Policy': 'no-referrer' });
      return res.send(deps.page.html);
    }
    res.writeHead(404, TEXT);
    res.send('callback_bridge: no such page; try /callback_bridge/ (dashboard), /callback_bridge/metrics (Prometheus) or /callback_bridge/metrics.json\n');
  };
}
