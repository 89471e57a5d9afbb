/**
 * The world of the observability tests: the bridge, a Lua resource (in-resource twin) and a JS resource (the
 * include) serving rate-limited callbacks, and a client script with which player 1 floods them and every other player
 * calls each once. The HTTP server listens on a free localhost port.
 */
import { expect } from 'vitest';
import type { Emulator, Player } from '../emulator/emulator.ts';
import { addBridge, jsResource, luaResource, startAll } from '../engine/lua-support.ts';

/** Calls each flooding player makes to each rate-limited callback (rate 1/s, burst 2: 2 pass, the rest are refused). */
export const FLOOD = 20;

export interface ObservedWorld {
  players: Player[];
  /** `http://127.0.0.1:<port>/callback_bridge/` */
  base: string;
}

export async function observedWorld(emu: Emulator, playerCount = 2): Promise<ObservedWorld> {
  await addBridge(emu);
  await luaResource(emu, 'luashop', {
    server: `RegisterCallback('lua:price', function(source, item) return 12 end, { rateLimit = { rate = 1, burst = 2 } })
      RegisterCallback('lua:boom', function() error('broken on purpose') end)`,
    client: `CreateThread(function()
        Wait(300)
        local me = GetPlayerServerId(PlayerId())
        local n = me == 1 and ${FLOOD} or 1
        for i = 1, n do TriggerServerCallback('lua:price', function() end, 'bread') end
        for i = 1, n do TriggerServerCallback('js:echo', function() end, i) end
        TriggerServerCallback('lua:boom', function() end)
        TriggerServerCallback('nobody:serves:this', function() end)
      end)`,
  });
  await jsResource(emu, 'jsshop', {
    server: `CallbackBridge.register('js:echo', (source, x) => x, { rateLimit: { rate: 1, burst: 2 } });`,
  });
  startAll(emu, 'callback_bridge', 'luashop', 'jsshop');
  const players = Array.from({ length: playerCount }, () => emu.connect());
  await emu.http.start();
  return { players, base: `${emu.http.url}/callback_bridge/` };
}

/** GET `path` under the bridge's route; returns status, headers and body. */
export async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(base + path, { headers });
  return { status: r.status, headers: r.headers, body: await r.text() };
}

/** The JSON view, which must answer 200. */
export async function view(base: string, query = ''): Promise<any> {
  const r = await get(base, `metrics.json${query}`);
  expect(r.status, r.body).toBe(200);
  return JSON.parse(r.body);
}

/** The view's row of (role, resource, name). */
export const row = (v: any, role: string, resource: string, name: string) =>
  v.rows.find((r: any) => r.role === role && r.resource === resource && r.name === name);
