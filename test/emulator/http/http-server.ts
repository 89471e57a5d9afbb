/**
 * `SetHttpHandler` served on a real localhost port (ref §1.5): `http://host:port/<resource>/<path>` reaches the
 * handler of `<resource>`.
 *
 * Handlers run synchronously inside Node's socket events. Real FXServer marshals them to its main (script) thread;
 * for the emulation the difference is invisible because Node has a single script thread too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { KeyedRateLimiter, limiterFromConvars, type LimiterSettings } from '../net/rate-limiter.ts';

/** The request object a `SetHttpHandler` callback receives (ref §1.5). */
export interface FxHttpRequest {
  /** Remote end as `ip:port` (`[ip]:port` for IPv6). */
  readonly address: string;
  /** Request headers; names keep the case the client sent, the first of repeated headers wins. */
  readonly headers: Record<string, string>;
  readonly method: string;
  /** `'/' + <path after /<resource>/>`, query string included, nothing percent-decoded. */
  readonly path: string;
  /** Receives the whole body once it has arrived: a string, or an ArrayBuffer when `type` is `'binary'`. */
  setDataHandler(cb: (data: string | ArrayBuffer) => void, type?: 'binary'): void;
  /** Called if the client goes away before the response is complete. */
  setCancelHandler(cb: () => void): void;
}

/** The response object a `SetHttpHandler` callback receives (ref §1.5). */
export interface FxHttpResponse {
  /** Sets the status and headers and sends the head at once. */
  writeHead(code: number, headers?: Record<string, string | string[]>): void;
  /** Sends one chunk of the body (status 200 if no head was written). */
  write(chunk: string): void;
  /** Ends the response, optionally with a last chunk. */
  send(body?: string): void;
}

/** A resource's HTTP handler, as given to `SetHttpHandler`. */
export type HttpHandler = (req: FxHttpRequest, res: FxHttpResponse) => void;

/** Options of {@link HttpServer}. */
export interface HttpServerOptions {
  /** Real time in ms for the per-IP limiter (it guards a real socket); default `performance.now()`. */
  readonly now?: () => number;
  /** Receives what a handler (or its data/cancel callback) threw; default prints it to stderr. */
  readonly onError?: (err: unknown) => void;
  /** Convars, for `rateLimiter_http_<resource>_rate|burst` (ref §3 rules); default: none set. */
  readonly getConvar?: (name: string) => string | undefined;
}

/** FXServer's per-resource HTTP limiter settings (ref §1.5). */
export const HTTP_LIMITER_DEFAULTS: LimiterSettings = { rate: 10, burst: 25 };

/** The IP part of a socket address, with Node's IPv4-mapped IPv6 prefix removed. */
function plainIp(ip: string | undefined): string {
  const s = ip ?? '';
  return s.startsWith('::ffff:') && s.includes('.') ? s.slice(7) : s;
}

/** Serves every resource's `SetHttpHandler` on one HTTP/1.1 port. */
export class HttpServer {
  private readonly handlers = new Map<string, { resource: string; handler: HttpHandler }>();
  private readonly limiters = new Map<string, KeyedRateLimiter>();
  private readonly now: () => number;
  private readonly onError: (err: unknown) => void;
  private readonly getConvar: (name: string) => string | undefined;
  private server: Server | null = null;
  private host = '127.0.0.1';
  private port = 0;

  constructor(opts: HttpServerOptions = {}) {
    this.now = opts.now ?? (() => performance.now());
    this.onError = opts.onError ?? ((err) => console.error('[http] handler error:', err));
    this.getConvar = opts.getConvar ?? (() => undefined);
  }

  /** Listens on `host:port` (port 0 picks a free one) and resolves with the actual port. */
  async start(port = 0, host = '127.0.0.1'): Promise<number> {
    if (this.server) throw new Error('HttpServer already started');
    const server = createServer((req, res) => this.dispatch(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.host = host;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  /** Closes the port and every open connection (keep-alive ones included). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections(); // idle keep-alive sockets would otherwise hold close() open
    await closed;
  }

  /** Sets (or with `null` removes) `resource`'s handler, as `SetHttpHandler` does from inside that resource. */
  setHandler(resource: string, handler: HttpHandler | null): void {
    // FXServer matches the route prefix case-insensitively
    const key = resource.toLowerCase();
    if (handler) this.handlers.set(key, { resource, handler });
    else this.handlers.delete(key);
  }

  /** Base URL, e.g. `http://127.0.0.1:30120`; throws before {@link start}. */
  get url(): string {
    if (!this.server) throw new Error('HttpServer not started');
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  private limiterFor(resource: string): KeyedRateLimiter {
    const key = `http_${resource}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new KeyedRateLimiter(limiterFromConvars(key, this.getConvar, HTTP_LIMITER_DEFAULTS));
      this.limiters.set(key, limiter);
    } else {
      // FXServer re-reads the limiter convars on every use
      const next = limiterFromConvars(key, this.getConvar, HTTP_LIMITER_DEFAULTS, limiter);
      if (next.rate !== limiter.rate) limiter.setRate(next.rate);
      if (next.burst !== limiter.burst) limiter.setBurst(next.burst);
    }
    return limiter;
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '/';
    // the resource is the first segment; `?` also ends it so `/res?x` still reaches `res`
    const name = /^\/([^/?#]*)/.exec(target)?.[1] ?? '';
    const entry = this.handlers.get(name.toLowerCase());
    if (!entry) {
      // no handler: FXServer's "route not found" answer; no limiter is consumed for unrouted requests
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Route ${target} not found.`);
      return;
    }
    const ip = plainIp(req.socket.remoteAddress);
    // keyed by IP only: every port of one host shares the bucket, as in FXServer
    if (!this.limiterFor(entry.resource).consume(ip, this.now())) {
      res.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Rate limit exceeded.');
      return;
    }
    this.invoke(entry.handler, req, res, target, name, ip);
  }

  private invoke(handler: HttpHandler, req: IncomingMessage, res: ServerResponse, target: string, name: string, ip: string): void {
    const fail = (err: unknown) => {
      this.onError(err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Internal Server Error');
      else if (!res.writableEnded) res.destroy(); // the head is gone: cutting the connection is the only signal left
    };
    // every script callback goes through here so a throw answers 500 instead of killing the process
    const guard = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        fail(err);
      }
    };

    // null prototype: a header named `__proto__` or `constructor` stays a plain entry
    const headers: Record<string, string> = Object.create(null);
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (!Object.hasOwn(headers, req.rawHeaders[i])) headers[req.rawHeaders[i]] = req.rawHeaders[i + 1];
    }
    const port = req.socket.remotePort ?? 0;

    // the body is buffered whole and delivered once, as FXServer does
    const chunks: Buffer[] = [];
    let body: Buffer | null = null;
    let onData: { cb: (data: string | ArrayBuffer) => void; binary: boolean } | null = null;
    const deliver = () => {
      if (!onData || !body) return;
      const { cb, binary } = onData;
      const data = binary ? body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) : body.toString('utf8');
      onData = null;
      guard(() => cb(data as string | ArrayBuffer));
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      body = Buffer.concat(chunks);
      deliver();
    });

    let onCancel: (() => void) | null = null;
    res.on('close', () => {
      // closed before send(): the client went away
      if (!res.writableEnded && onCancel) {
        const cb = onCancel;
        onCancel = null;
        guard(cb);
      }
    });

    const fxReq: FxHttpRequest = {
      address: ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`,
      headers,
      method: req.method ?? 'GET',
      // FXServer cuts `/<resource>` plus one more character, whatever it is, then prefixes '/'
      path: '/' + target.slice(name.length + 2),
      setDataHandler(cb, type) {
        onData = { cb, binary: type === 'binary' };
        deliver(); // a body that already arrived goes out at once
      },
      setCancelHandler(cb) {
        onCancel = cb;
      },
    };

    const str = (what: string, v: unknown): string => {
      // FXServer's msgpack conversion rejects non-strings here
      if (typeof v !== 'string') throw new TypeError(`res.${what}: expected a string, got ${typeof v}`);
      return v;
    };
    const fxRes: FxHttpResponse = {
      writeHead(code, hdrs) {
        if (res.headersSent || res.writableEnded) return; // too late: the head is already on the wire
        res.writeHead(code, hdrs ?? {});
        res.flushHeaders(); // FXServer sends the head right away on HTTP/1.1
      },
      write(chunk) {
        const s = str('write', chunk);
        if (!res.writableEnded) res.write(s);
      },
      send(last) {
        const s = last === undefined ? undefined : str('send', last);
        if (res.writableEnded) return;
        if (s === undefined) res.end();
        else res.end(s);
      },
    };

    guard(() => handler(fxReq, fxRes));
  }
}
