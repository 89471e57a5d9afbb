/**
 * The client side of every case: one caller script per client, JS or Lua, the same in all cases but for two pieces a
 * case gives (`setup`, run once, and `call`, one call of `i` started at virtual ms `t0` that ends in `ok(t0)` or
 * `ko()`). The host drives it with local events and reads the global `BENCH`:
 *
 *   bench:start (period, offset)  one call every `period` ms from `offset` ms on, caught up frame by frame, so the
 *                                 offered rate is exact whatever the frame
 *   bench:stop                    no more calls
 *   bench:fire (n)                n calls now, in this frame
 *
 *   BENCH = { sent, done, failed, lat }   lat: round-trip latency in virtual ms → calls
 */

/** What a case gives the caller script. */
export interface CallerCode {
  /** Runs once when the script loads (listeners, a pending table...). */
  setup?: string;
  /** The body of `call(i, t0)`. */
  call: string;
}

/** The JS caller script (a client script of the case's resource). */
export function jsCaller({ setup = '', call }: CallerCode): string {
  return `globalThis.BENCH = { sent: 0, done: 0, failed: 0, lat: {} };
(() => {
  const B = BENCH;
  const lat = B.lat;
  const ok = (t0) => { const ms = GetGameTimer() - t0; lat[ms] = (lat[ms] || 0) + 1; B.done++; };
  const ko = () => { B.failed++; };
  ${setup}
  const call = (i, t0) => { ${call} };
  let running = false, nextAt = 0, period = 1;
  const loop = () => {
    if (!running) return;
    const now = GetGameTimer();
    while (nextAt <= now) { call(++B.sent, now); nextAt += period; }
    setTimeout(loop, Math.max(1, nextAt - now - 1));
  };
  on('bench:start', (p, offset) => {
    period = p; running = true; nextAt = GetGameTimer() + offset;
    setTimeout(loop, Math.max(1, offset - 1));
  });
  on('bench:stop', () => { running = false; });
  on('bench:fire', (n) => { const now = GetGameTimer(); for (let k = 0; k < n; k++) call(++B.sent, now); });
})();
`;
}

/** The Lua caller script (a client script of the case's resource). */
export function luaCaller({ setup = '', call }: CallerCode): string {
  return `BENCH = { sent = 0, done = 0, failed = 0, lat = {} }
local B, lat, GetGameTimer = BENCH, BENCH.lat, GetGameTimer
local function ok(t0)
  local ms = GetGameTimer() - t0
  lat[ms] = (lat[ms] or 0) + 1
  B.done = B.done + 1
end
local function ko() B.failed = B.failed + 1 end
${setup}
local function call(i, t0)
  ${call}
end
local running = false
AddEventHandler('bench:start', function(period, offset)
  running = true
  CreateThread(function()
    Wait(offset)
    local nextAt = GetGameTimer()
    while running do
      local now = GetGameTimer()
      while nextAt <= now do
        B.sent = B.sent + 1
        call(B.sent, now)
        nextAt = nextAt + period
      end
      Wait(nextAt - now)
    end
  end)
end)
AddEventHandler('bench:stop', function() running = false end)
AddEventHandler('bench:fire', function(n)
  local now = GetGameTimer()
  for _ = 1, n do
    B.sent = B.sent + 1
    call(B.sent, now)
  end
end)
`;
}

/** A caller's counters as the host reads them. */
export interface CallerStats {
  sent: number;
  done: number;
  failed: number;
  /** latency ms → calls */
  lat: Map<number, number>;
}

/** Turns a `BENCH` global (a JS object, or a Lua table's msgpack image) into `CallerStats`. */
export function readStats(raw: unknown): CallerStats {
  const b = (raw ?? {}) as { sent?: number; done?: number; failed?: number; lat?: unknown };
  const lat = new Map<number, number>();
  const source = b.lat;
  if (Array.isArray(source)) {
    // A Lua table with keys 1..N reads as an array.
    source.forEach((n, i) => typeof n === 'number' && lat.set(i + 1, n));
  } else if (source && typeof source === 'object') {
    for (const [k, n] of Object.entries(source as Record<string, unknown>)) if (typeof n === 'number') lat.set(Number(k), n);
  }
  return { sent: b.sent ?? 0, done: b.done ?? 0, failed: b.failed ?? 0, lat };
}
