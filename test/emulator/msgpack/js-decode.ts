/**
 * The decoding half of the JS codec (ref §2.1): what msgpack-lite 0.2.2 returns with FiveM's options, for every
 * msgpack type. Used through createJsCodec (js-codec.ts).
 */

/**
 * An ext type with no unpacker (e.g. a Lua vector, ref §2.5), shaped like msgpack-lite's `ExtBuffer`.
 * `buffer` is a Node Buffer, as the one msgpack-lite builds. Packing an ExtBuffer writes it back as the same ext.
 */
export class ExtBuffer {
  constructor(
    readonly buffer: Uint8Array,
    readonly type: number,
  ) {}
}

const EXT_FUNCREF = 10;
const EXT_LOCALFUNCREF = 11;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const refDecoder = new TextDecoder();

/**
 * The built-ins of the `vm` context that receives decoded values. FiveM decodes inside the receiving runtime, so a
 * script sees its own realm's arrays, objects and ArrayBuffers (`x instanceof Array` holds, ref §2.1).
 */
export interface JsRealm {
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  Uint8Array: Uint8ArrayConstructor;
}

/**
 * An `unpack` that reads the first msgpack object of its input (trailing bytes ignored, errors as msgpack-lite's:
 * `BUFFER_SHORTAGE`, `Invalid type: 0xc1`). Ext 10 and 11 go to `unpackFuncRef` (ref §2.4). Containers are made in
 * `realm` when given (a script's context), else in this one.
 */
export function createJsDecoder(unpackFuncRef: (ref: string) => unknown, realm?: JsRealm): (bytes: Uint8Array) => any {
  const RealmArray = realm?.Array ?? Array;
  const objectProto: object | null = realm ? realm.Object.prototype : null;
  const RealmUint8Array = realm?.Uint8Array ?? Uint8Array;
  // Decoder state, saved and restored around each call so a hook may unpack again.
  let src: Uint8Array = new Uint8Array(0);
  let dv: DataView | null = null;
  let at = 0;

  const shortage = (): Error => new Error('BUFFER_SHORTAGE');

  function data(): DataView {
    return (dv ??= new DataView(src.buffer, src.byteOffset, src.byteLength));
  }

  function need(n: number): number {
    const start = at;
    if (start + n > src.length) throw shortage();
    at = start + n;
    return start;
  }

  function readStr(len: number): string {
    const start = need(len);
    const end = start + len;
    if (len < 24) {
      let out = '';
      for (let i = start; i < end; i++) {
        const c = src[i];
        if (c >= 0x80) return lenientUtf8(src, start, end);
        out += String.fromCharCode(c);
      }
      return out;
    }
    try {
      return strictUtf8.decode(src.subarray(start, end));
    } catch {
      return lenientUtf8(src, start, end);
    }
  }

  function readExt(len: number): unknown {
    const start = need(len + 1);
    const type = src[start];
    const payload = src.subarray(start + 1, start + 1 + len);
    if (type === EXT_FUNCREF || type === EXT_LOCALFUNCREF) {
      return unpackFuncRef(refDecoder.decode(payload));
    }
    return new ExtBuffer(Buffer.from(payload), type);
  }

  function readArray(len: number): unknown[] {
    if (len > src.length - at) throw shortage();
    const out = new RealmArray(len);
    for (let i = 0; i < len; i++) out[i] = read();
    return out;
  }

  function readMap(len: number): Record<string, unknown> {
    if (2 * len > src.length - at) throw shortage();
    const out: Record<string, unknown> = objectProto ? Object.create(objectProto) : {};
    for (let i = 0; i < len; i++) {
      const k = read() as string;
      out[k] = read(); // any key becomes a string property, as `obj[key] = value` does (ref §2.1 table)
    }
    return out;
  }

  function read(): any {
    if (at >= src.length) throw shortage();
    const b = src[at++];
    if (b < 0x80) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b < 0x90) return readMap(b & 0x0f);
    if (b < 0xa0) return readArray(b & 0x0f);
    if (b < 0xc0) return readStr(b & 0x1f);
    let p: number;
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: p = need(1); return readBin(src[p]);
      case 0xc5: p = need(2); return readBin((src[p] << 8) | src[p + 1]);
      case 0xc6: p = need(4); return readBin(data().getUint32(p));
      case 0xc7: p = need(1); return readExt(src[p]);
      case 0xc8: p = need(2); return readExt((src[p] << 8) | src[p + 1]);
      case 0xc9: p = need(4); return readExt(data().getUint32(p));
      case 0xca: p = need(4); return data().getFloat32(p);
      case 0xcb: p = need(8); return data().getFloat64(p);
      case 0xcc: p = need(1); return src[p];
      case 0xcd: p = need(2); return (src[p] << 8) | src[p + 1];
      case 0xce: p = need(4); return data().getUint32(p);
      case 0xcf: p = need(8); return data().getUint32(p) * 4294967296 + data().getUint32(p + 4);
      case 0xd0: p = need(1); return (src[p] << 24) >> 24;
      case 0xd1: p = need(2); return data().getInt16(p);
      case 0xd2: p = need(4); return data().getInt32(p);
      // One rounding of hi * 2^32 + lo, as int64-buffer's toNumber does (ref §2.1: precision lost above 2^53).
      case 0xd3: p = need(8); return data().getInt32(p) * 4294967296 + data().getUint32(p + 4);
      case 0xd4: return readExt(1);
      case 0xd5: return readExt(2);
      case 0xd6: return readExt(4);
      case 0xd7: return readExt(8);
      case 0xd8: return readExt(16);
      case 0xd9: p = need(1); return readStr(src[p]);
      case 0xda: p = need(2); return readStr((src[p] << 8) | src[p + 1]);
      case 0xdb: p = need(4); return readStr(data().getUint32(p));
      case 0xdc: p = need(2); return readArray((src[p] << 8) | src[p + 1]);
      case 0xdd: p = need(4); return readArray(data().getUint32(p));
      case 0xde: p = need(2); return readMap((src[p] << 8) | src[p + 1]);
      case 0xdf: p = need(4); return readMap(data().getUint32(p));
      default: throw new Error(`Invalid type: 0x${b.toString(16)}`);
    }
  }

  function readBin(len: number): ArrayBuffer {
    const start = need(len);
    const out = new RealmUint8Array(len); // a copy: `bytes` may be a Buffer whose slice() is only a view
    out.set(src.subarray(start, start + len));
    return out.buffer;
  }

  function unpack(bytes: Uint8Array): any {
    const savedSrc = src;
    const savedView = dv;
    const savedAt = at;
    src = bytes;
    dv = null;
    at = 0;
    try {
      return read();
    } finally {
      src = savedSrc;
      dv = savedView;
      at = savedAt;
    }
  }

  return unpack;
}

/**
 * msgpack-lite's own UTF-8 reader, which FiveM uses for every str (ref §2.2: Lua binary strings reach JS as
 * mojibake). No validation: continuation bits are masked, stray bytes map to U+0080..U+00FF, and a sequence
 * cut short reads on into the bytes after the string (or 0 past the end of the input).
 */
function lenientUtf8(src: Uint8Array, start: number, end: number): string {
  let out = '';
  let i = start;
  while (i < end) {
    let c = src[i++];
    if (c >= 0x80) {
      if ((c & 0xe0) === 0xc0) {
        c = ((c & 0x1f) << 6) | (src[i++] & 0x3f);
      } else if ((c & 0xf0) === 0xe0) {
        c = ((c & 0x0f) << 12) | ((src[i++] & 0x3f) << 6) | (src[i++] & 0x3f);
      } else if ((c & 0xf8) === 0xf0) {
        c = ((c & 0x07) << 18) | ((src[i++] & 0x3f) << 12) | ((src[i++] & 0x3f) << 6) | (src[i++] & 0x3f);
      }
      if (c >= 0x10000) {
        c -= 0x10000;
        out += String.fromCharCode((c >>> 10) + 0xd800, (c & 0x3ff) + 0xdc00);
        continue;
      }
    }
    out += String.fromCharCode(c);
  }
  return out;
}
