/**
 * The Lua twin against the shared vectors (README "Architecture": one source of truth, held by test vectors):
 * - test/vectors/protocol.json: the twin's batch reader accepts every valid batch as the TS reader does (same
 *   sender, same frames, nils and counts kept) and refuses every malformed one; its writer rebuilds each batch;
 * - test/vectors/validation.json: TS `validateData` and the twin's validator give exactly the listed result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import protocolVectors from '../vectors/protocol.json';
import validationVectors from '../vectors/validation.json';
import { readBatch } from '../../src/protocol/frames.ts';
import { validateData, type TableSchema } from '../../src/core/validation.ts';
import { getLuaVm, type LuaState, type LuaVm } from '../emulator/lua/lua-vm.ts';
import { luaLiteral, runForString, twinState } from './lua-support.ts';

let vm: LuaVm;
let L: LuaState;

beforeAll(async () => {
  vm = await getLuaVm();
  L = twinState(vm, ['errors', 'protocol', 'validation']);
  // Frames as JSON: lists with their own count (`n`), so a trailing nil shows as null.
  vm.run(L, `
    protocol = use('protocol')
    local LIST = {}
    local function list(t) return setmetatable(t, LIST) end
    local function enc(v)
      if getmetatable(v) == LIST then
        local parts = {}
        for i = 1, v.n do parts[i] = J(v[i]):sub(2, -2) end
        for i = 1, v.n do if parts[i] == '' then parts[i] = 'null' end end
        return '[' .. table.concat(parts, ',') .. ']'
      end
      return J(v):sub(2, -2)
    end
    function readProbe(...)
      local n = select('#', ...)
      local a = { ... }
      local from, frames = protocol.read(a, n)
      if not from then return J(false, frames) end
      local parts = {}
      for i, p in ipairs(frames) do
        local f = protocol.decode(a, p)
        local fields = { '"kind":' .. enc(f.kind), '"id":' .. enc(f.id) }
        if f.kind == protocol.REQUEST then
          fields[#fields + 1] = '"name":' .. enc(f.name)
          fields[#fields + 1] = '"args":' .. enc(list(f.args))
        elseif f.kind == protocol.REPLY then
          fields[#fields + 1] = '"values":' .. enc(list(f.values))
        else
          fields[#fields + 1] = '"code":' .. enc(f.code)
          fields[#fields + 1] = '"message":' .. enc(f.message)
        end
        parts[i] = '{' .. table.concat(fields, ',') .. '}'
      end
      return '[' .. enc(from) .. ',[' .. table.concat(parts, ',') .. ']]'
    end
    function writeProbe(buf, n)
      local parts = {}
      for i = 1, n do parts[i] = enc(buf[i]) end
      for i = 1, n do if parts[i] == '' then parts[i] = 'null' end end
      return '[' .. table.concat(parts, ',') .. ']'
    end`);
});

afterAll(() => vm.close(L));

/** The batch as the arguments of a Lua call: a list is spread, anything else is the one argument. */
const asArgs = (batch: unknown) => (Array.isArray(batch) ? batch.map(luaLiteral).join(', ') : luaLiteral(batch));

/** Lua statements that write `frames` after `from` with the twin's writer. */
function writerCalls(from: string, frames: Array<Record<string, unknown>>): string {
  const lines = [`local buf = {}`, `local n = protocol.begin(buf, ${luaLiteral(from)})`];
  for (const f of frames) {
    if (f.kind === 1) lines.push(`n = protocol.putRequest(buf, n, ${f.id}, ${luaLiteral(f.name)}, table.pack(${asArgs(f.args)}))`);
    else if (f.kind === 2) lines.push(`do local v = table.pack(${asArgs(f.values)}); n = protocol.putReply(buf, n, ${f.id}, v, 1, v.n) end`);
    else lines.push(`n = protocol.putError(buf, n, ${f.id}, ${luaLiteral(f.code)}, ${luaLiteral(f.message)})`);
  }
  lines.push('n = protocol.finish(buf, n)', '__out = writeProbe(buf, n)');
  return lines.join('\n');
}

describe('protocol vectors: the Lua reader reads like the TS reader', () => {
  for (const v of protocolVectors.valid) {
    it(`reads: ${v.name}`, () => {
      const got = JSON.parse(runForString(vm, L, `__out = readProbe(${asArgs(v.batch)})`));
      expect(got).toEqual([v.from, v.frames]);
      // The TS reader on the same vector, so both are compared to one expectation.
      expect(readBatch(v.batch as unknown[])).toEqual({ from: got[0], frames: got[1] });
    });
    it(`writes back: ${v.name}`, () => {
      expect(JSON.parse(runForString(vm, L, writerCalls(v.from, v.frames as Array<Record<string, unknown>>)))).toEqual(v.batch);
    });
  }
  /** Why the TS reader refuses `batch` (its MalformedBatch message). */
  const tsReason = (batch: unknown): string => {
    try {
      readBatch(batch as unknown[]);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };

  for (const v of protocolVectors.malformed) {
    it(`refuses: ${v.name}`, () => {
      const got = JSON.parse(runForString(vm, L, `__out = readProbe(${asArgs(v.batch)})`));
      expect(got).toEqual([false, tsReason(v.batch)]);
    });
  }

  it('a count that swallows the end marker leaves the batch without one', () => {
    // 1, 'shop', REPLY, id 9, count 2, nil, END: the two values are nil and END, so no END is left.
    const got = JSON.parse(runForString(vm, L, `__out = readProbe(1, 'shop', 2, 9, 2, nil, 0)`));
    expect(got).toEqual([false, 'missing end marker']);
    expect(tsReason([1, 'shop', 2, 9, 2, null, 0])).toBe('missing end marker');
  });

  it('a count above 255 is refused (a frame carries at most 255 values)', () => {
    const got = JSON.parse(runForString(vm, L, `
      local a = { 1, 'shop', 2, 9, 256 }
      for i = 1, 256 do a[#a + 1] = i end
      a[#a + 1] = 0
      __out = readProbe(table.unpack(a))`));
    expect(got).toEqual([false, 'bad reply']);
    expect(tsReason([1, 'shop', 2, 9, 256, ...Array.from({ length: 256 }, (_, i) => i + 1), 0])).toBe('bad reply');
  });
});

describe('validation vectors: TS validateData and the Lua twin agree', () => {
  for (const c of validationVectors.cases) {
    it(`TS: ${c.name}`, () => {
      expect(validateData(c.data, c.schema as TableSchema)).toEqual({ valid: c.valid, errors: c.errors });
    });
    it(`Lua: ${c.name}`, () => {
      const got = runForString(vm, L, `
        local r = use('validation').validate(${luaLiteral(c.data)}, ${luaLiteral(c.schema)})
        __out = J(r.valid, r.errors)`);
      expect(JSON.parse(got)).toEqual([c.valid, c.errors]);
    });
  }

  it('Lua: a function reference (a table that crossed the network) is a function, as TS sees it', () => {
    const got = runForString(vm, L, `
      local ref = { __cfx_functionReference = 'res:1:2' }
      local r1 = use('validation').validate({ f = ref, g = 1 }, { types = { f = 'function', g = 'function' } })
      local r2 = use('validation').validate(ref, {})
      __out = J(r1.errors, r2.errors)`);
    expect(JSON.parse(got)).toEqual([["field 'g' must be function (got number)"], ['data must be a table (got function)']]);
    expect(validateData({ f: () => 0, g: 1 }, { types: { f: 'function', g: 'function' } }).errors).toEqual(["field 'g' must be function (got number)"]);
    expect(validateData(() => 0, {}).errors).toEqual(['data must be a table (got function)']);
  });
});
