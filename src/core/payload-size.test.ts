/**
 * `encodedSize` against the real msgpack size from the emulation's codec (FiveM's msgpack-lite fork, ref §2.1).
 *
 * Tolerance: exact (0 bytes) for every value whose bytes depend only on its shape: nil, booleans, every integer range,
 * floats, strings (UTF-8, surrogates paired or lone) at every header boundary, arrays and maps at every header
 * boundary, ArrayBuffer. That is what the payload cap and the client's byte pacing need: a limit decided on the
 * real size. One documented exception: a function (sent as a function reference, ext 10 holding
 * "resource:instance:index") is counted as 40 bytes without knowing the resource name, within 40 bytes either way
 * for names up to 40 characters; a payload rarely holds more than one or two.
 */
import { describe, expect, it } from 'vitest';
import { createJsCodec } from '../../test/emulator/msgpack/js-codec.ts';
import { argsSize, encodedSize } from './payload-size.ts';

const codec = createJsCodec({ packFunction: () => 'shop:1234567:42', unpackFuncRef: (r) => r });
const real = (v: unknown) => codec.pack(v).length;

/** A deterministic PRNG (mulberry32): random values, reproducible failures. */
function rng(seed: number) {
  return () => {
    let t = (seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 6 : 9));
  const int = () => Math.floor((r() - 0.5) * 2 ** Math.floor(r() * 34));
  switch (pick) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return int();
    case 3: return r() * 1e6 - 5e5;
    case 4: return Array.from({ length: Math.floor(r() ** 3 * 300) }, () => String.fromCharCode(Math.floor(r() ** 4 * 0xffff))).join('');
    case 5: return 'ascii'.repeat(Math.floor(r() * 60));
    case 6: return Array.from({ length: Math.floor(r() ** 2 * 40) }, () => randomValue(r, depth + 1));
    case 7: return Object.fromEntries(Array.from({ length: Math.floor(r() ** 2 * 20) }, (_, i) => [`k${i}${'x'.repeat(Math.floor(r() * 40))}`, randomValue(r, depth + 1)]));
    default: return [int(), int(), int()];
  }
}

describe('encodedSize matches the real msgpack size', () => {
  it('for scalars: nil, booleans, every integer range, floats', () => {
    const values = [null, undefined, true, false, 0, -0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53,
      -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, 0.5, -1.5, 1e300, NaN, Infinity];
    for (const v of values) expect([v, encodedSize(v)]).toEqual([v, real(v)]);
  });

  it('for strings at every header boundary, in ASCII, 2- and 3-byte UTF-8, surrogate pairs and a lone surrogate', () => {
    for (const n of [0, 1, 31, 32, 255, 256, 65535, 65536]) {
      for (const unit of ['a', 'é', '€', '😀']) {
        const s = unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
        expect([n, unit, encodedSize(s)]).toEqual([n, unit, real(s)]);
      }
    }
    for (const s of ['\ud83d', 'a\ud83d', '\ud83dx', '\ude00\ude00']) expect(encodedSize(s)).toBe(real(s));
  });

  it('for arrays and maps at every header boundary, and ArrayBuffers', () => {
    for (const n of [0, 15, 16, 65535, 65536]) {
      const arr = new Array(n).fill(1);
      const map = Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
      expect([n, encodedSize(arr), encodedSize(map)]).toEqual([n, real(arr), real(map)]);
    }
    for (const n of [0, 254, 255, 65535, 65536]) expect([n, encodedSize(new ArrayBuffer(n))]).toEqual([n, real(new ArrayBuffer(n))]);
  });

  it('for 2,000 random nested values', () => {
    const r = rng(7);
    for (let i = 0; i < 2000; i++) {
      const v = randomValue(r);
      if (encodedSize(v) !== real(v)) expect({ v, estimate: encodedSize(v) }).toEqual({ v, estimate: real(v) });
    }
  });

  it('argsSize is the encoded arguments without the list header', () => {
    const args = [1, 'two', { three: [3] }, null];
    expect(argsSize(args)).toBe(real(args) - 1);
  });
});

describe('documented tolerances', () => {
  it('a function reference is counted as 40 bytes (real: 3 + the ref string)', () => {
    const fn = () => 1;
    expect(real(fn)).toBe(3 + 'shop:1234567:42'.length);
    expect(Math.abs(encodedSize(fn) - real(fn))).toBeLessThanOrEqual(40);
  });
});

describe('the limit', () => {
  it('stops counting once past the limit', () => {
    let reads = 0;
    const arr = new Array(100_000).fill(0).map(() => ({ get x() { reads++; return 'x'.repeat(10); } }));
    expect(encodedSize(arr, 1000)).toBeGreaterThan(1000);
    expect(reads).toBeLessThan(100);
  });

  it('is safe on cyclic values', () => {
    const a: unknown[] = [];
    a.push(a);
    expect(encodedSize(a)).toBeGreaterThan(0);
  });
});
