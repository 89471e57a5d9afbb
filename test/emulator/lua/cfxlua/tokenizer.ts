/**
 * Tokenizer for CfxLua source (Lua 5.4 plus the CitizenFX lexical extensions, ref §5.3).
 *
 * Every token keeps the exact trivia (whitespace and comments) that precedes it, so joining `lead + text` of all
 * tokens gives the source back. The one exception is a C comment `/* *\/`, which plain Lua cannot read: its lead
 * is rewritten to a space plus the comment's line breaks, so line numbers survive.
 */

/** Token kinds. `op` covers every punctuation token, including the CfxLua ones (`+=`, `?`, ...). */
export type TokenKind = 'name' | 'keyword' | 'number' | 'string' | 'hash' | 'op' | 'eof';

/** One token and the trivia in front of it. */
export interface Token {
  kind: TokenKind;
  /** Raw source text (for `hash`, the backtick literal as written). */
  text: string;
  /** Whitespace and comments before the token, ready to emit (C comments already blanked). */
  lead: string;
  /** 1-based line where the token starts (for error messages). */
  line: number;
  /** For `hash` tokens: the joaat value of the literal's bytes. */
  hash?: number;
}

/** A lexical error, with the line Lua would report. */
export class CfxLexError extends Error {
  constructor(message: string, readonly line: number) {
    super(`${line}: ${message}`);
  }
}

const KEYWORDS = new Set([
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in', 'local', 'nil',
  'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while',
]);

/** Punctuation, longest first so that greedy matching picks `<<=` over `<<` over `<`. */
const OPERATORS = [
  '...', '..=', '<<=', '>>=', '//=',
  '..', '==', '~=', '<=', '>=', '<<', '>>', '//', '::',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '+', '-', '*', '/', '%', '^', '#', '&', '~', '|', '<', '>', '=', '(', ')', '{', '}', '[', ']', ';', ':', ',', '.',
  '?',
];

const isDigit = (c: string) => c >= '0' && c <= '9';
const isHex = (c: string) => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
const isNameStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isNameChar = (c: string) => isNameStart(c) || isDigit(c);
const isNewline = (c: string) => c === '\n' || c === '\r';

/**
 * The bytes a Lua short string body denotes (escapes decoded, raw text as UTF-8).
 * Used for backtick hashes, which CfxLua reads with the same routine as quoted strings.
 */
export function decodeShortString(body: string, line = 0): number[] {
  const out: number[] = [];
  const enc = new TextEncoder();
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      for (const b of enc.encode(ch)) out.push(b);
      i += ch.length;
      continue;
    }
    const e = body[i + 1] ?? '';
    i += 2;
    if (e in simple) out.push(simple[e]);
    else if (isNewline(e)) {
      out.push(10);
      if (isNewline(body[i] ?? '') && body[i] !== e) i++; // \r\n or \n\r is one line break
    } else if (e === 'x') {
      const h = body.slice(i, i + 2);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new CfxLexError('hexadecimal digit expected', line);
      out.push(parseInt(h, 16));
      i += 2;
    } else if (e === 'z') {
      while (i < body.length && /[ \t\n\v\f\r]/.test(body[i])) i++;
    } else if (e === 'u') {
      const m = /^\{([0-9a-fA-F]+)\}/.exec(body.slice(i));
      if (!m) throw new CfxLexError("missing '{' or '}' in \\u{xxxx}", line);
      for (const b of utf8Extended(parseInt(m[1], 16))) out.push(b);
      i += m[0].length;
    } else if (isDigit(e)) {
      let digits = e;
      while (digits.length < 3 && isDigit(body[i] ?? '')) digits += body[i++];
      const v = parseInt(digits, 10);
      if (v > 255) throw new CfxLexError('decimal escape too large', line);
      out.push(v);
    } else throw new CfxLexError('invalid escape sequence', line);
  }
  return out;
}

/** Lua's \u{} encoding: UTF-8 extended up to 2^31 (6-byte forms allowed). */
function utf8Extended(cp: number): number[] {
  if (cp < 0x80) return [cp];
  const bytes: number[] = [];
  let limit = 0x3f;
  while (cp > limit) {
    bytes.unshift(0x80 | (cp & 0x3f));
    cp = Math.floor(cp / 64);
    limit >>= 1;
  }
  bytes.unshift(((~limit << 1) & 0xff) | cp);
  return bytes;
}

/**
 * Splits CfxLua source into tokens. The last token is always `eof` (its lead holds trailing trivia).
 * `hashOf` turns a backtick literal's bytes into its value (injected to keep this file free of policy).
 */
export function tokenize(src: string, hashOf: (bytes: number[]) => number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lead = '';

  /** Counts line breaks in `s` the way Lua does (\r\n and \n\r count once). */
  const countLines = (s: string) => {
    let n = 0;
    for (let k = 0; k < s.length; k++) {
      if (isNewline(s[k])) {
        n++;
        if (isNewline(s[k + 1] ?? '') && s[k + 1] !== s[k]) k++;
      }
    }
    return n;
  };
  /** Level of a long bracket opening at `p` (`[==[` → 2), or -1. */
  const longLevel = (p: number) => {
    if (src[p] !== '[') return -1;
    let q = p + 1;
    while (src[q] === '=') q++;
    return src[q] === '[' ? q - p - 1 : -1;
  };
  /** End index (exclusive) of a long bracket body opened at `p` with `level`. */
  const longEnd = (p: number, level: number, what: string) => {
    const close = ']' + '='.repeat(level) + ']';
    const end = src.indexOf(close, p + level + 2);
    if (end < 0) throw new CfxLexError(`unfinished long ${what}`, line);
    return end + close.length;
  };
  /** End index of a quoted string (or backtick hash) starting at `p`. */
  const quotedEnd = (p: number) => {
    const q = src[p];
    let k = p + 1;
    for (;;) {
      const c = src[k];
      if (c === undefined || isNewline(c)) throw new CfxLexError('unfinished string', line);
      if (c === q) return k + 1;
      if (c === '\\') {
        k++;
        if (src[k] === 'z') {
          // \z skips the following whitespace, line breaks included
          k++;
          while (k < src.length && /[ \t\f\v\r\n]/.test(src[k])) k++;
          continue;
        }
        if (isNewline(src[k] ?? '')) {
          if (isNewline(src[k + 1] ?? '') && src[k + 1] !== src[k]) k++; // escaped \r\n pair
        }
      }
      k++;
    }
  };
  const push = (kind: TokenKind, text: string, extra?: Partial<Token>) => {
    tokens.push({ kind, text, lead, line, ...extra });
    line += countLines(text);
    lead = '';
  };

  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || isNewline(c)) {
      let k = i + 1;
      while (k < src.length && /[ \t\f\v\r\n]/.test(src[k])) k++;
      const ws = src.slice(i, k);
      lead += ws;
      line += countLines(ws);
      i = k;
      continue;
    }
    if (c === '-' && src[i + 1] === '-') {
      const lvl = longLevel(i + 2);
      let end: number;
      if (lvl >= 0) end = longEnd(i + 2, lvl, 'comment');
      else {
        end = i + 2;
        while (end < src.length && !isNewline(src[end])) end++;
      }
      const text = src.slice(i, end);
      lead += text;
      line += countLines(text);
      i = end;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw new CfxLexError('unfinished long comment', line);
      const text = src.slice(i, close + 2);
      // Plain Lua has no C comments: keep a separator and the line breaks only.
      lead += ' ' + text.replace(/[^\r\n]/g, '');
      line += countLines(text);
      i = close + 2;
      continue;
    }
    if (isNameStart(c)) {
      let k = i + 1;
      while (k < src.length && isNameChar(src[k])) k++;
      const word = src.slice(i, k);
      push(KEYWORDS.has(word) ? 'keyword' : 'name', word);
      i = k;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      // Same greedy rule as Lua's read_numeral: digits, dots, exponent signs; validation is left to Lua.
      const hex = c === '0' && (src[i + 1] === 'x' || src[i + 1] === 'X');
      const expo = hex ? 'Pp' : 'Ee';
      let k = hex ? i + 2 : i;
      for (;;) {
        const d = src[k] ?? '';
        if (d !== '' && expo.includes(d)) {
          k++;
          if (src[k] === '+' || src[k] === '-') k++;
        } else if (d !== '' && (isHex(d) || d === '.')) k++;
        else break;
      }
      push('number', src.slice(i, k));
      i = k;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = quotedEnd(i);
      push('string', src.slice(i, end));
      i = end;
      continue;
    }
    if (c === '`') {
      const end = quotedEnd(i);
      const text = src.slice(i, end);
      push('hash', text, { hash: hashOf(decodeShortString(text.slice(1, -1), line)) });
      i = end;
      continue;
    }
    if (c === '[') {
      const lvl = longLevel(i);
      if (lvl >= 0) {
        const end = longEnd(i, lvl, 'string');
        push('string', src.slice(i, end));
        i = end;
        continue;
      }
    }
    // CfxLua reads '/*' as a comment only after ruling out '//' and '/='; handled above since '/*' is neither.
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    push('op', op ?? c); // unknown characters become one-char tokens; the parser or Lua will reject them
    i += op ? op.length : c.length;
  }
  push('eof', '');
  return tokens;
}
