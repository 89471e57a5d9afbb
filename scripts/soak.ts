/**
 * `npm run soak`: 500 clients for 30 virtual minutes against the bridge, with honest calls both ways, abusers, drops,
 * joins and restarts (test/security/soak-run.ts), then the figures: calls served, errors by code, abuse blocked,
 * maximum pending, memory at start and end. Exits non-zero when a table did not return to its baseline, a script
 * failed, or an honest call got a wrong value. `SOAK_CLIENTS` and `SOAK_MINUTES` override the size.
 */
import { runSoak } from '../test/security/soak-run.ts';

const clients = Number(process.env.SOAK_CLIENTS ?? 500);
const minutes = Number(process.env.SOAK_MINUTES ?? 30);
console.log(`[soak] ${clients} clients, ${minutes} virtual minutes`);
const r = await runSoak({ clients, minutes, log: (line) => console.log(line) });
const errors = Object.entries(r.errorsByCode).sort((a, b) => b[1] - a[1]);
const blocked = Object.entries(r.abuseBlocked).sort((a, b) => b[1] - a[1]);
console.log(`
soak: ${r.clients} clients, ${r.virtualMinutes} virtual minutes in ${r.wallSeconds} s of wall time
  calls served        ${r.callsServed}
  errors by code      ${errors.length ? errors.map(([c, n]) => `${c} ${n}`).join(', ') : 'none'}
  abusive events sent ${r.abuseSent}
  abuse blocked       ${blocked.map(([c, n]) => `${c} ${n}`).join(', ')}
  players kicked      ${r.kicked} (by FiveM's own limiters)
  maximum pending     ${r.maxPending}
  memory (after GC)   start: JS heap ${r.memoryMB.start.heap} MB, Lua resource ${r.memoryMB.start.luaResource} MB, Lua VM ${r.memoryMB.start.wasm} MB
                      end:   JS heap ${r.memoryMB.end.heap} MB, Lua resource ${r.memoryMB.end.luaResource} MB, Lua VM ${r.memoryMB.end.wasm} MB (its high-water mark)
  tables at rest      ${Object.keys(r.tablesAboveBaseline).length ? JSON.stringify(r.tablesAboveBaseline) : 'all back to baseline'}
  script errors       ${r.scriptErrors.length ? r.scriptErrors.join('\n') : 'none'}`);
const clean = !Object.keys(r.tablesAboveBaseline).length && !r.scriptErrors.length && !r.errorsByCode.WRONG;
process.exitCode = clean ? 0 : 1;
