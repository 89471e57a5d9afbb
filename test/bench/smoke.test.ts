/**
 * A short run of `npm run bench` (every case, tiny sizes, a couple of virtual seconds each), so the bench cannot rot:
 * the results have their shape, every call is served, nobody is kicked, the scale case's tables come back. The
 * figures themselves are not judged here (BENCHMARKS.md is).
 */
import { describe, expect, it } from 'vitest';
import { CASES } from '../../bench/cases/index.ts';
import { table, targetList } from '../../bench/harness/report.ts';
import { runSuite } from '../../bench/harness/suite.ts';
import { SMOKE } from '../../bench/harness/types.ts';

const finite = expect.any(Number);

describe('npm run bench, smoke run', () => {
  it('runs every case and reports its figures; every call is served', { timeout: 180_000 }, async () => {
    const results = await runSuite(CASES, SMOKE, { command: 'smoke' });
    expect(results.cases.map((c) => c.name)).toEqual(CASES.map((c) => c.name));
    for (const c of results.cases) {
      expect(c, c.name).toMatchObject({
        throughput: finite,
        worldUsPerCall: finite,
        serverCpuUsPerCall: finite,
        latency: { p50Ms: finite, p99Ms: finite, p50Ticks: finite, p99Ticks: finite, networkMs: 40, p99AboveNetworkTicks: finite },
        memory: { bytesPerPending: finite, retainedBytesPerCall: finite },
      });
      // Memory at smoke sizes is GC noise (it can come out negative): only its presence is checked, BENCHMARKS.md judges it.
      for (const v of [c.throughput, c.serverCpuUsPerCall]) expect(Number.isFinite(v) && v > 0, c.name).toBe(true);
      expect(c.calls.sent, c.name).toBeGreaterThan(0);
      expect(c.calls.failed, c.name).toBe(0);
      // Scale drops players mid-call: their calls are lost, never failed; everything else is served.
      if (c.name === 'scale') expect(c.calls.served + c.calls.lost, c.name).toBe(c.calls.sent);
      else expect(c.calls.served, c.name).toBe(c.calls.sent);
      expect(c.latency.p50Ms, c.name).toBeGreaterThanOrEqual(40);
      if (c.baseline) expect(c.ratio?.to, c.name).toBe(c.baseline);
    }
    const byName = Object.fromEntries(results.cases.map((c) => [c.name, c]));
    expect(byName.burst.checks).toEqual({ allServed: true, noneKicked: true });
    expect(byName.burst.extra.clientEventsPerBurst).toBe(1);
    expect(byName.scale.checks).toMatchObject({ noneKicked: true, tablesBackToBaseline: true });
    expect(results.targets.length).toBeGreaterThan(5);
    expect(table(results).split('\n')).toHaveLength(2 + CASES.length);
    expect(targetList(results)).toContain('bridge-js');
    expect(results.machine).toMatchObject({ cores: finite, memoryGiB: finite, node: process.version });
  });
});
