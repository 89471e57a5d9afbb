/**
 * The expression half of the CfxLua → Lua 5.4 emitter (ref §5.3): a token cursor and Lua 5.4's expression grammar
 * (lparser.c shape) plus safe navigation, `{ .name }` fields and backtick hashes. Statements live in `parser.ts`.
 *
 * Every parse method returns the emitted text of what it consumed, leading trivia included. Each source token is
 * emitted exactly once and no line break is ever added, so the output keeps the source's line numbers.
 */
import type { Token } from './tokenizer';

/** The source is not valid CfxLua (the caller falls back and lets Lua report the real error). */
export class CfxParseError extends Error {}

/** What the emitter needs to know about a parsed suffixed expression (an assignment target, a call...). */
export interface SuffixedExp {
  lead: string;
  /** Emitted text without `lead`. */
  body: string;
  /** Shape of the last step: a bare name, `.name`, `[key]`, a call, `(exp)` or a safe navigation. */
  kind: 'name' | 'field' | 'index' | 'call' | 'paren' | 'safe';
  /** For `field`/`index`: emitted prefix before the last step (no lead), the trivia of the step's punctuation. */
  prefix?: string;
  stepTrivia?: string;
  /** For `field`: the field name. For `name`: the name. */
  name?: string;
  /** For `index`: the emitted key expression (with its lead). */
  key?: string;
  /** Single-line copy of the expression when it is cheap and side-effect free to evaluate twice, else null. */
  copy: string | null;
}

/** Binary operator priorities [left, right], as in lparser.c. */
const BINARY: Record<string, [number, number]> = {
  '+': [10, 10], '-': [10, 10], '*': [11, 11], '%': [11, 11], '^': [14, 13], '/': [11, 11], '//': [11, 11],
  '&': [6, 6], '|': [4, 4], '~': [5, 5], '<<': [7, 7], '>>': [7, 7], '..': [9, 8],
  '==': [3, 3], '<': [3, 3], '<=': [3, 3], '~=': [3, 3], '>': [3, 3], '>=': [3, 3], and: [2, 2], or: [1, 1],
};
const UNARY_PRIORITY = 12;

/** Lua integer literal for a hash: decimal if non-negative, else a wrapping 64-bit hex literal (one token, no '-'). */
export function hashLiteral(h: number): string {
  return h >= 0 ? String(h) : '0x' + (BigInt(h) & 0xffffffffffffffffn).toString(16).toUpperCase();
}

/** True when `t` has no trivia before it and would merge with a word or number emitted just before it. */
const touches = (t: Token | undefined) => t !== undefined && t.lead === '' && /^[\w.]/.test(t.text);

/** A hash token as an integer literal, spaced so that it cannot merge with its neighbours (`and`b``, `` `b`or ``). */
export function hashOut(prev: Token | undefined, t: Token, next: Token | undefined): string {
  const before = t.lead === '' && prev !== undefined && /[\w.]$/.test(prev.text) ? ' ' : '';
  return t.lead + before + hashLiteral(t.hash!) + hashBreaks(t) + (touches(next) ? ' ' : '');
}

/** Line breaks inside a hash literal (escaped with `\`), re-emitted after its number to keep the line count. */
const hashBreaks = (t: Token) => t.text.replace(/[^\r\n]/g, '');

/** Token cursor and expression parser; subclasses supply `block()` (function bodies contain statements). */
export abstract class ExprParser {
  protected p = 0;
  constructor(protected readonly toks: Token[]) {}

  /** Parses statements up to a block end and returns their emitted text. */
  protected abstract block(): string;

  protected get tok(): Token {
    return this.toks[this.p];
  }
  protected is(text: string, offset = 0): boolean {
    const t = this.toks[this.p + offset];
    return t !== undefined && (t.kind === 'op' || t.kind === 'keyword') && t.text === text;
  }
  protected fail(what: string): never {
    const t = this.tok;
    throw new CfxParseError(`${t.line}: ${what} near '${t.text || '<eof>'}'`);
  }
  /** Emits the current token (lead + text) and advances. */
  protected take(): string {
    const t = this.tok;
    if (t.kind === 'eof') this.fail('unexpected end of input');
    this.p++;
    return t.kind === 'hash' ? hashOut(this.toks[this.p - 2], t, this.tok) : t.lead + t.text;
  }
  /** A space if the next token touches what we emitted last (`... end` followed by `x` must not become `endx`). */
  protected gap(): string {
    return touches(this.tok) ? ' ' : '';
  }
  protected expect(text: string): string {
    if (!this.is(text)) this.fail(`'${text}' expected`);
    return this.take();
  }
  protected name(): string {
    if (this.tok.kind !== 'name') this.fail('<name> expected');
    return this.take();
  }

  protected exprList(): string {
    let out = this.expr();
    while (this.is(',')) out += this.take() + this.expr();
    return out;
  }

  /** subexpr -> (simpleexp | unop subexpr) { binop subexpr }, with Lua's priorities. */
  protected expr(limit = 0): string {
    let out: string;
    const t = this.tok;
    if ((t.kind === 'op' && (t.text === '-' || t.text === '#' || t.text === '~')) || (t.kind === 'keyword' && t.text === 'not')) {
      out = this.take() + this.expr(UNARY_PRIORITY);
    } else out = this.simpleExp();
    for (;;) {
      const b = this.tok;
      const prio = b.kind === 'op' || b.kind === 'keyword' ? BINARY[b.text] : undefined;
      if (prio === undefined || prio[0] <= limit) return out;
      out += this.take() + this.expr(prio[1]);
    }
  }

  protected simpleExp(): string {
    const t = this.tok;
    if (t.kind === 'number' || t.kind === 'string' || t.kind === 'hash') return this.take();
    if (t.kind === 'keyword' && (t.text === 'nil' || t.text === 'true' || t.text === 'false')) return this.take();
    if (this.is('...')) return this.take();
    if (this.is('{')) return this.table();
    if (this.is('function')) return this.take() + this.funcBody();
    const s = this.suffixedExp();
    return s.lead + s.body;
  }

  protected funcBody(): string {
    let out = this.expect('(');
    while (!this.is(')')) {
      if (this.is('...')) out += this.take();
      else out += this.name();
      if (!this.is(')')) out += this.expect(',');
    }
    return out + this.take() + this.block() + this.expect('end');
  }

  /** Table constructor; `.name` fields (CfxLua set constructor) become `name = true`, or `name = e` with `= e`. */
  protected table(): string {
    let out = this.take();
    while (!this.is('}')) {
      if (this.is('[')) out += this.take() + this.expr() + this.expect(']') + this.expect('=') + this.expr();
      else if (this.tok.kind === 'name' && this.is('=', 1)) out += this.take() + this.take() + this.expr();
      else if (this.is('.') && this.toks[this.p + 1]?.kind === 'name') {
        const dotLead = this.tok.lead;
        this.p++;
        out += dotLead + this.take() + (this.is('=') ? this.take() + this.expr() : ' = true');
      } else out += this.expr();
      if (this.is(',') || this.is(';')) out += this.take();
      else break;
    }
    return out + this.expect('}');
  }

  /** primaryexp { '.' NAME | '?.' NAME | '?[' exp ']' | '[' exp ']' | ':' NAME args | args } */
  protected suffixedExp(): SuffixedExp {
    const first = this.tok;
    const lead = first.lead;
    let body: string;
    let e: SuffixedExp;
    if (first.kind === 'name') {
      this.p++;
      body = first.text;
      e = { lead, body, kind: 'name', name: first.text, copy: first.text };
    } else if (this.is('(')) {
      this.p++;
      body = '(' + this.expr() + this.expect(')');
      e = { lead, body, kind: 'paren', copy: null };
    } else return this.fail('unexpected symbol');

    for (;;) {
      const t = this.tok;
      const prev = e;
      if (this.is('.')) {
        const dot = this.take();
        const nameTok = this.tok;
        const nm = this.name();
        const copy = prev.kind === 'name' ? `${prev.name}.${nameTok.text}` : null;
        e = { lead, body: e.body + dot + nm, kind: 'field', prefix: e.body, name: nameTok.text,
          stepTrivia: t.lead + nameTok.lead, copy };
      } else if (this.is('[')) {
        const open = this.take();
        const keyStart = this.p;
        const key = this.expr();
        const close = this.expect(']');
        const keyTok = this.toks[keyStart];
        const constKey = this.p - keyStart === 2 && !/[\r\n]/.test(keyTok.text) &&
          (['name', 'number', 'string', 'hash'].includes(keyTok.kind) || ['nil', 'true', 'false'].includes(keyTok.text));
        const keyText = keyTok.kind === 'hash' ? hashLiteral(keyTok.hash!) : keyTok.text;
        const copy = prev.kind === 'name' && constKey ? `${prev.name}[ ${keyText} ]` : null; // spaced: t[ [[k]] ]
        e = { lead, body: e.body + open + key + close, kind: 'index', prefix: e.body, key,
          stepTrivia: t.lead + this.toks[this.p - 1].lead, copy };
      } else if (this.is('?')) {
        // t?.x / t?[k]: the helper evaluates t once and yields t itself when it is nil or false.
        const q = this.take().slice(0, -1);
        let arg: string;
        if (this.is('.')) {
          const dotLead = this.tok.lead;
          this.p++;
          const nameTok = this.tok;
          this.name();
          arg = `${dotLead}${nameTok.lead} ${JSON.stringify(nameTok.text)}`;
        } else if (this.is('[')) {
          const openLead = this.tok.lead;
          this.p++;
          arg = openLead + this.expr();
          arg += this.tok.lead;
          this.expect(']');
        } else return this.fail('unexpected symbol');
        e = { lead, body: `__cfx_sn(${e.body}${q},${arg})`, kind: 'safe', copy: null };
      } else if (this.is(':')) {
        const colon = this.take();
        const nm = this.name();
        e = { lead, body: e.body + colon + nm + this.callArgs(), kind: 'call', copy: null };
      } else if (this.is('(') || this.is('{') || t.kind === 'string' || t.kind === 'hash') {
        e = { lead, body: e.body + this.callArgs(), kind: 'call', copy: null };
      } else break;
      // A copy is only valid while the expression is a name plus at most one constant step (checked above);
      // anything with line breaks is never duplicated, so the output keeps its line count.
      if (e.copy !== null && /[\r\n]/.test(e.body)) e.copy = null;
    }
    return e;
  }

  /** funcargs -> '(' [explist] ')' | table | string | hash (a hash argument becomes a parenthesized integer). */
  protected callArgs(): string {
    const t = this.tok;
    if (t.kind === 'hash') {
      this.p++;
      return `${t.lead}(${hashLiteral(t.hash!)}${hashBreaks(t)})`;
    }
    if (t.kind === 'string') return this.take();
    if (this.is('{')) return this.table();
    let out = this.expect('(');
    if (!this.is(')')) out += this.exprList();
    return out + this.expect(')');
  }
}
