/**
 * The msgpack size of values, computed without encoding them, and stopping as soon as a limit is passed. The payload
 * cap (contract §6) is checked on this: the encoded size, never a JSON or string length.
 */

/** Bytes a msgpack header takes for a string, array or map of `n` items. */
function header(n: number, small: number): number {
  return n < small ? 1 : n < 0x10000 ? 3 : 5;
}

function stringBytes(s: string): number {
  let bytes = s.length;
  // Non-ASCII code units take 2–3 bytes in UTF-8; a quick scan only when needed.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) bytes += s.charCodeAt(i) > 0x7ff ? 2 : 1;
  return bytes;
}

/**
 * Adds the encoded size of `value` to `acc` and returns the total, or returns as soon as it exceeds `limit`.
 * Depth is capped like msgpack's own nesting limit, so a cyclic value cannot loop.
 */
export function encodedSize(value: unknown, limit = Infinity, acc = 0, depth = 0): number {
  if (acc > limit) return acc;
  switch (typeof value) {
    case 'number':
      return acc + (Number.isInteger(value) && value >= -32 && value <= 127 ? 1 : 9);
    case 'string': {
      const n = stringBytes(value);
      return acc + n + header(n, 32);
    }
    case 'boolean':
    case 'undefined':
    case 'function':
    case 'symbol':
    case 'bigint':
      return acc + (typeof value === 'function' ? 40 : 1);
    default:
      break;
  }
  if (value === null) return acc + 1;
  if (depth > 32) return acc + 1;
  if (Array.isArray(value)) {
    acc += header(value.length, 16);
    for (let i = 0; i < value.length && acc <= limit; i++) acc = encodedSize(value[i], limit, acc, depth + 1);
    return acc;
  }
  if (value instanceof ArrayBuffer) return acc + value.byteLength + 5;
  const keys = Object.keys(value as object);
  acc += header(keys.length, 16);
  for (let i = 0; i < keys.length && acc <= limit; i++) {
    acc = encodedSize(keys[i], limit, acc, depth + 1);
    acc = encodedSize((value as Record<string, unknown>)[keys[i]], limit, acc, depth + 1);
  }
  return acc;
}

/** Total encoded size of an argument list (the caller's payload). */
export function argsSize(args: ArrayLike<unknown>, limit = Infinity): number {
  let acc = 0;
  for (let i = 0; i < args.length && acc <= limit; i++) acc = encodedSize(args[i], limit, acc);
  return acc;
}
