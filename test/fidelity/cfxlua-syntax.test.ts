/**
 * CfxLua syntax extensions (ref §5.3), checked by transforming source and running it in real Lua 5.4 (wasmoon).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CFXLUA_PROLOGUE, joaat, transformCfxLua } from '../emulator/lua/cfxlua-transform';
import { getLuaVm, type LuaVm } from '../emulator/lua/lua-vm';
import { cfxLuaError, runCfxLua } from '../support/lua-probe.ts';

let vm: LuaVm;
beforeAll(async () => {
  vm = await getLuaVm();
});

/** Runs CfxLua `src` in a fresh state, then returns `tostring(e)` for each plain-Lua expression in `exprs`. */
const run = (src: string, ...exprs: string[]) => runCfxLua(vm, src, {}, ...exprs);

/** The error message CfxLua `src` raises (load or run), or '' if none. */
const errorOf = (src: string) => cfxLuaError(vm, src);

const lineCount = (s: string) => s.split(/\r\n|\n\r|\n|\r/).length;

/** Independent reference: textbook one-at-a-time over BigInt, with C's signed `char` for bytes >= 0x80. */
function referenceJoaat(s: string): number {
  const M = 0xffffffffn;
  let h = 0n;
  for (const byte of Buffer.from(s, 'utf8')) {
    const lower = byte >= 65 && byte <= 90 ? byte + 32 : byte;
    const signed = lower >= 128 ? lower - 256 : lower;
    h = (h + BigInt(signed)) & M;
    h = (h + (h << 10n)) & M;
    h ^= h >> 6n;
  }
  h = (h + (h << 3n)) & M;
  h ^= h >> 11n;
  h = (h + (h << 15n)) & M;
  return Number(BigInt.asIntN(32, h));
}

describe('backtick hashes (ref §5.3, compile-time joaat)', () => {
  it('ref §5.3: joaat matches well-known GTA hashes and the CfxLua README values', () => {
    expect(joaat('adder')).toBe(0xb779a091 | 0);
    expect(joaat('WEAPON_PISTOL')).toBe(0x1b06d571);
    expect(joaat('mp_m_freemode_01')).toBe(0x705e61f2);
    expect(joaat('Hello, World!')).toBe(1395890823);
    expect(joaat('CPed')).toBe(-1803413927);
  });

  it('ref §5.3: joaat equals an independent reference loop (lower-cased bytes, sign-extended int32)', () => {
    const samples = ['', 'a', 'A', 'prop_bench_01a', 'MiXeD_Case-123', 'ü', 'ŝpéçïål ☃', 'x'.repeat(300)];
    let seed = 7;
    for (let i = 0; i < 50; i++) {
      let s = '';
      for (let j = 0; j < (i % 17) + 1; j++) s += String.fromCharCode(32 + ((seed = (seed * 1103515245 + 12345) >>> 0) % 95));
      samples.push(s);
    }
    for (const s of samples) expect(joaat(s), s).toBe(referenceJoaat(s));
  });

  it('ref §5.3: `name` becomes an integer literal, lower-cased and signed', () => {
    const [v, type, same] = run('v = `adder` t = math.type(v) same = `ADDER` == `adder`', 'v', 't', 'same');
    expect(v).toBe(String(joaat('adder')));
    expect(type).toBe('integer');
    expect(same).toBe('true');
  });

  it('ref §5.3: a hash is a call argument without parentheses, like a string', () => {
    const src = 'function f(h) return h end obj = { m = function(self, h) return h end }\n' +
      'a = f `adder` b = obj:m `adder` c = (f `adder`) + 1';
    expect(run(src, 'a', 'b', 'c')).toEqual([joaat('adder'), joaat('adder'), joaat('adder') + 1].map(String));
  });

  it('ref §5.3: a negative hash keeps value semantics (no call on the next line, ^ binds to the hash)', () => {
    const src = 'ran = false\nlocal h = `adder`\n(function() ran = true end)()\nh2 = h\np = `adder` ^ 2';
    const [ran, h2, p] = run(src, 'ran', 'h2', 'p');
    expect(ran).toBe('true');
    expect(h2).toBe(String(joaat('adder')));
    expect(Number(p)).toBeCloseTo(joaat('adder') ** 2, -5);
  });

  it('ref §5.3: a hash touching words or `..` stays a separate token', () => {
    const [a, b] = run('a = `a`and`b`or 1 b = `hello`..""', 'a', 'b');
    expect([a, b]).toEqual([String(joaat('b')), String(joaat('hello'))]);
  });

  it('ref §5.3: escapes inside backticks are decoded before hashing, like a quoted string', () => {
    expect(run('v = `a\\x62c`', 'v')).toEqual([String(joaat('abc'))]);
  });

  it('ref §5.3: the runtime joaat(s[, ignoreCase]) agrees with the compile-time hash', () => {
    const [a, b, c, d, e] = run('a = joaat("Adder") b = joaat("Adder", true) c = joaat(42) d = joaat(true) e = joaat("ŝpé")',
      'a', 'b', 'c', 'd', 'e');
    expect([a, b, c, d, e]).toEqual([joaat('adder'), joaat('Adder', true), 42, 1, joaat('ŝpé')].map(String));
    expect(errorOf('joaat({})')).toMatch(/bad argument #1 to 'joaat' \(string expected, got table\)/);
  });
});

describe('compound assignment (ref §5.3)', () => {
  const cases: [string, string][] = [
    ['+=', '+'], ['-=', '-'], ['*=', '*'], ['/=', '/'], ['//=', '//'], ['%=', '%'],
    ['<<=', '<<'], ['>>=', '>>'], ['&=', '&'], ['|=', '|'], ['^=', '~'],
  ];
  for (const [cop, op] of cases) {
    it(`ref §5.3: x ${cop} e is x = x ${op} (e)`, () => {
      const [got, want] = run(`x = 13 x ${cop} 3 + 2 want = 13 ${op} (3 + 2)`, 'x', 'want');
      expect(got).toBe(want);
    });
  }

  it('ref §5.3: ^= is bitwise XOR, not power', () => {
    expect(run('x = 6 x ^= 3', 'x', 'math.type(x)')).toEqual(['5', 'integer']);
  });

  it('ref §5.3: ..= concatenates', () => {
    expect(run('s = "a" s ..= "b" .. "c"', 's')).toEqual(['abc']);
  });

  it('ref §5.3: the whole right-hand expression is the operand (x += a and b or c, x *= 2 + 3)', () => {
    expect(run('a, b, c = false, 10, 20 x = 1 x += a and b or c y = 2 y *= 2 + 3 z = 2 z -= -1 ^ 2', 'x', 'y', 'z'))
      .toEqual(['21', '10', '3.0']); // z = 2 - (-(1 ^ 2)): unary minus binds looser than ^
  });

  it('ref §5.3: x ..= f(a)(b):c() takes a full suffixed expression', () => {
    const src = 'function f(a) return function(b) return { c = function(self) return a .. b end } end end\n' +
      'x = ">" x ..= f("p")("q"):c()';
    expect(run(src, 'x')).toEqual(['>pq']);
  });

  it('ref §5.3: indexed targets (t[i+1] -= 2, t.a[i] += e, t.a.b *= e)', () => {
    const src = 't = {1, 5, 9, a = {10, 20, b = 3}, k = 1} i = 1\nt[i+1] -= 2 t.a[i] += i * 4 t.a.b *= 2 t.a["b"] += 1 t[ [[k]] ] += 1';
    expect(run(src, 't[2]', 't.a[1]', 't.a.b', 't.k')).toEqual(['3', '14', '7', '2']);
  });

  it('ref §5.3: the target table and key are evaluated once', () => {
    const src = 'calls = 0 t = {{n = 1}} function g() calls = calls + 1 return 1 end\n' +
      't[g()].n += 1 t[g()]["n"] += 1 tt = setmetatable({}, {__index = function(_, k) calls = calls + 100 return t[1] end})\n' +
      'tt.x.n += 1';
    expect(run(src, 'calls', 't[1].n')).toEqual(['102', '4']);
  });

  it('ref §5.3: a desugared statement does not merge with a statement written right after it', () => {
    expect(run('t = {a = {b = 1}} function f() return 2 end t.a.b += f()x = 5', 't.a.b', 'x')).toEqual(['3', '5']);
  });

  it('ref §5.3: compound statements inside one-line blocks and functions', () => {
    const src = 'x = 0 if true then x += 1 end for i = 1, 3 do x += i end\n' +
      'local function f() local y = 1 y <<= 3 return y end while x < 100 do x *= 2 end z = f()';
    expect(run(src, 'x', 'z')).toEqual(['112', '8']);
  });

  it('ref §5.3: a compound right-hand side may contain CfxLua syntax too', () => {
    const src = 't = {a = {b = 2}} x = 1 x += t?.a?.b + #{ .k } y = 0 y |= `adder` & 0xFF';
    expect(run(src, 'x', 'y')).toEqual(['3', String(joaat('adder') & 0xff)]);
  });

  it('ref §5.3: compound assignment on several targets is a syntax error', () => {
    expect(errorOf('a, b = 1, 2\na, b += 1')).toMatch(/^\(src\):2:/);
  });
});

describe('safe navigation (ref §5.3)', () => {
  it('ref §5.3: t?.x is t when t is nil or false, else t.x', () => {
    const src = 't = {x = 1} f = false a = t?.x b = n?.x c = f?.x d = t?["x"] e = n?[1]';
    expect(run(src, 'a', 'b', 'c', 'd', 'e')).toEqual(['1', 'nil', 'false', '1', 'nil']);
  });

  it('ref §5.3: chains a?.b?.c, calls a?.b(1) and method calls on the result', () => {
    const src = 'a = {b = {c = 3, f = function(v) return v * 2 end, o = {m = function(self, v) return v + 1 end}}}\n' +
      'r1 = a?.b?.c r2 = a?.x?.c r3 = a?.b.c r4 = a?.b.f(21) r5 = a?.b?.o:m(1) r6 = (a?.q)';
    expect(run(src, 'r1', 'r2', 'r3', 'r4', 'r5', 'r6')).toEqual(['3', 'nil', '3', '42', '2', 'nil']);
  });

  it('ref §5.3: only the ?. step is guarded: n?.b.c still indexes nil (as in lparser.c)', () => {
    expect(errorOf('local n\nx = n?.b.c')).toMatch(/^\(src\):2: attempt to index a nil value/);
  });

  it('ref §5.3: the navigated expression is evaluated once', () => {
    const src = 'calls = 0 function g() calls = calls + 1 return {k = {v = 5}} end v = g()?.k?["v"]';
    expect(run(src, 'v', 'calls')).toEqual(['5', '1']);
  });
});

describe('in unpacking (ref §5.3)', () => {
  it('ref §5.3: local a, b in t is local a, b = t.a, t.b', () => {
    expect(run('local t = {a = 1, b = 2} local a, b in t x, y = a, b', 'x', 'y')).toEqual(['1', '2']);
  });

  it('ref §5.3: a, b in t assigns existing variables, t.f keys by its field name', () => {
    const src = 'local t = {a = 1, b = 2, f = 3} local a, b = 0, 0 o = {} a, b, o.f in t x, y = a, b';
    expect(run(src, 'x', 'y', 'o.f')).toEqual(['1', '2', '3']);
  });

  it('ref §5.3: a non-name source is evaluated once; attributes are kept', () => {
    const src = 'calls = 0 function g() calls = calls + 1 return {a = "A", b = "B"} end\n' +
      'local a <const>, b in g() x = a .. b';
    expect(run(src, 'x', 'calls')).toEqual(['AB', '1']);
  });
});

describe('set constructors and C comments (ref §5.3)', () => {
  it('ref §5.3: { .a, .b } is { a = true, b = true }, also mixed with other fields', () => {
    const src = 't = { .a, .b } u = { 7, .c, d = 4, ["e"] = 5; .f = "F" }';
    expect(run(src, 't.a', 't.b', 'u[1]', 'u.c', 'u.d', 'u.e', 'u.f', '#u')).toEqual(['true', 'true', '7', 'true', '4', '5', 'F', '1']);
  });

  it('ref §5.3: /* */ comments are comments, on one line or several', () => {
    const src = 'x = 1 /* x = 2 */ + /* multi\nline -- */ 2\ny = 3';
    expect(run(src, 'x', 'y')).toEqual(['3', '3']);
    expect(lineCount(transformCfxLua(src))).toBe(3);
  });
});

describe('what the transform must not touch (ref §5.3)', () => {
  it('ref §5.3: strings and comments containing CfxLua syntax are left alone', () => {
    const src = [
      'a = "x += 1 `adder` t?.x { .a } /* c */"',
      "b = 'y ^= 2 \\' a, b in t'",
      'c = [==[ ]] `adder` /* ]==]',
      '-- x += 1 `adder`',
      '--[[ y ^= 2 ]] d = "--[[ not a comment ]]"',
      'e = "\\z',
      '     x += 1"',
    ].join('\n');
    const out = transformCfxLua(src);
    expect(out).toBe(src);
    expect(run(src, 'a', 'b', 'c', 'd', 'e')).toEqual([
      'x += 1 `adder` t?.x { .a } /* c */', "y ^= 2 ' a, b in t", ' ]] `adder` /* ', '--[[ not a comment ]]', 'x += 1']);
  });

  it('ref §5.3: plain Lua 5.4 passes through byte for byte', () => {
    const src = [
      'local x <const> = 0x1p4 + 3e-2 + 0xA.8 // 1 >> 2 << 1 ~ 5 & 3 | ~0',
      'local t = { [1] = "a", b = {...}, f = function(...) return ... end; }',
      'goto skip ::skip:: for i = 10, 1, -1 do if i % 2 == 0 then break elseif i ~= 3 then end end',
      'repeat local y = #t until y >= 0 while false do end print(("%d"):format(1), t.b[1], not x <= 3)',
      'local s <close> = nil return',
    ].join('\r\n');
    expect(transformCfxLua(src)).toBe(src);
  });
});

describe('line numbers (ref §5.3: stack traces point at the source line)', () => {
  it('ref §5.3: lines stay put across every extension, including multi-line ones', () => {
    const src = [
      'lines = {} local function mark() lines[#lines + 1] = debug.getinfo(2, "l").currentline end', // 1
      'local t = { .a, /* two', // 2
      'lines */ .b } mark()', // 3
      'local x = 1 x += t?.a and 2', // 4
      '  or 3 mark()', // 5
      't[', // 6
      '  1] = 5 t[#t', // 7
      '] += [[long', // 8
      'string]] and 1 mark() local a, b in', // 9
      '  t mark() h = `adder` --[[ c', // 10
      ']] mark() x ^= 1', // 11
      'mark()', // 12
      'error("boom")', // 13
    ].join('\n');
    expect(lineCount(transformCfxLua(src))).toBe(13);
    const L = vm.newState();
    try {
      expect(() => vm.run(L, CFXLUA_PROLOGUE + transformCfxLua(src), '=(src)')).toThrow(/^\(src\):13: boom$/);
      vm.run(L, '__probe = table.concat(lines, ",")');
      vm.M._lua_getglobal(L, vm.cstr('__probe'));
      expect(vm.toString(L, -1)).toBe('3,5,9,10,11,12');
    } finally {
      vm.close(L);
    }
  });

  it('ref §5.3: any input, valid or not, keeps its line count and never throws (seeded fuzz)', () => {
    const pieces = ['x', ' += ', '`adder`', '?.', '?[', '{ .a, ', '}', '/* c\n */', '--[[\n]]', '"s\\\n"', '[[\n]]', '\n',
      '\r\n', 'local a, b in t', ' end ', ' if x then ', '(', ')', '[', ']', ' ^= ', ' .. ', 'f `x`', ';', ' = ', '1', '`'];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) % pieces.length;
    for (let i = 0; i < 500; i++) {
      let src = '';
      for (let j = 0; j < 1 + (i % 40); j++) src += pieces[next()];
      expect(lineCount(transformCfxLua(src)), JSON.stringify(src)).toBe(lineCount(src));
    }
  });

  it('ref §5.3: a runtime error inside a desugared statement reports its own line', () => {
    expect(errorOf('local t = {}\n\nt.a.b += 1')).toMatch(/^\(src\):3: attempt to index a nil value/);
    expect(errorOf('x = nil\n\nx += 1')).toMatch(/^\(src\):3: attempt to perform arithmetic on a nil value \(global 'x'\)/);
  });

  it('ref §5.3: invalid source is reported by Lua at the right line', () => {
    expect(errorOf('x = 1\n`adder` = 2')).toMatch(/^\(src\):2:/);
    expect(errorOf('x = 1\ny = {\n')).toMatch(/^\(src\):3:/);
    expect(errorOf('x = "unfinished\n')).toMatch(/^\(src\):1:/);
  });
});
