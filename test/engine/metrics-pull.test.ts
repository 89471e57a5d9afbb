/**
 * `GetCallbackMetrics()` (contract §8) pulls every engine on the machine: the Lua twin's, the TS engine's and the
 * bridge's own (the exports path). Rows from Lua cross msgpack, where an empty table arrives as `[]`; the bridge
 * gives every row one shape, one row per (resource, role, name).
 */
import { describe, expect, it } from 'vitest';
import { jsGlobals, useEmulator } from '../support/cfx.ts';
import { addBridge, jsResource, luaResource, scriptErrors, startAll } from './lua-support.ts';

const emu = useEmulator();

interface Row {
  name: string;
  role: string;
  resource: string;
  calls: number;
  errors: Record<string, number>;
  inFlight: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Every row has the documented shape: errors a plain object of counts, sane numbers, ordered quantiles. */
function expectSane(rows: Row[]) {
  const keys = new Set<string>();
  for (const r of rows) {
    expect(Object.keys(r).sort()).toEqual(['calls', 'errors', 'inFlight', 'max', 'name', 'p50', 'p95', 'p99', 'resource', 'role']);
    expect(typeof r.name === 'string' && typeof r.resource === 'string' && ['caller', 'handler'].includes(r.role)).toBe(true);
    expect(Array.isArray(r.errors) || typeof r.errors !== 'object' || r.errors === null).toBe(false);
    for (const n of Object.values(r.errors)) expect(Number.isInteger(n) && n > 0).toBe(true);
    expect(Number.isInteger(r.calls) && Number.isInteger(r.inFlight) && r.inFlight >= 0).toBe(true);
    expect(0 <= r.p50 && r.p50 <= r.p95 && r.p95 <= r.p99 && r.p99 <= r.max).toBe(true);
    const key = `${r.resource}|${r.role}|${r.name}`;
    expect(keys.has(key), key).toBe(false);
    keys.add(key);
  }
}

const pick = (rows: Row[], resource: string, role: string, name: string) => rows.find((r) => r.resource === resource && r.role === role && r.name === name);

describe('GetCallbackMetrics', () => {
  it('returns rows of a Lua engine, a JS engine and the bridge itself, all of one shape, on the server and on a client', async () => {
    await addBridge(emu());
    await luaResource(emu(), 'luashop', {
      server: `RegisterCallback('lua:ok', function() return 1 end)
        RegisterCallback('lua:boom', function() error('x') end)`,
      client: `CreateThread(function()
        Wait(300)
        TriggerServerCallbackPromise('js:ok')
        TriggerServerCallbackPromise('ex:ok')
      end)`,
    });
    await jsResource(emu(), 'jsshop', {
      server: `CallbackBridge.register('js:ok', () => 2);
        exports.callback_bridge.RegisterCallback('ex:ok', () => 3);
        globalThis.metrics = () => exports.callback_bridge.GetCallbackMetrics();`,
      client: `globalThis.metrics = () => exports.callback_bridge.GetCallbackMetrics();
        setTimeout(() => {
          CallbackBridge.triggerServer('lua:ok').catch(() => undefined);
          CallbackBridge.triggerServer('lua:boom').catch(() => undefined);
          exports.callback_bridge.TriggerServerCallbackPromise('js:ok').catch(() => undefined);
        }, 300);`,
    });
    startAll(emu(), 'callback_bridge', 'luashop', 'jsshop');
    const player = emu().connect();
    await emu().advance(1500);

    const server = jsGlobals(emu().server, 'jsshop').metrics() as Row[];
    expectSane(server);
    expect(pick(server, 'luashop', 'handler', 'lua:ok')).toMatchObject({ calls: 1, errors: {}, inFlight: 0 });
    expect(pick(server, 'luashop', 'handler', 'lua:boom')).toMatchObject({ calls: 1, errors: { HANDLER_ERROR: 1 } });
    expect(pick(server, 'jsshop', 'handler', 'js:ok')).toMatchObject({ calls: 2, errors: {} });
    expect(pick(server, 'callback_bridge', 'handler', 'ex:ok')).toMatchObject({ calls: 1, errors: {} });

    const client = jsGlobals(player.machine, 'jsshop').metrics() as Row[];
    expectSane(client);
    expect(pick(client, 'luashop', 'caller', 'js:ok')).toMatchObject({ calls: 1, errors: {} });
    expect(pick(client, 'luashop', 'caller', 'ex:ok')).toMatchObject({ calls: 1, errors: {} });
    expect(pick(client, 'jsshop', 'caller', 'lua:boom')).toMatchObject({ calls: 1, errors: { HANDLER_ERROR: 1 } });
    expect(pick(client, 'callback_bridge', 'caller', 'js:ok')).toMatchObject({ calls: 1, errors: {} });
    expect(scriptErrors(emu()).filter((l) => !l.includes("'lua:boom'"))).toEqual([]);
  });
});
