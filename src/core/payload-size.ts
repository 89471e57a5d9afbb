/**
 * The msgpack size of values, computed without encoding them, and stopping as soon as a limit is passed. The payload
 * cap (contract §6) and the client's byte pacing are checked on this: the encoded size, never a JSON or string length.
 *
 * It follows FiveM's msgpack-lite fork (ref §2.1) byte for byte: only int32 values are integers (anything else is a
 * float64), str8/bin8 exist, bin8 only below 255. `payload-size.test.ts` checks it against the emulation's codec;
 * the one estimate is a function (a function reference, whose ref string we cannot see): 40 bytes.
 */

/** Bytes of a string, array or map header for `n` items: fix form below `fix` (0 = none), then 8 (str only), 16, 32 bits. */
function header(n: number, fix: number, has8: boolean): number {
  return n < fix ? 1 : has8 && n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

/** UTF-8 bytes as the fork writes them: a surrogate takes the next code unit with it, whatever it is, into 4 bytes. */
function stringBytes(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c < 0xd800 || c > 0xdfff) bytes += 2;
    else bytes += i++ + 1 < s.length ? 2 : 3;
  }
  return bytes;
}

/** int32 values pack as the smallest integer form; everything else (fractions, NaN, beyond int32) as float64. */
function numberBytes(v: number): number {
  if ((v | 0) !== v) return 9;
  if (v >= 0) return v < 0x80 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : 5;
  return v >= -0x20 ? 1 : v >= -0x80 ? 2 : v >= -0x8000 ? 3 : 5;
}

const toString = Object.prototype.toString;

/**
 * Adds the encoded size of `value` to `acc` and returns the total, or returns as soon as it exceeds `limit`.
 * Depth is capped like msgpack's own nesting limit, so a cyclic value cannot loop.
 */
export function encodedSize(value: unknown, limit = Infinity, acc = 0, depth = 0): number {
  if (acc > limit) return acc;
  switch (typeof value) {
    case 'number':
      return acc + numberBytes(value);
    case 'string': {
      const n = stringBytes(value);
      return acc + n + header(n, 32, true);
    }
    case 'function':
      return acc + 40;
    case 'bigint':
      return acc + 9;
    case 'object':
      break;
    default: // boolean, undefined (nil), symbol (nil)
      return acc + 1;
  }
  if (value === null || depth > 32) return acc + 1;
  // By tag, not `instanceof`: values from another realm (another resource's context) count the same.
  if (toString.call(value) === '[object ArrayBuffer]') {
    const n = (value as ArrayBuffer).byteLength;
    return acc + n + (n < 0xff ? 2 : n < 0x10000 ? 3 : 5);
  }
  return entriesSize(value as object, limit, acc, depth + 1, encodedSize, depth + 1);
}

type ValueSize = (value: unknown, limit: number, acc: number, depth: number) => number;

/** Adds an array's or an object's header and entries: keys at `keyDepth`, values by `valueSize` at `valueDepth`. */
function entriesSize(value: object, limit: number, acc: number, keyDepth: number, valueSize: ValueSize, valueDepth: number): number {
  if (Array.isArray(value)) {
    acc += header(value.length, 16, false);
    for (let i = 0; i < value.length && acc <= limit; i++) acc = valueSize(value[i], limit, acc, valueDepth);
    return acc;
  }
  const keys = Object.keys(value);
  acc += header(keys.length, 16, false);
  for (let i = 0; i < keys.length && acc <= limit; i++) {
    acc = encodedSize(keys[i], limit, acc, keyDepth);
    acc = valueSize((value as Record<string, unknown>)[keys[i]], limit, acc, valueDepth);
  }
  return acc;
}

/** Tables nested deeper than this in one request argument count as over any payload cap (twin: lua/size.lua). */
export const MAX_REQUEST_DEPTH = 32;

/** `encodedSize` for the payload cap: every level counted; a table at depth MAX_REQUEST_DEPTH or deeper is Infinity. */
function requestValueSize(value: unknown, limit: number, acc: number, depth: number): number {
  if (acc > limit) return acc;
  if (value === null || typeof value !== 'object' || toString.call(value) === '[object ArrayBuffer]') return encodedSize(value, limit, acc);
  if (depth >= MAX_REQUEST_DEPTH) return Infinity;
  return entriesSize(value, limit, acc, 0, requestValueSize, depth + 1);
}

/**
 * The size of a received request's arguments, for the payload cap. Unlike `argsSize` (an encoder's estimate, which
 * stops at the nesting an encoder writes) it counts every level: a client can send content nested deeper than that
 * (issue: security, the cap was bypassed at 33 levels here and 17 in the Lua twin). An argument nested deeper than
 * MAX_REQUEST_DEPTH tables is over any cap (and a cyclic value of a local call cannot loop).
 */
export function requestSize(args: ArrayLike<unknown>, limit: number): number {
  let acc = 0;
  for (let i = 0; i < args.length && acc <= limit; i++) acc = requestValueSize(args[i], limit, acc, 0);
  return acc;
}

/** Total encoded size of an argument list (the caller's payload), without the list's own header. */
export function argsSize(args: ArrayLike<unknown>, limit = Infinity): number {
  let acc = 0;
  for (let i = 0; i < args.length && acc <= limit; i++) acc = encodedSize(args[i], limit, acc);
  return acc;
}
