/**
 * The cheater's executor for the abuse scenarios: a client script (as an executor is) started on the cheater's machine
 * only, that fires any net event with any arguments through the real network (FiveM's limiters included) and keeps
 * every reply the bridge sends it. Also the scenario ledger printed at the end of each abuse suite.
 */
import { expect } from 'vitest';
import type { Emulator, Player } from '../emulator/emulator.ts';
import { jsGlobals, manifest } from '../support/cfx.ts';

/** Starts `executor` on `player`'s client: `fire(event, ...args)`, and `replies` (every `cbb:r:cheat` batch). */
export async function executor(emu: Emulator, player: Player): Promise<{ fire(event: string, ...args: unknown[]): void; replies: unknown[][] }> {
  await emu.addInlineResource('executor', {
    'fxmanifest.lua': manifest("client_script 'x.js'"),
    'x.js': `globalThis.replies = [];
      onNet('cbb:r:cheat', (...a) => replies.push(a));
      globalThis.fire = (event, ...args) => emitNet(event, ...args);`,
  });
  expect(player.machine.start('executor')).toBe(true);
  const g = jsGlobals(player.machine, 'executor');
  return { fire: (event, ...args) => g.fire(event, ...args), replies: g.replies };
}

/** The frames of the replies the executor got, as [kind, id, ...rest] per frame (counts honoured). */
export function frames(replies: unknown[][]): unknown[][] {
  const out: unknown[][] = [];
  for (const r of replies) {
    let i = 2;
    while (i < r.length && r[i] !== 0) {
      const kind = r[i];
      if (kind === 2) {
        const n = r[i + 2] as number;
        out.push(r.slice(i, i + 3 + n));
        i += 3 + n;
      } else {
        out.push(r.slice(i, i + 4));
        i += 4;
      }
    }
  }
  return out;
}

/** A request batch from resource 'cheat': one frame per [id, name, ...args]. */
export function requests(...calls: Array<[number, string, ...unknown[]]>): unknown[] {
  const out: unknown[] = [1, 'cheat'];
  for (const [id, name, ...args] of calls) out.push(1, id, name, args.length, ...args);
  out.push(0);
  return out;
}

/** Scenarios that held, printed by the suite that ran them. */
export const held: string[] = [];

/** Nearest-rank percentile of `xs`. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
}
