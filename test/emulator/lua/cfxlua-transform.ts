/**
 * CfxLua syntax → plain Lua 5.4 source that wasmoon's stock VM accepts (ref §5.3).
 *
 * Covered: backtick hashes, compound assignment (`^=` is XOR), safe navigation `?.`/`?[`, `in` unpacking,
 * `{ .name }` set constructors and C comments. Line numbers are preserved exactly: the output has the same line
 * breaks at the same token positions, so Lua error messages and tracebacks point at the source lines.
 *
 * The emitted code calls two helpers, `__cfx_sn` and `__cfx_in`, defined by {@link CFXLUA_PROLOGUE}.
 */
import { tokenize, type Token } from './cfxlua/tokenizer';
import { emitChunk } from './cfxlua/parser';
import { hashOut } from './cfxlua/expressions';

/**
 * Jenkins one-at-a-time hash as CfxLua computes it for `` `name` `` and `joaat(name)` (ref §5.3, `luaO_HashString`):
 * ASCII letters lower-cased, bytes of the UTF-8 encoding added as C `char` (signed on x86, so bytes ≥ 0x80 count as
 * negative), result sign-extended from 32 bits.
 *
 * @param s text to hash (UTF-8 encoded first), or the raw bytes
 * @param ignoreCase when true, bytes are hashed as they are (CfxLua's `joaat(s, true)`)
 * @returns the hash as a signed 32-bit integer
 */
export function joaat(s: string | ArrayLike<number>, ignoreCase = false): number {
  const bytes = typeof s === 'string' ? new TextEncoder().encode(s) : s;
  let h = 0;
  for (let i = 0; i < bytes.length; i++) {
    let b = bytes[i];
    if (!ignoreCase && b >= 0x41 && b <= 0x5a) b += 0x20; // tolower() in the C locale touches ASCII only
    if (b >= 0x80) b -= 0x100; // `char` is signed on the x86 builds FiveM ships
    h = (h + b) | 0;
    h = (h + (h << 10)) | 0;
    h ^= h >>> 6;
  }
  h = (h + (h << 3)) | 0;
  h ^= h >>> 11;
  h = (h + (h << 15)) | 0;
  return h;
}

/**
 * Lua source, on a single line, that defines the helpers the transform emits. Prepend it to a transformed chunk (it
 * adds no line break) or run it once per state before loading transformed chunks; both work, it is idempotent.
 *
 * - `__cfx_sn(t, k)`: safe navigation, `t` if `t` is nil or false, else `t[k]`.
 * - `__cfx_in(t, k1, ...)`: `t[k1], ...` for `in` unpacking when `t` is not a plain name.
 * - `joaat(s[, ignoreCase])`: CfxLua's runtime hash (numbers give their integer value or 0, booleans 1/0).
 */
export const CFXLUA_PROLOGUE: string = [
  '__cfx_sn = function(t, k) if t then return t[k] end return t end;',
  '__cfx_in = function(t, ...) local n = select("#", ...) local r = {...} for i = 1, n do r[i] = t[r[i]] end return table.unpack(r, 1, n) end;',
  'joaat = function(...) local s, ignoreCase = ...',
  ' local ty = type(s)',
  ' if ty == "number" then return math.tointeger(s) or 0 end',
  ' if ty == "boolean" then return s and 1 or 0 end',
  ' if ty ~= "string" then error("bad argument #1 to \'joaat\' (string expected, got " .. (select("#", ...) == 0 and "no value" or ty) .. ")", 2) end',
  ' local h = 0',
  ' for i = 1, #s do local b = string.byte(s, i)',
  '  if not ignoreCase and b >= 65 and b <= 90 then b = b + 32 end',
  '  if b >= 128 then b = b - 256 end',
  '  h = (h + b) & 0xFFFFFFFF h = (h + (h << 10)) & 0xFFFFFFFF h = h ~ (h >> 6)',
  ' end',
  ' h = (h + (h << 3)) & 0xFFFFFFFF h = h ~ (h >> 11) h = (h + (h << 15)) & 0xFFFFFFFF',
  ' if h >= 0x80000000 then h = h - 0x100000000 end',
  ' return h',
  ' end; ',
].join('');

/** Emits the tokens with only lexical rewrites (hashes, C comments); used when the parser rejects the source. */
function lexicalOnly(tokens: Token[]): string {
  let out = '';
  tokens.forEach((t, i) => {
    out += t.kind === 'hash' ? hashOut(tokens[i - 1], t, tokens[i + 1]) : t.lead + t.text;
  });
  return out;
}

/**
 * Transforms CfxLua source into Lua 5.4 source with the same line numbers.
 *
 * Invalid input is not rejected here: if the source does not tokenize it is returned unchanged, and if it does not
 * parse only the lexical rewrites are applied, so that Lua itself reports the syntax error at the right line.
 *
 * @param source CfxLua source text
 * @returns plain Lua 5.4 source (needs {@link CFXLUA_PROLOGUE}'s helpers at run time)
 */
export function transformCfxLua(source: string): string {
  let tokens: Token[];
  try {
    tokens = tokenize(source, (bytes) => joaat(bytes));
  } catch {
    return source;
  }
  try {
    return emitChunk(tokens);
  } catch {
    return lexicalOnly(tokens);
  }
}
