/**
 * Spike (contract §10): the engine core compiled to Lua with TypeScriptToLua vs a hand-written Lua 5.4 twin,
 * measured in wasmoon's real Lua 5.4 (test/emulator/lua/lua-vm.ts). Findings: bench/spike/tstl-vs-twin.md.
 *
 * Not part of the product or the tests (nothing imports it). TypeScriptToLua is NOT a dependency of the repo: it is
 * installed in a scratch folder outside it, and this script writes its inputs and outputs there.
 *
 *   mkdir -p /tmp/tstl-spike && cd /tmp/tstl-spike && npm init -y && npm i -D typescript-to-lua@1.37.1 typescript@6.0.2
 *   cd <repo> && TSTL_SPIKE_DIR=/tmp/tstl-spike node --import tsx bench/spike/tstl-vs-twin.mjs
 *
 * The TS inputs are the repo's src/core/errors.ts, min-heap.ts and pending-requests.ts (as they are, and with the
 * smallest edits TSTL needs, listed in ADAPT below) plus a ~100-line representative hot path (HOT_PATH_TS below).
 * The twin is TWIN_PENDING_LUA and TWIN_HOTPATH_LUA below, written by hand for this spike.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { getLuaVm } from '../../test/emulator/lua/lua-vm.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SPIKE = path.resolve(process.env.TSTL_SPIKE_DIR ?? '/tmp/tstl-spike');
const TSTL = path.join(SPIKE, 'node_modules/typescript-to-lua/dist/tstl.js');
if (!fs.existsSync(TSTL)) {
  console.error(`typescript-to-lua not found under ${SPIKE}; see the install line at the top of this file.`);
  process.exit(2);
}
if (SPIKE === REPO || SPIKE.startsWith(REPO + path.sep)) {
  console.error('TSTL_SPIKE_DIR must be outside the repo');
  process.exit(2);
}
const RUNS = Number(process.env.RUNS ?? 3);
const OPS = 200_000;

// ---------------------------------------------------------------------------------------------------------------
// 1. Inputs: the repo's core as it is (asis/), and adapted for TSTL (src/).

/** The smallest edits the repo's core needs before TSTL compiles it to code that behaves like the JS. */
const ADAPT = {
  'errors.ts': [
    [
      '    // Subclassing Error loses the prototype when compiled down; keep `instanceof` true everywhere.\n    Object.setPrototypeOf(this, new.target.prototype);\n',
      '',
    ],
  ],
  'pending-requests.ts': [
    ['if (request.player) indexAdd', 'if (request.player !== 0) indexAdd'],
    ['if (request.player) indexDelete', 'if (request.player !== 0) indexDelete'],
    ['while (this.slotHeap.size && this.slotHeap.peek()! <= now)', 'while (this.slotHeap.size > 0 && this.slotHeap.peek()! <= now)'],
    [
      'while (this.slotHeap.size && !this.slots.get(this.slotHeap.peek()!)?.size)',
      'while (this.slotHeap.size > 0 && (this.slots.get(this.slotHeap.peek()!)?.size ?? 0) === 0)',
    ],
  ],
  'min-heap.ts': [
    ['const p = (i - 1) >> 1;', 'const p = Math.floor((i - 1) / 2);'],
    ['if (h.length && last !== undefined) {', 'if (h.length > 0 && last !== undefined) {'],
  ],
};

const HOT_PATH_TS = `/**
 * Spike: a representative server-side hot path. Reads one flat request frame
 * \`[kind, id, name, argc, ...args]\` at index i, applies a token bucket per (player, callback),
 * calls the handler and writes a flat reply frame into the outbox with explicit counts:
 * \`[KIND_REPLY, id, retc, ...rets]\` or \`[KIND_ERROR, id, code, message]\`.
 * Returns the index of the next frame.
 */

export const KIND_REQUEST = 1;
export const KIND_REPLY = 2;
export const KIND_ERROR = 3;

/**
 * Platform boundary: call a user handler with exactly the argc values at frames[from..], write its results at
 * out[at..] and return how many (in Lua: hand-written, with table.unpack(frames, from + 1, from + argc) and select('#')).
 */
declare function invokeHandler(
  this: void, fn: unknown, player: number, frames: unknown[], from: number, argc: number, out: unknown[], at: number,
): number;

export interface HandlerEntry {
  fn: unknown;
  /** tokens per second */
  rate: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

export class HotPath {
  readonly handlers = new Map<string, HandlerEntry>();
  readonly buckets = new Map<number, Map<string, Bucket>>();
  readonly outbox: unknown[] = [];
  outCount = 0;
  now = 0;

  register(name: string, fn: unknown, rate: number, burst: number): void {
    this.handlers.set(name, { fn, rate, burst });
  }

  private error(id: number, code: string, message: string): void {
    const out = this.outbox;
    let n = this.outCount;
    out[n++] = KIND_ERROR;
    out[n++] = id;
    out[n++] = code;
    out[n++] = message;
    this.outCount = n;
  }

  handleRequestFrame(frames: unknown[], i: number, player: number): number {
    const kind = frames[i] as number;
    const id = frames[i + 1] as number;
    const name = frames[i + 2] as string;
    const argc = frames[i + 3] as number;
    const next = i + 4 + argc;
    if (kind !== KIND_REQUEST) return next;
    const entry = this.handlers.get(name);
    if (entry === undefined) {
      this.error(id, 'NOT_FOUND', \`callback '\${name}' does not exist\`);
      return next;
    }
    let perPlayer = this.buckets.get(player);
    if (perPlayer === undefined) {
      perPlayer = new Map();
      this.buckets.set(player, perPlayer);
    }
    let bucket = perPlayer.get(name);
    if (bucket === undefined) {
      bucket = { tokens: entry.burst, last: this.now };
      perPlayer.set(name, bucket);
    } else {
      bucket.tokens = Math.min(entry.burst, bucket.tokens + ((this.now - bucket.last) * entry.rate) / 1000);
      bucket.last = this.now;
    }
    if (bucket.tokens < 1) {
      this.error(id, 'RATE_LIMITED', \`callback '\${name}' is rate limited, try again later\`);
      return next;
    }
    bucket.tokens -= 1;
    const out = this.outbox;
    const n = this.outCount;
    out[n] = KIND_REPLY;
    out[n + 1] = id;
    let retc: number;
    try {
      retc = invokeHandler(entry.fn, player, frames, i + 4, argc, out, n + 3);
    } catch {
      this.error(id, 'HANDLER_ERROR', \`callback '\${name}' failed on the other side\`);
      return next;
    }
    out[n + 2] = retc;
    this.outCount = n + 3 + retc;
    return next;
  }
}
`;
const PROBES_TS = `/** Probes: TS constructs whose Lua translation matters to the engine. Each returns a string to compare with JS. */
import { CallbackError, toCallbackError } from '../src/core/errors.ts';

export function holeLength(): string {
  const a: unknown[] = [];
  a[0] = 'x'; a[1] = undefined; a[2] = 5;
  const b: unknown[] = [];
  b[0] = 'x'; b[1] = undefined; b[2] = 5; b[3] = 6;
  return \`\${a.length} \${b.length}\`;
}
export function pushHole(): string {
  const a: unknown[] = [];
  a.push('x'); a.push(undefined); a.push(5);
  return \`\${a.length} \${a[2]}\`;
}
export function spreadHole(): string {
  const args: unknown[] = [];
  args[0] = 'a'; args[1] = undefined; args[2] = 'c';
  const count = (...xs: unknown[]): number => xs.length;
  return \`\${count(...args)}\`;
}
export function errorSubclass(): string {
  const e = new CallbackError('TIMEOUT', 'shop:buy', undefined, { cause: 'root' });
  return \`\${e instanceof CallbackError} \${e instanceof Error} \${e.name} \${e.code} \${e.timedOut} cause=\${String(e.cause)}\`;
}
export function catchLuaError(fn: () => void): string {
  try { fn(); return 'no error'; } catch (err) { return \`\${typeof err} \${toCallbackError(err, 'x').code}\`; }
}
export function optionalNullish(): string {
  const m = new Map<number, Set<number>>([[1, new Set([7])]]);
  return \`\${m.get(1)?.size ?? -1} \${m.get(2)?.size ?? -1}\`;
}
export function template(): string {
  const n = 4;
  return \`\${n / 2} \${n * 0.5} \${2 ** 53}\`;
}
export function mapDeleteWhileIterating(): string {
  const m = new Map<string, number>([['a', 1], ['b', 2], ['c', 3]]);
  const seen: string[] = [];
  for (const [k] of m) { seen.push(k); m.delete(k); }
  return \`\${seen.join(',')} left=\${m.size}\`;
}
/** A handler written in Lua returns two values; the TS destructures what it declares as a tuple. */
export function multiReturnIn(fn: () => [unknown, unknown]): string {
  const [a, b] = fn();
  return \`\${a} \${b}\`;
}
/** A TS function returning a tuple, called from Lua: how many values arrive? */
export function multiReturnOut(): [number, number] {
  return [1, 2];
}
export function truthiness(): string {
  const empty: number[] = [];
  const player = 0;
  const a = empty.length && empty[0] <= 5 ? 'taken' : 'skipped';
  const b = player ? 'indexed' : 'not indexed';
  return \`\${a}; \${b}\`;
}
`;
const TWIN_PENDING_LUA = `-- Hand-written Lua 5.4 twin of src/core/errors.ts + src/core/pending-requests.ts (spike).

local SLOT_MS = 10
local huge, ceil = math.huge, math.ceil

---@alias CbErrorCode 'NOT_FOUND'|'TIMEOUT'|'RATE_LIMITED'|'PAYLOAD_TOO_LARGE'|'INVALID_ARGUMENTS'|'FORBIDDEN'|'HANDLER_ERROR'|'PLAYER_DROPPED'|'RESOURCE_STOPPED'|'BUSY'

local MESSAGES = {
  NOT_FOUND = "callback '%s' does not exist",
  TIMEOUT = "callback '%s' timed out",
  RATE_LIMITED = "callback '%s' is rate limited, try again later",
  PAYLOAD_TOO_LARGE = "callback '%s' payload is too large",
  INVALID_ARGUMENTS = "callback '%s' received invalid arguments",
  FORBIDDEN = "callback '%s' is not allowed for this player",
  HANDLER_ERROR = "callback '%s' failed on the other side",
  PLAYER_DROPPED = "callback '%s' ended: the player dropped",
  RESOURCE_STOPPED = "callback '%s' ended: a resource stopped",
  BUSY = "callback '%s' refused: too many requests in flight",
}

---@class CbError
---@field code CbErrorCode
---@field callback string
---@field message string
---@field cause any
local CbError = {}
CbError.__index = CbError
CbError.__name = 'CallbackError'
function CbError.__tostring(e) return 'CallbackError: ' .. e.message end

---@param code CbErrorCode
---@param callback string
---@param message? string
---@param cause? any
---@return CbError
local function newError(code, callback, message, cause)
  return setmetatable({
    code = code, callback = callback, cause = cause,
    message = message or MESSAGES[code]:format(callback),
  }, CbError)
end

---@param v any
---@return boolean
local function isCode(v) return type(v) == 'string' and MESSAGES[v] ~= nil end

---@class CbOutcome
---@field ok boolean
---@field values? table  -- with .n
---@field error? CbError

---@class CbPendingRequest
---@field id integer
---@field name string
---@field player integer  0 on a client
---@field resource string
---@field startedAt number
---@field deadline number
---@field done fun(outcome: CbOutcome, request: CbPendingRequest)

---@class CbPending
---@field size integer
---@field private byId table<integer, CbPendingRequest>
---@field private byPlayer table<integer, table<integer, true>>
---@field private playerCount table<integer, integer>
---@field private slots table<integer, table<integer, true>>
---@field private heap number[]
local Pending = {}
Pending.__index = Pending

---@return CbPending
local function newPending()
  return setmetatable({ size = 0, byId = {}, byPlayer = {}, playerCount = {}, slots = {}, heap = {} }, Pending)
end

local function slotOf(deadline) return ceil(deadline / SLOT_MS) * SLOT_MS end

local function pushSlot(h, slot)
  local i = #h + 1
  h[i] = slot
  while i > 1 do
    local p = i // 2
    if h[p] <= h[i] then break end
    h[i], h[p] = h[p], h[i]
    i = p
  end
end

local function popSlot(h)
  local n = #h
  local top = h[1]
  h[1] = h[n]
  h[n] = nil
  n = n - 1
  local i = 1
  while true do
    local l = 2 * i
    local r = l + 1
    local m = i
    if l <= n and h[l] < h[m] then m = l end
    if r <= n and h[r] < h[m] then m = r end
    if m == i then break end
    h[i], h[m] = h[m], h[i]
    i = m
  end
  return top
end

function Pending:has(id) return self.byId[id] ~= nil end
function Pending:get(id) return self.byId[id] end

---@param request CbPendingRequest
function Pending:add(request)
  local id = request.id
  self.byId[id] = request
  self.size = self.size + 1
  local player = request.player
  if player ~= 0 then
    local set = self.byPlayer[player]
    if set then
      set[id] = true
      self.playerCount[player] = self.playerCount[player] + 1
    else
      self.byPlayer[player] = { [id] = true }
      self.playerCount[player] = 1
    end
  end
  if request.deadline < huge then
    local slot = slotOf(request.deadline)
    local set = self.slots[slot]
    if set then set[id] = true else
      self.slots[slot] = { [id] = true }
      pushSlot(self.heap, slot)
    end
  end
end

---Ends request id; false when it was already settled.
---@param id integer
---@param outcome CbOutcome
---@return boolean
function Pending:settle(id, outcome)
  local request = self.byId[id]
  if request == nil then return false end
  self.byId[id] = nil
  self.size = self.size - 1
  local player = request.player
  if player ~= 0 then
    local left = self.playerCount[player] - 1
    if left == 0 then
      self.byPlayer[player], self.playerCount[player] = nil, nil
    else
      self.byPlayer[player][id] = nil
      self.playerCount[player] = left
    end
  end
  if request.deadline < huge then
    local set = self.slots[slotOf(request.deadline)]
    if set then set[id] = nil end
  end
  request.done(outcome, request)
  return true
end

---@param id integer
---@param code CbErrorCode
---@param message? string
function Pending:fail(id, code, message)
  local request = self.byId[id]
  if request == nil then return false end
  return self:settle(id, { ok = false, error = newError(code, request.name, message) })
end

---Times out everything whose deadline is at or before now.
function Pending:expire(now)
  local n, h, slots = 0, self.heap, self.slots
  while h[1] ~= nil and h[1] <= now do
    local slot = popSlot(h)
    local ids = slots[slot]
    slots[slot] = nil
    if ids then
      for id in pairs(ids) do
        if self:fail(id, 'TIMEOUT') then n = n + 1 end
      end
    end
  end
  return n
end

function Pending:failPlayer(player, code)
  local set = self.byPlayer[player]
  if set == nil then return 0 end
  local ids, k = {}, 0
  for id in pairs(set) do k = k + 1; ids[k] = id end
  local n = 0
  for j = 1, k do if self:fail(ids[j], code or 'PLAYER_DROPPED') then n = n + 1 end end
  return n
end

function Pending:failWhere(predicate, code)
  local list, k = {}, 0
  for _, r in pairs(self.byId) do k = k + 1; list[k] = r end
  local n = 0
  for j = 1, k do
    local r = list[j]
    if predicate(r) and self:fail(r.id, code) then n = n + 1 end
  end
  return n
end

function Pending:countFor(player) return self.playerCount[player] or 0 end

function Pending:nextDeadline()
  local h, slots = self.heap, self.slots
  while h[1] ~= nil and next(slots[h[1]] or {}) == nil do slots[popSlot(h)] = nil end
  return h[1] or huge
end

return { newPending = newPending, newError = newError, isCode = isCode, Error = CbError, MESSAGES = MESSAGES }
`;
const TWIN_HOTPATH_LUA = `-- Hand-written Lua 5.4 twin of the spike's hot-path.ts. Frames are 1-based here: i points at kind.

local KIND_REQUEST, KIND_REPLY, KIND_ERROR = 1, 2, 3
local min, unpack, select, move, pcall = math.min, table.unpack, select, table.move, pcall

---@class CbHandlerEntry
---@field fn function
---@field rate number tokens per second
---@field burst number

---@class CbHotPath
---@field handlers table<string, CbHandlerEntry>
---@field buckets table<integer, table<string, {tokens: number, last: number}>>
---@field outbox any[]
---@field outCount integer
---@field now number
local HotPath = {}
HotPath.__index = HotPath

---@return CbHotPath
local function newHotPath()
  return setmetatable({ handlers = {}, buckets = {}, outbox = {}, outCount = 0, now = 0 }, HotPath)
end

function HotPath:register(name, fn, rate, burst)
  self.handlers[name] = { fn = fn, rate = rate, burst = burst }
end

function HotPath:error(id, code, message)
  local out, n = self.outbox, self.outCount
  out[n + 1], out[n + 2], out[n + 3], out[n + 4] = KIND_ERROR, id, code, message
  self.outCount = n + 4
end

-- Stores a call's results at out[at..]; returns their count, or nil when the call failed.
local function store(out, at, ok, ...)
  if not ok then return nil end
  local c = select('#', ...)
  if c == 1 then
    out[at] = ...
  elseif c > 1 then
    move({ ... }, 1, c, at, out)
  end
  return c
end

---Handles the frame at i; returns the index of the next frame.
---@param frames any[]
---@param i integer
---@param player integer
---@return integer
function HotPath:handleRequestFrame(frames, i, player)
  local kind, id, name, argc = frames[i], frames[i + 1], frames[i + 2], frames[i + 3]
  local nxt = i + 4 + argc
  if kind ~= KIND_REQUEST then return nxt end
  local entry = self.handlers[name]
  if entry == nil then
    self:error(id, 'NOT_FOUND', "callback '" .. name .. "' does not exist")
    return nxt
  end
  local perPlayer = self.buckets[player]
  if perPlayer == nil then
    perPlayer = {}
    self.buckets[player] = perPlayer
  end
  local bucket = perPlayer[name]
  local now = self.now
  if bucket == nil then
    bucket = { tokens = entry.burst, last = now }
    perPlayer[name] = bucket
  else
    bucket.tokens = min(entry.burst, bucket.tokens + (now - bucket.last) * entry.rate / 1000)
    bucket.last = now
  end
  if bucket.tokens < 1 then
    self:error(id, 'RATE_LIMITED', "callback '" .. name .. "' is rate limited, try again later")
    return nxt
  end
  bucket.tokens = bucket.tokens - 1
  local out, n = self.outbox, self.outCount
  local retc = store(out, n + 4, pcall(entry.fn, player, unpack(frames, i + 4, i + 3 + argc)))
  if retc == nil then
    self:error(id, 'HANDLER_ERROR', "callback '" .. name .. "' failed on the other side")
    return nxt
  end
  out[n + 1], out[n + 2], out[n + 3] = KIND_REPLY, id, retc
  self.outCount = n + 3 + retc
  return nxt
end

return { newHotPath = newHotPath, store = store, KIND_REQUEST = KIND_REQUEST, KIND_REPLY = KIND_REPLY, KIND_ERROR = KIND_ERROR }
`;

function write(rel, text) {
  const file = path.join(SPIKE, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

for (const dir of ['asis', 'src', 'probes', 'twin', 'out']) fs.rmSync(path.join(SPIKE, dir), { recursive: true, force: true });
for (const name of ['errors.ts', 'min-heap.ts', 'pending-requests.ts']) {
  const original = fs.readFileSync(path.join(REPO, 'src/core', name), 'utf8');
  write(`asis/core/${name}`, original);
  let adapted = original;
  for (const [from, to] of ADAPT[name]) {
    if (adapted.split(from).length !== 2) throw new Error(`ADAPT: '${from.slice(0, 60)}' is not once in ${name}: update the list`);
    adapted = adapted.replace(from, to);
  }
  write(`src/core/${name}`, adapted);
}
write('src/core/hot-path.ts', HOT_PATH_TS);
write('src/entry.ts', "export * as errors from './core/errors.ts';\nexport * as pending from './core/pending-requests.ts';\nexport * as hot from './core/hot-path.ts';\n");
write('probes/probes.ts', PROBES_TS);
write('twin/pending.lua', TWIN_PENDING_LUA);
write('twin/hotpath.lua', TWIN_HOTPATH_LUA);

// ---------------------------------------------------------------------------------------------------------------
// 2. Compile with TSTL (Lua 5.4) in every luaLibImport mode we consider.

const baseOptions = {
  target: 'ESNext', lib: ['ESNext'], module: 'ESNext', moduleResolution: 'Bundler', strict: true,
  noImplicitOverride: true, allowImportingTsExtensions: true, rewriteRelativeImportExtensions: true, types: [],
};
const src = { rootDir: 'src', include: ['src/**/*.ts'] };
const BUILDS = {
  asis: { rootDir: 'asis', include: ['asis/**/*.ts'], tstl: { luaLibImport: 'require' } },
  require: { ...src, tstl: { luaLibImport: 'require', noImplicitSelf: true } },
  'require-minimal': { ...src, tstl: { luaLibImport: 'require-minimal', noImplicitSelf: true } },
  inline: { ...src, tstl: { luaLibImport: 'inline', noImplicitSelf: true } },
  bundle: { ...src, tstl: { luaLibImport: 'require-minimal', noImplicitSelf: true, luaBundle: 'import.lua', luaBundleEntry: 'src/entry.ts' } },
  'bundle-sourcemap': {
    ...src,
    tstl: { luaLibImport: 'require-minimal', noImplicitSelf: true, luaBundle: 'import.lua', luaBundleEntry: 'src/entry.ts', sourceMapTraceback: true },
  },
  probes: { rootDir: '.', include: ['probes/*.ts', 'src/core/*.ts'], tstl: { luaLibImport: 'require', noImplicitSelf: true } },
};
const diagnostics = {};
const compileMs = {};
for (const [name, b] of Object.entries(BUILDS)) {
  const config = {
    compilerOptions: { ...baseOptions, rootDir: b.rootDir, outDir: `out/${name}` },
    include: b.include,
    tstl: { luaTarget: '5.4', ...b.tstl },
  };
  write(`tsconfig.${name}.json`, JSON.stringify(config, null, 2));
  let out = '';
  const t0 = performance.now();
  try {
    out = execFileSync(process.execPath, [TSTL, '-p', `tsconfig.${name}.json`], { cwd: SPIKE, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  compileMs[name] = performance.now() - t0;
  diagnostics[name] = out.split('\n').filter((l) => /error|warning/.test(l));
}
const read = (rel) => fs.readFileSync(path.join(SPIKE, rel), 'utf8');

// ---------------------------------------------------------------------------------------------------------------
// 3. Lua states.

const vm = await getLuaVm();
const M = vm.M;
let reports = [];

function newState() {
  const L = vm.newState();
  vm.setGlobalFunction(L, 'report', (Ls) => {
    reports.push(vm.toString(Ls, 1));
    return 0;
  });
  return L;
}

/** Loads `source` as chunk `chunkName` into package.preload[mod]. */
function preload(L, mod, source, chunkName) {
  const err = vm.load(L, source, chunkName);
  if (err) throw new Error(err);
  M._lua_setglobal(L, vm.cstr('__chunk'));
  vm.run(L, `package.preload[${JSON.stringify(mod)}] = __chunk; __chunk = nil`);
}

const TSTL_ADAPTER = `
local E = ...
local unpack, select, move = table.unpack, select, table.move
local function store(out, at, ...)
  local c = select('#', ...)
  if c == 1 then out[at] = ... elseif c > 1 then move({ ... }, 1, c, at, out) end
  return c
end
-- The platform boundary the TS declares (hand-written in any case: varargs and multiple returns).
function invokeHandler(fn, player, frames, from, argc, out, at)
  return store(out, at + 1, fn(player, unpack(frames, from + 1, from + argc)))
end
local function new(C) local o = setmetatable({}, C.prototype); o:____constructor(); return o end
impl = {
  base = 0,
  newPending = function() return new(E.pending.PendingRequests) end,
  newHotPath = function() return new(E.hot.HotPath) end,
}`;

const TWIN_ADAPTER = `
local P, H = require('cb.pending'), require('cb.hotpath')
impl = { base = 1, newPending = P.newPending, newHotPath = H.newHotPath }`;

/** Each variant: the runtime files and how to load them (so load time includes everything a resource would run). */
const tstlModules = (build, lualib) => [
  ...(lualib ? [['lualib_bundle', `out/${build}/lualib_bundle.lua`]] : []),
  ['core.errors', `out/${build}/core/errors.lua`],
  ['core.min-heap', `out/${build}/core/min-heap.lua`],
  ['core.pending-requests', `out/${build}/core/pending-requests.lua`],
  ['core.hot-path', `out/${build}/core/hot-path.lua`],
  ['entry', `out/${build}/entry.lua`],
];
const VARIANTS = {
  'tstl require': { files: tstlModules('require', true) },
  'tstl require-minimal': { files: tstlModules('require-minimal', true) },
  'tstl inline': { files: tstlModules('inline', false) },
  'tstl bundle (one import.lua)': { bundle: 'out/bundle/import.lua' },
  'hand-written twin': { files: [['cb.pending', 'twin/pending.lua'], ['cb.hotpath', 'twin/hotpath.lua']], twin: true },
};
for (const v of Object.values(VARIANTS)) {
  v.paths = v.bundle ? [v.bundle] : v.files.map(([, f]) => f);
  v.sources = v.paths.map(read);
}

function setup(L, v, bundleChunkName = '@callback_bridge/import.lua') {
  if (v.bundle) {
    const err = vm.load(L, v.sources[0], bundleChunkName);
    if (err) throw new Error(err);
    if (vm.pcall(L, 0, 1)) throw new Error('bundle failed');
    M._lua_setglobal(L, vm.cstr('__E'));
    vm.run(L, `local f = assert(load(${JSON.stringify(TSTL_ADAPTER)})); f(__E)`);
    return;
  }
  v.files.forEach(([mod, file], k) => preload(L, mod, v.sources[k], `@${v.twin ? 'callback_bridge/' : ''}${file.replace(/^out\/[^/]+\//, '')}`));
  if (v.twin) vm.run(L, TWIN_ADAPTER);
  else vm.run(L, `local f = assert(load(${JSON.stringify(TSTL_ADAPTER)})); f(require('entry'))`);
}

const BENCH_LUA = `
local impl = impl
local OK = { ok = true, values = { n = 0 } }
local function done() end

function benchPending(N)
  local p = impl.newPending()
  for i = 1, N do
    p:add({ id = i, name = 'cb', player = (i % 64) + 1, resource = 'res', startedAt = 0, deadline = 1000 + (i % 5000), done = done })
    if i > 100 then p:settle(i - 100, OK) end
  end
  for i = N - 99, N do p:settle(i, OK) end
  assert(p.size == 0, 'size ' .. tostring(p.size))
end

function benchExpire(rounds, K)
  local n = 0
  for r = 1, rounds do
    local p = impl.newPending()
    for i = 1, K do
      p:add({ id = i, name = 'cb', player = (i % 64) + 1, resource = 'res', startedAt = 0, deadline = i, done = done })
    end
    n = n + p:expire(K + 10)
  end
  assert(n == rounds * K, 'expired ' .. n)
end

-- 100 frames [kind, id, name, argc, a1, a2]: 1 in 20 unknown, 1 in 20 throwing, 1 in 10 with a nil first argument.
local NAMES = { 'cb:a', 'cb:b', 'cb:c' }
local frames, len = {}, 0
for k = 1, 100 do
  local name = (k % 20 == 0) and 'cb:missing' or (k % 20 == 10) and 'cb:err' or NAMES[k % 3 + 1]
  frames[len + 1], frames[len + 2], frames[len + 3], frames[len + 4] = 1, k, name, 2
  if k % 10 ~= 3 then frames[len + 5] = k end
  frames[len + 6] = 'x'
  len = len + 6
end

local function newServer()
  local hp = impl.newHotPath()
  hp:register('cb:a', function(player, a, b) return a, b end, 1000, 20)
  hp:register('cb:b', function(player, a) return a end, 1000, 20)
  hp:register('cb:c', function() end, 1000, 20)
  hp:register('cb:err', function() error('nope') end, 1000, 20)
  return hp
end

function benchFrames(batches, digest)
  local hp = newServer()
  local base = impl.base
  local last = len + base
  local parts = {}
  for b = 1, batches do
    hp.now = b
    hp.outCount = 0
    local player = b % 32 + 1
    local i = base
    while i < last do i = hp:handleRequestFrame(frames, i, player) end
    if digest then
      local out = hp.outbox
      for k = 1, hp.outCount do parts[#parts + 1] = tostring(out[k]) end
      parts[#parts + 1] = '|'
    end
  end
  if digest then report(table.concat(parts, ',')) end
end

function benchMemory(K)
  local reqs = {}
  collectgarbage('collect'); collectgarbage('collect')
  local before = collectgarbage('count')
  for i = 1, K do
    reqs[i] = { id = i, name = 'cb', player = (i % 64) + 1, resource = 'res', startedAt = 0, deadline = 1000 + (i % 5000), done = done }
  end
  collectgarbage('collect'); collectgarbage('collect')
  local base = collectgarbage('count')
  local p = impl.newPending()
  for i = 1, K do p:add(reqs[i]) end
  collectgarbage('collect'); collectgarbage('collect')
  report(string.format('%.1f %.1f', collectgarbage('count') - base, base - before))
  return p
end`;

function time(L, code) {
  const t0 = performance.now();
  vm.run(L, code);
  return performance.now() - t0;
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)] };
};

// ---------------------------------------------------------------------------------------------------------------
// 4. Measure.

const results = {};
const digests = {};
for (const [name, v] of Object.entries(VARIANTS)) {
  const r = (results[name] = {});
  // Load time: compile + run every runtime chunk in a fresh state.
  const loads = [];
  for (let k = 0; k < RUNS; k++) {
    const L = newState();
    const t0 = performance.now();
    setup(L, v);
    loads.push(performance.now() - t0);
    vm.close(L);
  }
  r.load = stats(loads);
  r.lines = v.sources.reduce((n, s) => n + s.split('\n').length, 0);
  r.kb = v.sources.reduce((n, s) => n + Buffer.byteLength(s), 0) / 1024;

  const L = newState();
  setup(L, v);
  vm.run(L, BENCH_LUA, '=bench');
  reports = [];
  vm.run(L, 'benchFrames(40, true)');
  digests[name] = reports[0];
  vm.run(L, 'benchPending(20000) benchFrames(200) benchExpire(1, 10000)'); // warm-up
  const a = [], b = [], e = [];
  for (let k = 0; k < RUNS; k++) {
    vm.run(L, "collectgarbage('collect')");
    a.push(time(L, `benchPending(${OPS})`));
    vm.run(L, "collectgarbage('collect')");
    b.push(time(L, `benchFrames(${OPS / 100})`));
    vm.run(L, "collectgarbage('collect')");
    e.push(time(L, `benchExpire(${OPS / 10000}, 10000)`));
  }
  r.pending = stats(a);
  r.frames = stats(b);
  r.expire = stats(e);
  reports = [];
  vm.run(L, 'benchMemory(10000)');
  const [engineKb, requestsKb] = reports[0].split(' ').map(Number);
  r.memKb = engineKb;
  r.requestsKb = requestsKb;
  vm.close(L);
}

// Error readability: a malformed frame (argc missing) reaching the hot path, through xpcall(debug.traceback).
const ERROR_PROBE = `
local hp = impl.newHotPath()
hp:register('cb:a', function() end, 1, 1)
local ok, tb = xpcall(hp.handleRequestFrame, debug.traceback, hp, { 1, 7, 'cb:a' }, impl.base, 1)
report(tb)`;
const traces = {};
for (const [name, v] of [
  ['tstl bundle', VARIANTS['tstl bundle (one import.lua)']],
  ['tstl bundle + sourceMapTraceback', { bundle: 'out/bundle-sourcemap/import.lua', sources: [read('out/bundle-sourcemap/import.lua')] }],
  ['hand-written twin', VARIANTS['hand-written twin']],
]) {
  const L = newState();
  setup(L, v);
  reports = [];
  vm.run(L, ERROR_PROBE);
  traces[name] = reports[0].split('\n').slice(0, 5).join('\n');
  vm.close(L);
}

// The core as it is in the repo, compiled with TSTL defaults.
const asis = {};
{
  const L = newState();
  asis.errorsLoad = vm.load(L, read('out/asis/core/errors.lua'), '@core/errors.lua') ?? 'loads';
  vm.close(L);
}
{
  // pending-requests.ts as it is, with the adapted errors module: expire() on a heap that empties.
  const L = newState();
  preload(L, 'lualib_bundle', read('out/require/lualib_bundle.lua'), '@lualib_bundle.lua');
  preload(L, 'core.errors', read('out/require/core/errors.lua'), '@core/errors.lua');
  preload(L, 'core.min-heap', read('out/asis/core/min-heap.lua'), '@core/min-heap.lua');
  preload(L, 'core.pending-requests', read('out/asis/core/pending-requests.lua'), '@core/pending-requests.lua');
  reports = [];
  vm.run(L, `
local P = require('core.pending-requests').PendingRequests
local function new() local o = setmetatable({}, P.prototype); o:____constructor(); return o end
local p = new()
local ok, err = pcall(p.expire, p, 5)
report('expire on an empty heap: ' .. (ok and ('returned ' .. tostring(err)) or err))
p = new()
p:add({ id = 1, name = 'cb', player = 3, resource = 'r', startedAt = 0, deadline = 5, done = function() end })
debug.sethook(function() error('still running after 10M instructions', 0) end, '', 10000000)
ok, err = pcall(p.expire, p, 20)
debug.sethook()
report('expire with one due request: ' .. (ok and ('returned ' .. tostring(err)) or err))`);
  asis.expire = reports;
  vm.close(L);
}

// Probes: the same TS run as JS (here, through tsx) and as TSTL Lua.
const PROBE_INPUTS = {
  catchLuaError: [() => { throw 'boom'; }, "function() error('boom') end"],
  multiReturnIn: [() => [1, 2], 'function() return 1, 2 end'],
};
const jsProbes = await import(pathToFileURL(path.join(SPIKE, 'probes/probes.ts')).href);
const probeRows = [];
{
  const L = newState();
  preload(L, 'lualib_bundle', read('out/probes/lualib_bundle.lua'), '@lualib_bundle.lua');
  preload(L, 'src.core.errors', read('out/probes/src/core/errors.lua'), '@src/core/errors.lua');
  preload(L, 'probes.probes', read('out/probes/probes/probes.lua'), '@probes/probes.lua');
  vm.run(L, "probes = require('probes.probes')");
  for (const [name, fn] of Object.entries(jsProbes)) {
    if (typeof fn !== 'function') continue;
    const input = PROBE_INPUTS[name];
    let js = input ? fn(input[0]) : fn();
    let call = `pcall(probes.${name}${input ? `, ${input[1]}` : ''})`;
    if (name === 'multiReturnOut') {
      js = `${js.length} values`;
      call = `true, select('#', probes.${name}()) .. ' value: a ' .. type((probes.${name}()))`;
    }
    reports = [];
    vm.run(L, `local ok, r = ${call} report(tostring(r))`);
    probeRows.push([name, js, reports[0]]);
  }
  vm.close(L);
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Print.

const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
const nsPer = (ms, n) => ((ms * 1e6) / n).toFixed(0);
console.log(`TypeScriptToLua ${JSON.parse(read('node_modules/typescript-to-lua/package.json')).version}, TypeScript ${JSON.parse(read('node_modules/typescript/package.json')).version}, node ${process.version}, ${RUNS} runs each (min / median)\n`);
console.log('| variant | (a) add+settle, 200k pairs, ms | ns/pair | (b) handleRequestFrame, 2000×100 frames, ms | ns/frame | timeouts: expire 20×10k, ms | (c) engine memory, 10k pending, KB | runtime Lua lines | KB | load (compile+run), ms |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const [name, r] of Object.entries(results)) {
  console.log(
    `| ${name} | ${f1(r.pending.min)} / ${f1(r.pending.median)} | ${nsPer(r.pending.median, OPS)} | ${f1(r.frames.min)} / ${f1(r.frames.median)} | ${nsPer(r.frames.median, OPS)} | ${f1(r.expire.min)} / ${f1(r.expire.median)} | ${f1(r.memKb)} | ${r.lines} | ${f1(r.kb)} | ${f2(r.load.min)} / ${f2(r.load.median)} |`,
  );
}
const reqKb = Object.values(results)[0].requestsKb;
console.log(`\nThe 10k request tables themselves (same in every variant, not counted above): ${f1(reqKb)} KB.`);
const ref = digests['hand-written twin'];
console.log(`Outbox after 40 batches identical to the twin's: ${Object.entries(digests).map(([k, d]) => `${k}: ${d === ref ? 'yes' : 'NO'}`).join(', ')} (${ref.split(',').length} values).`);
console.log(`TSTL compile time per build (ms): ${Object.entries(compileMs).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
console.log('\nTSTL diagnostics on the repo core as it is (asis):');
for (const d of diagnostics.asis) console.log(`    ${d.replace(SPIKE + '/', '')}`);
console.log(`\nOther builds: ${Object.entries(diagnostics).filter(([k]) => k !== 'asis').map(([k, d]) => `${k}: ${d.length} diagnostics`).join(', ')}`);
console.log(`\nasis errors.lua: ${asis.errorsLoad}`);
for (const line of asis.expire) console.log(`asis pending-requests.lua: ${line}`);
console.log('\n| probe | JS | TSTL Lua 5.4 | same |\n|---|---|---|---|');
for (const [name, js, lua] of probeRows) console.log(`| ${name} | ${js} | ${lua} | ${js === lua ? 'yes' : '**no**'} |`);
for (const [name, t] of Object.entries(traces)) console.log(`\nError in the hot path, ${name}:\n\`\`\`\n${t}\n\`\`\``);
