/**
 * Case 1, `raw`: the floor. A bare `emitNet` request and `emitNet` reply between JS scripts, with a hand-written
 * pending table on the caller: what any callback system costs at least in this emulation.
 */
import { jsCaller } from '../harness/callers.ts';
import type { SteadyScenario } from '../harness/types.ts';
import type { BenchWorld } from '../harness/world.ts';

/** The server side: the same work as every case's handler (one number back). */
const SERVER = `onNet('bench:raw:req', (id, i, item) => { emitNet('bench:raw:res', source, id, i + 1); });`;

const CLIENT = jsCaller({
  setup: `const pending = new Map(); let seq = 0;
  onNet('bench:raw:res', (id, value) => {
    const t0 = pending.get(id);
    if (t0 === undefined) return;
    pending.delete(id);
    ok(t0);
  });`,
  call: `const id = ++seq; pending.set(id, t0); emitNet('bench:raw:req', id, i, 'bread');`,
});

export const raw: SteadyScenario = {
  name: 'raw',
  baseline: null,
  description: 'bare emitNet request and emitNet reply, hand-written pending table (JS → JS)',
  caller: { resource: 'shop', kind: 'js' },
  async install(world: BenchWorld) {
    await world.addShop('js', SERVER, CLIENT);
    world.start('shop');
  },
};
