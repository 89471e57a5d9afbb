/**
 * The JS runtime's msgpack codec: byte for byte what FiveM's msgpack-lite fork emits with
 * `{ uint8array: true, preset: false, binarraybuffer: true }` (ref §2.1), written from the rules for speed.
 *
 * Checked against npm msgpack-lite 0.2.2 plus FiveM's two patches in test/fidelity/msgpack-js.test.ts.
 * Values may come from any `vm` context: nothing below relies on `instanceof` against a host class, except
 * ExtBuffer, which only this codec creates. Decoding lives in js-decode.ts.
 */
import { createJsDecoder, ExtBuffer, type JsRealm } from './js-decode.js';

export { ExtBuffer, type JsRealm };

/** What the codec asks of its runtime: function references in and out (ref §2.4). */
export interface JsCodecHooks {
  /** A function is being packed: return the ref string sent as ext 10. */
  packFunction(fn: Function): string;
  /** An ext 10 or 11 payload arrived: return the callable that stands for `ref`. */
  unpackFuncRef(ref: string): unknown;
  /** The context decoded containers belong to (a JS resource's own realm); default: the host's. */
  realm?: JsRealm;
}

/** One codec per runtime. */
export interface JsCodec {
  /** One value as one msgpack object; a fresh Uint8Array each call. */
  pack(value: unknown): Uint8Array;
  /** The first msgpack object in `bytes` (trailing bytes are ignored, as msgpack-lite does). */
  unpack(bytes: Uint8Array): any;
}

const EXT_FUNCREF = 10;
const objectToString = Object.prototype.toString;
const utf8Encoder = new TextEncoder();
const isWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/** Creates a codec whose function references go through `hooks`. */
export function createJsCodec(hooks: JsCodecHooks): JsCodec {
  // ---- encoder state: one growable buffer; `pos` is restored after each pack, so nested packs are safe ----
  let buf = new Uint8Array(4096);
  let view = new DataView(buf.buffer);
  let pos = 0;

  function grow(need: number): void {
    let size = buf.length * 2;
    while (size < pos + need) size *= 2;
    const next = new Uint8Array(size);
    next.set(buf.subarray(0, pos));
    buf = next;
    view = new DataView(next.buffer);
  }

  function writeNumber(v: number): void {
    if (pos + 9 > buf.length) grow(9);
    const i = v | 0;
    // Only the int32 range is packed as an integer; the fork sends [2^31, 2^32) as float64 too (ref §2.1).
    if (i !== v) {
      buf[pos] = 0xcb;
      if (v === v) view.setFloat64(pos + 1, v);
      // NaN: msgpack-lite's ieee754 writer gives 7ff0000000000001, not the canonical 7ff8000000000000.
      else { view.setUint32(pos + 1, 0x7ff00000); view.setUint32(pos + 5, 1); }
      pos += 9;
    } else if (i >= 0) {
      if (i < 0x80) buf[pos++] = i;
      else if (i < 0x100) { buf[pos] = 0xcc; buf[pos + 1] = i; pos += 2; }
      else if (i < 0x10000) { buf[pos] = 0xcd; buf[pos + 1] = i >>> 8; buf[pos + 2] = i; pos += 3; }
      else { buf[pos] = 0xce; view.setUint32(pos + 1, i); pos += 5; }
    } else if (i >= -0x20) {
      buf[pos++] = i & 0xff;
    } else if (i >= -0x80) {
      buf[pos] = 0xd0; buf[pos + 1] = i; pos += 2;
    } else if (i >= -0x8000) {
      buf[pos] = 0xd1; buf[pos + 1] = i >> 8; buf[pos + 2] = i; pos += 3;
    } else {
      buf[pos] = 0xd2; view.setInt32(pos + 1, i); pos += 5;
    }
  }

  /** Header size of a str whose UTF-8 length is `n`: fixstr, d9, da, db. */
  const strHead = (n: number): number => (n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);

  function writeString(s: string): void {
    const units = s.length;
    if (pos + 6 + units * 3 > buf.length) grow(6 + units * 3);
    const guess = strHead(units);
    const start = pos + guess;
    let p = start;
    if (units > 48 && isWellFormed !== undefined && isWellFormed.call(s)) {
      p += utf8Encoder.encodeInto(s, buf.subarray(start)).written;
    } else {
      for (let i = 0; i < units; i++) {
        let c = s.charCodeAt(i);
        if (c < 0x80) {
          buf[p++] = c;
        } else if (c < 0x800) {
          buf[p++] = 0xc0 | (c >>> 6);
          buf[p++] = 0x80 | (c & 0x3f);
        } else if (c < 0xd800 || c > 0xdfff) {
          buf[p++] = 0xe0 | (c >>> 12);
          buf[p++] = 0x80 | ((c >>> 6) & 0x3f);
          buf[p++] = 0x80 | (c & 0x3f);
        } else {
          // msgpack-lite joins any surrogate with the next unit without validating it; lone surrogates give
          // the same (invalid) bytes here. A trailing one pairs with NaN, which the bit ops read as 0.
          c = (((c - 0xd800) << 10) | (s.charCodeAt(++i) - 0xdc00)) + 0x10000;
          buf[p++] = 0xf0 | (c >>> 18);
          buf[p++] = 0x80 | ((c >>> 12) & 0x3f);
          buf[p++] = 0x80 | ((c >>> 6) & 0x3f);
          buf[p++] = 0x80 | (c & 0x3f);
        }
      }
    }
    const len = p - start;
    const head = strHead(len);
    if (head !== guess) buf.copyWithin(pos + head, start, p);
    if (head === 1) buf[pos] = 0xa0 | len;
    else if (head === 2) { buf[pos] = 0xd9; buf[pos + 1] = len; }
    else if (head === 3) { buf[pos] = 0xda; buf[pos + 1] = len >>> 8; buf[pos + 2] = len; }
    else { buf[pos] = 0xdb; view.setUint32(pos + 1, len); }
    pos += head + len;
  }

  /** Header with a 1/2/4-byte length: fix form when `len < fixMax`. */
  function writeHead(len: number, fixBase: number, fixMax: number, c16: number): void {
    if (pos + 5 > buf.length) grow(5);
    if (len < fixMax) buf[pos++] = fixBase | len;
    else if (len < 0x10000) { buf[pos] = c16; buf[pos + 1] = len >>> 8; buf[pos + 2] = len; pos += 3; }
    else { buf[pos] = c16 + 1; view.setUint32(pos + 1, len); pos += 5; }
  }

  function writeBytes(bytes: Uint8Array): void {
    if (pos + bytes.length > buf.length) grow(bytes.length);
    buf.set(bytes, pos);
    pos += bytes.length;
  }

  function writeBin(bytes: Uint8Array): void {
    const n = bytes.length;
    if (pos + 5 > buf.length) grow(5);
    // msgpack-lite uses bin8 only below 255 (a 255-byte blob gets c5), ref §2.1 recipe.
    if (n < 0xff) { buf[pos] = 0xc4; buf[pos + 1] = n; pos += 2; }
    else if (n < 0x10000) { buf[pos] = 0xc5; buf[pos + 1] = n >>> 8; buf[pos + 2] = n; pos += 3; }
    else { buf[pos] = 0xc6; view.setUint32(pos + 1, n); pos += 5; }
    writeBytes(bytes);
  }

  function writeExt(type: number, payload: Uint8Array): void {
    const n = payload.length;
    if (pos + 6 > buf.length) grow(6);
    const fix = n === 1 ? 0xd4 : n === 2 ? 0xd5 : n === 4 ? 0xd6 : n === 8 ? 0xd7 : n === 16 ? 0xd8 : 0;
    if (fix) buf[pos++] = fix;
    else if (n < 0xff) { buf[pos] = 0xc7; buf[pos + 1] = n; pos += 2; }
    else if (n < 0x10000) { buf[pos] = 0xc8; buf[pos + 1] = n >>> 8; buf[pos + 2] = n; pos += 3; }
    else { buf[pos] = 0xc9; view.setUint32(pos + 1, n); pos += 5; }
    buf[pos++] = type;
    writeBytes(payload);
  }

  function writeNil(): void {
    if (pos + 1 > buf.length) grow(1);
    buf[pos++] = 0xc0;
  }

  function writeFunctionRef(fn: Function): void {
    writeExt(EXT_FUNCREF, utf8Encoder.encode(hooks.packFunction(fn)));
  }

  /** The fork finds ext packers by `constructor.name`, for objects as well as functions (ref §2.1). */
  function isFunctionLike(v: object): boolean {
    const c = (v as { constructor?: { name?: unknown } }).constructor;
    const name = c ? c.name : undefined;
    return name === 'Function' || name === 'AsyncFunction';
  }

  function writeObject(v: object): void {
    // Same order as msgpack-lite: ArrayBuffer, Array, ext packers, ExtBuffer, then a map of own keys.
    if (objectToString.call(v) === '[object ArrayBuffer]' || v instanceof ArrayBuffer) {
      writeBin(new Uint8Array(v as ArrayBuffer));
    } else if (Array.isArray(v)) {
      const n = v.length;
      writeHead(n, 0x90, 16, 0xdc);
      for (let i = 0; i < n; i++) write(v[i]);
    } else if (isFunctionLike(v)) {
      writeFunctionRef(v as Function);
    } else if (v instanceof ExtBuffer) {
      writeExt(v.type, v.buffer);
    } else {
      const keys = Object.keys(v);
      const n = keys.length;
      writeHead(n, 0x80, 16, 0xde);
      for (let i = 0; i < n; i++) {
        const k = keys[i];
        writeString(k);
        write((v as Record<string, unknown>)[k]);
      }
    }
  }

  function write(v: unknown): void {
    switch (typeof v) {
      case 'number': writeNumber(v); return;
      case 'string': writeString(v); return;
      case 'boolean':
        if (pos + 1 > buf.length) grow(1);
        buf[pos++] = v ? 0xc3 : 0xc2;
        return;
      case 'object':
        if (v === null) writeNil();
        else writeObject(v);
        return;
      case 'function':
        // Generator functions have no packer in the fork and become nil (ref §2.1 table).
        if (isFunctionLike(v)) writeFunctionRef(v);
        else writeNil();
        return;
      case 'bigint':
        throw new Error(`Unsupported type "bigint": ${v}`);
      default: // undefined, symbol
        writeNil();
    }
  }

  function pack(value: unknown): Uint8Array {
    const start = pos;
    try {
      write(value);
      return buf.slice(start, pos);
    } finally {
      pos = start;
    }
  }

  return { pack, unpack: createJsDecoder((ref) => hooks.unpackFuncRef(ref), hooks.realm) };
}
