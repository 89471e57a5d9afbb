/**
 * The short soak inside `npm test` (the full one is `npm run soak`: 500 clients, 30 virtual minutes): 40 clients for 2
 * virtual minutes with honest calls both ways, abusers, drops, joins, two resource restarts and a bridge restart.
 */
import { expect, it } from 'vitest';
import { runSoak } from './soak-run.ts';

it('short soak: honest calls are served, abuse is blocked, every table is back at rest, nothing throws', async () => {
  const r = await runSoak({ clients: 40, minutes: 2, seed: 11 });
  console.log(`[soak] ${JSON.stringify(r)}`);
  expect(r.scriptErrors).toEqual([]);
  expect(r.tablesAboveBaseline).toEqual({});
  expect(r.errorsByCode.WRONG).toBeUndefined();
  // Honest calls fail only when their player left or their resource restarted under them.
  for (const code of Object.keys(r.errorsByCode)) expect(['PLAYER_DROPPED', 'RESOURCE_STOPPED']).toContain(code);
  expect(r.callsServed).toBeGreaterThan(500);
  for (const kind of ['RATE_LIMITED', 'PAYLOAD_TOO_LARGE', 'INVALID_ARGUMENTS', 'notFound', 'malformed']) expect(r.abuseBlocked[kind]).toBeGreaterThan(0);
  expect(r.kicked).toBe(0);
  expect(r.maxPending).toBeLessThan(200);
}, 120_000);
