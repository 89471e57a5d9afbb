/**
 * The JS codec against the oracle: npm msgpack-lite 0.2.2 with FiveM's options and the two documented patches
 * (ref §2.1): functions → ext 10 carrying the ref string, integers in [2^31, 2^32) → float64.
 */
import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import msgpack from 'msgpack-lite';
import { createJsCodec, ExtBuffer, type JsCodecHooks } from '../emulator/msgpack/js-codec.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** A plain Uint8Array: given a Node Buffer, msgpack-lite reads str with Buffer#toString, which FiveM never does. */
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const utf8 = new TextEncoder();

/** Ref strings whose length follows the function's arity, so every ext header size gets exercised. */
const refOf = (fn: Function): string => 'r'.repeat([9, 1, 2, 4, 8, 16, 255, 300][fn.length % 8]);
const unpacked: string[] = [];
const hooks: JsCodecHooks = {
  packFunction: refOf,
  unpackFuncRef: (ref) => {
    unpacked.push(ref);
    return `funcref(${ref})`;
  },
};
const ours = createJsCodec(hooks);

function createOracle() {
  const codec: any = msgpack.createCodec({ uint8array: true, preset: false, binarraybuffer: true } as any);
  const toExt = (fn: Function) => utf8.encode(refOf(fn));
  codec.addExtPacker(10, Function, toExt);
  codec.addExtPacker(10, (async () => {}).constructor, toExt);
  codec.addExtUnpacker(10, (b: Uint8Array) => hooks.unpackFuncRef(new TextDecoder().decode(b)));
  codec.addExtUnpacker(11, (b: Uint8Array) => hooks.unpackFuncRef(new TextDecoder().decode(b)));
  const base = codec.encode;
  // Patch 1: functions go through the ext packers (generators have none → nil). Patch 2: [2^31, 2^32) → cb.
  codec.encode = (encoder: any, value: unknown) => {
    if (typeof value === 'function') {
      const packer = codec.getExtPacker(value);
      return base(encoder, packer ? packer(value) : undefined);
    }
    if (typeof value === 'number' && Number.isInteger(value) && value >= 2 ** 31 && value < 2 ** 32) {
      const b = new Uint8Array(9);
      b[0] = 0xcb;
      new DataView(b.buffer).setFloat64(1, value);
      return encoder.send(b);
    }
    return base(encoder, value);
  };
  return {
    pack: (v: unknown): Uint8Array => msgpack.encode(v, { codec } as any),
    unpack: (b: Uint8Array): any => msgpack.decode(b as any, { codec } as any),
  };
}
const oracle = createOracle();

/** Same bytes as the oracle, or the same error. */
function expectSameBytes(value: unknown): void {
  let want: string;
  try {
    want = hex(oracle.pack(value));
  } catch (e) {
    expect(() => ours.pack(value)).toThrow((e as Error).message);
    return;
  }
  expect(hex(ours.pack(value))).toBe(want);
}

/** Tiny seeded PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING_NUMBERS = [
  0, -0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2,
  -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 32), 0.5, -1.5, 1e300, 5e-324,
  NaN, Infinity, -Infinity, 3.14159,
];

function randomString(r: () => number): string {
  const n = [0, 1, 5, 31, 32, 40, 100, 255, 256, 300][Math.floor(r() * 10)];
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r();
    s += String.fromCharCode(
      k < 0.6 ? 32 + Math.floor(r() * 95) : k < 0.75 ? 0x80 + Math.floor(r() * 0x780)
      : k < 0.9 ? 0x800 + Math.floor(r() * 0xf7ff) : 0xd800 + Math.floor(r() * 0x800), // incl. lone surrogates
    );
  }
  return k2(r) ? s + '😀' : s;
}
const k2 = (r: () => number): boolean => r() < 0.2;

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 2 ? 9 : 15));
  switch (k) {
    case 0: return INTERESTING_NUMBERS[Math.floor(r() * INTERESTING_NUMBERS.length)];
    case 1: return Math.floor((r() - 0.5) * 2 ** (1 + Math.floor(r() * 60)));
    case 2: return (r() - 0.5) * 10 ** Math.floor(r() * 20);
    case 3: return randomString(r);
    case 4: return [true, false, null, undefined][Math.floor(r() * 4)];
    case 5: return new Uint8Array(Math.floor(r() * 300)).map(() => Math.floor(r() * 256)).buffer;
    case 6: return [function () {}, async (a: number) => a, function* () {}, (a: number, b: number) => a + b][Math.floor(r() * 4)];
    case 7: return [new Uint8Array([1, 2, 3]), Buffer.from('ab'), new Float32Array([1.5]), new Map([[1, 2]]), new Date(0), new Set([1])][Math.floor(r() * 6)];
    case 8: return Symbol('s');
    default: {
      const n = [0, 1, 3, 15, 16, 17][Math.floor(r() * 6)];
      if (k % 2) return Array.from({ length: n }, () => randomValue(r, depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) o[r() < 0.3 ? String(Math.floor(r() * 50)) : randomString(r)] = randomValue(r, depth + 1);
      return o;
    }
  }
}

describe('JS codec: bytes equal to msgpack-lite 0.2.2 + FiveM patches', () => {
  it('ref §2.1: every row of the encoding table', () => {
    const sparse: number[] = [];
    sparse[0] = 1;
    sparse[3] = 4;
    class Point { x = 1; y = 2; len() { return 0; } }
    const table: Array<[unknown, string]> = [
      [undefined, 'c0'], [null, 'c0'], [Symbol('x'), 'c0'], [function* () {}, 'c0'], [async function* () {}, 'c0'],
      [[1, undefined, 3], '9301c003'], [sparse, '9401c0c004'], [{ a: undefined, b: 1 }, '82a161c0a16201'],
      [127, '7f'], [128, 'cc80'], [256, 'cd0100'], [65536, 'ce00010000'], [-33, 'd0df'], [-32769, 'd2ffff7fff'],
      [2147483648, 'cb41e0000000000000'], [4294967295, 'cb41efffffffe00000'], [2 ** 32, 'cb41f0000000000000'],
      [1.5, 'cb3ff8000000000000'], [-0, '00'], [NaN, 'cb7ff0000000000001'], [Infinity, 'cb7ff0000000000000'],
      ['', 'a0'], ['é', 'a2c3a9'], ['x'.repeat(32), 'd920' + '78'.repeat(32)],
      [new Uint8Array([1, 2]).buffer, 'c4020102'], [new Uint8Array([7, 8]), '82a13007a13108'],
      [new Map([[1, 2]]), '80'], [new Set([1]), '80'], [new Date(0), '80'], [new Error('x'), '80'],
      [new Point(), '82a17801a17902'], [function () {}, 'c7090a' + '72'.repeat(9)], [async () => {}, 'c7090a' + '72'.repeat(9)],
    ];
    for (const [value, bytes] of table) {
      expect(hex(ours.pack(value)), String(value)).toBe(bytes);
      expectSameBytes(value);
    }
  });

  it('ref §2.1: BigInt throws the same error as msgpack-lite', () => {
    expect(() => ours.pack(5n)).toThrow('Unsupported type "bigint": 5');
    expect(() => ours.pack({ a: [1n] })).toThrow('Unsupported type "bigint": 1');
    expectSameBytes(5n);
  });

  it('ref §2.1: number, string, bin, array, map and ext header boundaries', () => {
    for (const n of INTERESTING_NUMBERS) expectSameBytes(n);
    for (const len of [31, 32, 255, 256, 65535, 65536]) {
      expectSameBytes('a'.repeat(len));
      expectSameBytes('é'.repeat(len >> 1));
      expectSameBytes(new Uint8Array(len).buffer);
      expectSameBytes(Array.from({ length: len }, (_, i) => i & 1));
    }
    for (const len of [0, 254, 255, 256]) expectSameBytes(new Uint8Array(len).buffer);
    for (const keys of [15, 16, 65536]) expectSameBytes(Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i])));
    for (let arity = 0; arity < 8; arity++) expectSameBytes(new Function(...Array.from({ length: arity }, (_, i) => `a${i}`), ''));
  });

  it('ref §2.1: odd strings (lone surrogates, long non-ASCII) give msgpack-lite bytes', () => {
    for (const s of ['\ud800', 'a\udc00b', 'x\ud83d', '\udfff\ud800', '😀'.repeat(30), 'é'.repeat(20), 'é'.repeat(200), '日本語'.repeat(50)]) {
      expectSameBytes(s);
    }
  });

  it('ref §2.1: odd objects (constructor named Function, fake ArrayBuffer tag, null prototype)', () => {
    expectSameBytes({ constructor: Function });
    expectSameBytes({ [Symbol.toStringTag]: 'ArrayBuffer' });
    expectSameBytes(Object.assign(Object.create(null), { a: 1 }));
    expectSameBytes(Object.assign(() => 1, { extra: 2 }));
  });

  it('ref §2.1: values from another vm context (realm) encode the same', () => {
    const ctx = vm.createContext({});
    const foreign = vm.runInContext(
      `[ [1, 2], new Uint8Array([1, 2]), function () {}, async () => 1, function* () {}, new Map([[1, 2]]),
         new ArrayBuffer(3), { a: [1, { b: 'c' }] }, new Date(0), new Float32Array([2]) ]`,
      ctx,
    );
    expect(hex(ours.pack(foreign[6]))).toBe('c403000000');
    expect(hex(ours.pack(foreign[2]))).toBe('c7090a' + '72'.repeat(9));
    expect(hex(ours.pack(foreign[4]))).toBe('c0');
    for (const v of [foreign, ...foreign]) expectSameBytes(v);
  });

  it('ref §2.1: 500 random values, byte for byte', () => {
    const r = rng(20260624);
    for (let i = 0; i < 500; i++) expectSameBytes(randomValue(r, 0));
  });
});

describe('JS codec: decoding like msgpack-lite (ref §2.1, §2.3)', () => {
  it('bin → ArrayBuffer, unknown ext → {buffer, type}, integer keys → string keys, uint64 → number', () => {
    expect(ours.unpack(Uint8Array.from([0xc4, 2, 9, 8]))).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(ours.unpack(Uint8Array.from([0xc4, 2, 9, 8])))]).toEqual([9, 8]);
    const vec = ours.unpack(fromHex('c70c15' + '0000803f'.repeat(3))); // Lua vector3(1,1,1), ref §2.5
    expect(vec).toBeInstanceOf(ExtBuffer);
    expect(vec.type).toBe(21);
    expect([...vec.buffer]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f]);
    expect(hex(ours.pack({ v: vec }))).toBe('81a176c70c15' + '0000803f'.repeat(3)); // re-packs as the same ext
    expect(ours.unpack(fromHex('8201a16103a163'))).toEqual({ '1': 'a', '3': 'c' });
    expect(ours.unpack(fromHex('cf0020000000000001'))).toBe(2 ** 53);
    expect(ours.unpack(fromHex('d3ffffffffffffffff'))).toBe(-1);
    expect(ours.unpack(fromHex('ca3fc00000'))).toBe(1.5);
    expect(ours.unpack(Buffer.from('a2ff41', 'hex'))).toBe('\u00ffA'); // a Buffer input reads str the same way
    expect(ours.unpack(fromHex('93c0c0c0'))).toEqual([null, null, null]);
    unpacked.length = 0;
    expect(ours.unpack(fromHex('92c7030a613a62d40b7a'))).toEqual(['funcref(a:b)', 'funcref(z)']);
    expect(unpacked).toEqual(['a:b', 'z']);
  });

  it('errors and truncation match msgpack-lite', () => {
    for (const h of ['', 'c1', '92', '9201', 'a3616263'.slice(0, 6), 'dc0005', 'cb0000', 'c70a0a']) {
      const b = fromHex(h);
      let want = '';
      try { oracle.unpack(b); } catch (e) { want = (e as Error).message; }
      expect(want, h).not.toBe('');
      expect(() => ours.unpack(b), h).toThrow(want);
    }
  });

  it('random msgpack streams decode to what msgpack-lite gives (incl. invalid UTF-8 from Lua)', () => {
    const r = rng(7);
    const normalize = (v: any): any =>
      v instanceof ArrayBuffer ? { ab: hex(new Uint8Array(v)) }
      : v instanceof ExtBuffer || (v && v.constructor && v.constructor.name === 'ExtBuffer') ? { ext: v.type, b: hex(v.buffer) }
      : Array.isArray(v) ? v.map(normalize)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]))
      : Number.isNaN(v) ? 'NaN' : v;
    const raw = (depth: number): string => {
      const bytes = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 256).toString(16).padStart(2, '0')).join('');
      const k = Math.floor(r() * (depth > 2 ? 9 : 11));
      const n = Math.floor(r() * 6);
      return [
        () => bytes(1).replace(/^c1$/, 'c0'), () => 'cf' + bytes(8), () => 'd3' + bytes(8), () => 'ca' + bytes(4), () => 'cb' + bytes(8),
        () => (0xa0 + n).toString(16) + bytes(n), () => 'd9' + n.toString(16).padStart(2, '0') + bytes(n),
        () => 'c4' + n.toString(16).padStart(2, '0') + bytes(n), () => 'c7' + n.toString(16).padStart(2, '0') + (20 + n).toString(16) + bytes(n),
        () => (0x90 + n).toString(16) + Array.from({ length: n }, () => raw(depth + 1)).join(''),
        () => (0x80 + n).toString(16) + Array.from({ length: 2 * n }, () => raw(depth + 1)).join(''),
      ][k]();
    };
    for (let i = 0; i < 400; i++) {
      const b = fromHex(raw(0));
      let want: unknown;
      try { want = normalize(oracle.unpack(b)); } catch (e) { want = `throws ${(e as Error).message}`; }
      let got: unknown;
      try { got = normalize(ours.unpack(b)); } catch (e) { got = `throws ${(e as Error).message}`; }
      expect(got, hex(b)).toEqual(want);
    }
  });

  it('round trip: our bytes decode (by us and by the oracle) to the same values', () => {
    const r = rng(99);
    for (let i = 0; i < 200; i++) {
      const bytes = ours.pack(randomValue(r, 0));
      expect(JSON.stringify(ours.unpack(bytes), (_k, v) => (v instanceof ArrayBuffer ? hex(new Uint8Array(v)) : v)))
        .toBe(JSON.stringify(oracle.unpack(bytes), (_k, v) => (v instanceof ArrayBuffer ? hex(new Uint8Array(v)) : v)));
    }
  });

  it('pack returns a fresh copy and nested packs (from a hook) do not clobber the outer one', () => {
    let inner = '';
    const nested = createJsCodec({
      packFunction: () => { inner = hex(nested.pack(['in', 1])); return 'ref'; },
      unpackFuncRef: (ref) => ref,
    });
    const a = nested.pack(['out', () => 0, 'end']);
    expect(hex(a)).toBe('93a36f7574c7030a726566a3656e64');
    expect(inner).toBe('92a2696e01');
    const b = nested.pack(1);
    expect(a).not.toBe(b);
    expect(hex(a)).toBe('93a36f7574c7030a726566a3656e64');
  });
});
