/**
 * Fidelity: `SetHttpHandler` over a real localhost socket (ref §1.5), driven with Node's own `fetch`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HttpServer, type FxHttpRequest, type HttpServerOptions } from '../emulator/http/http-server.ts';

let server: HttpServer | null = null;

/** Starts a server on a free port; the test's `afterEach` stops it. */
async function serve(opts: HttpServerOptions = {}): Promise<HttpServer> {
  server = new HttpServer({ onError: () => {}, ...opts });
  await server.start();
  return server;
}

afterEach(async () => {
  await server?.stop();
  server = null;
});

describe('ref §1.5: SetHttpHandler', () => {
  it('ref §1.5: /<resource>/<path> reaches that resource with path "/"+<path>, query string kept', async () => {
    const srv = await serve();
    const seen: string[] = [];
    srv.setHandler('cb_bridge', (req, res) => {
      seen.push(`${req.method} ${req.path}`);
      res.send('bridge');
    });
    srv.setHandler('other', (_req, res) => res.send('other'));
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const r1 = await fetch(`${srv.url}/cb_bridge/api/v1/ping?x=1&y=%20z`);
    expect(r1.status).toBe(200);
    expect(await r1.text()).toBe('bridge');
    await (await fetch(`${srv.url}/cb_bridge`)).text();
    await (await fetch(`${srv.url}/cb_bridge/`)).text();
    await (await fetch(`${srv.url}/other/x`)).text();
    expect(seen).toEqual(['GET /api/v1/ping?x=1&y=%20z', 'GET /', 'GET /']);
  });

  it('ref §1.5: a resource without a handler answers 404, also after its handler is removed', async () => {
    const srv = await serve();
    srv.setHandler('gone', (_req, res) => res.send('here'));
    expect((await fetch(`${srv.url}/nobody/x`)).status).toBe(404);
    const before = await fetch(`${srv.url}/gone/x`);
    expect([before.status, await before.text()]).toEqual([200, 'here']);
    srv.setHandler('gone', null);
    expect((await fetch(`${srv.url}/gone/x`)).status).toBe(404);
  });

  it('ref §1.5: req carries address "ip:port", method and headers; the POST body reaches the data handler whole, once', async () => {
    const srv = await serve();
    const calls: unknown[] = [];
    let request: FxHttpRequest | null = null;
    const body = JSON.stringify({ ok: true, pad: 'é'.repeat(300_000) }); // big enough to arrive in many chunks
    srv.setHandler('api', (req, res) => {
      request = req;
      req.setDataHandler((data) => {
        calls.push(data);
        res.writeHead(201, { 'X-Reply': 'yes', 'Set-Cookie': ['a=1', 'b=2'] });
        res.write('got ');
        res.send(String((data as string).length));
      });
    });
    const r = await fetch(`${srv.url}/api/submit`, {
      method: 'POST',
      headers: { 'X-Test': 'hello', 'Content-Type': 'application/json' },
      body,
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-reply')).toBe('yes');
    expect(r.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await r.text()).toBe(`got ${body.length}`);
    expect(calls).toEqual([body]);
    const req = request as FxHttpRequest | null;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/submit');
    expect(req?.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(req?.headers['X-Test']).toBe('hello'); // names keep the client's case, as FXServer's header map does
    expect(req?.headers['x-test']).toBeUndefined();
    expect(req?.headers['Content-Type']).toBe('application/json');
  });

  it("ref §1.5: setDataHandler(cb, 'binary') delivers an ArrayBuffer with the exact bytes", async () => {
    const srv = await serve();
    const bytes = new Uint8Array([0, 255, 1, 128, 10, 13]);
    let got: unknown = null;
    srv.setHandler('bin', (req, res) => {
      req.setDataHandler((data) => {
        got = data;
        res.send('ok');
      }, 'binary');
    });
    await (await fetch(`${srv.url}/bin/up`, { method: 'POST', body: bytes })).text();
    expect(got).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(got as unknown as ArrayBuffer)]).toEqual([...bytes]);
  });

  it('ref §1.5: limiter http_<resource> allows a burst of 25 per IP, then answers 429, and refills at 10/s', async () => {
    let t = 0;
    const srv = await serve({ now: () => t }); // frozen clock: the real one would refill during the loop
    srv.setHandler('limited', (_req, res) => res.send('ok'));
    srv.setHandler('free', (_req, res) => res.send('ok'));
    const statuses: number[] = [];
    for (let i = 0; i < 26; i++) {
      const r = await fetch(`${srv.url}/limited/x`);
      await r.text();
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 25).every((s) => s === 200)).toBe(true);
    expect(statuses[25]).toBe(429);
    expect((await fetch(`${srv.url}/free/x`)).status).toBe(200); // another resource, another limiter
    t += 100; // one token at 10/s
    expect((await fetch(`${srv.url}/limited/x`)).status).toBe(200);
    expect((await fetch(`${srv.url}/limited/x`)).status).toBe(429);
  });

  it('ref §1.5: rateLimiter_http_<resource>_burst tunes the HTTP limiter', async () => {
    const srv = await serve({ now: () => 0, getConvar: (n) => (n === 'rateLimiter_http_tuned_burst' ? '2' : undefined) });
    srv.setHandler('tuned', (_req, res) => res.send('ok'));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${srv.url}/tuned/`)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('ref §1.5: a handler that throws gets a 500, onError sees the error, and the server keeps serving', async () => {
    const errors: unknown[] = [];
    const srv = await serve({ onError: (e) => errors.push(e) });
    srv.setHandler('boom', (req) => {
      if (req.path === '/sync') throw new Error('sync boom');
      req.setDataHandler(() => {
        throw new Error('data boom');
      });
    });
    expect((await fetch(`${srv.url}/boom/sync`)).status).toBe(500);
    expect((await fetch(`${srv.url}/boom/data`, { method: 'POST', body: 'x' })).status).toBe(500);
    expect(errors.map((e) => (e as Error).message)).toEqual(['sync boom', 'data boom']);
    srv.setHandler('boom', (_req, res) => res.send('fine'));
    expect(await (await fetch(`${srv.url}/boom/`)).text()).toBe('fine');
  });

  it('ref §1.5: res.write with a non-string is rejected like a script error (500)', async () => {
    const errors: unknown[] = [];
    const srv = await serve({ onError: (e) => errors.push(e) });
    srv.setHandler('typed', (_req, res) => res.send({ not: 'a string' } as unknown as string));
    expect((await fetch(`${srv.url}/typed/`)).status).toBe(500);
    expect(errors[0]).toBeInstanceOf(TypeError);
  });

  it('ref §1.5: the cancel handler runs when the client goes away before send()', async () => {
    const srv = await serve();
    let cancelled!: () => void;
    const cancel = new Promise<void>((resolve) => (cancelled = resolve));
    let reached!: () => void;
    const inHandler = new Promise<void>((resolve) => (reached = resolve));
    srv.setHandler('slow', (req) => {
      req.setCancelHandler(() => cancelled()); // and never answer
      reached();
    });
    const ctl = new AbortController();
    const pending = fetch(`${srv.url}/slow/`, { signal: ctl.signal }).catch((e: Error) => e.name);
    await inHandler;
    ctl.abort();
    expect(await pending).toBe('AbortError');
    await expect(Promise.race([cancel.then(() => 'cancelled'), new Promise((r) => setTimeout(() => r('timeout'), 2000))])).resolves.toBe('cancelled');
  });
});
