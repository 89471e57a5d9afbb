/**
 * The statement half of the CfxLua → Lua 5.4 emitter (ref §5.3): Lua 5.4 statements plus compound assignment and
 * `in` unpacking. Expressions, and the rules that keep line numbers intact, are in `expressions.ts`.
 */
import type { Token } from './tokenizer';
import { ExprParser, type SuffixedExp } from './expressions';

/** Compound operator → the Lua 5.4 binary operator (`^=` is bitwise XOR in CfxLua: TK_BXOREQ → OPR_BXOR). */
const COMPOUND: Record<string, string> = {
  '+=': '+', '-=': '-', '*=': '*', '/=': '/', '//=': '//', '%=': '%', '..=': '..',
  '<<=': '<<', '>>=': '>>', '&=': '&', '|=': '|', '^=': '~',
};

const BLOCK_END = new Set(['end', 'else', 'elseif', 'until']);

/** Parses a whole chunk and returns the transformed source. Throws CfxParseError on invalid input. */
export function emitChunk(tokens: Token[]): string {
  return new ChunkParser(tokens).chunk();
}

class ChunkParser extends ExprParser {
  chunk(): string {
    const out = this.block();
    if (this.tok.kind !== 'eof') this.fail("'<eof>' expected");
    return out + this.tok.lead;
  }

  // ---- statements ----
  protected block(): string {
    let out = '';
    while (!this.blockFollows()) {
      if (this.is('return')) {
        out += this.take();
        if (!this.blockFollows() && !this.is(';')) out += this.exprList();
        if (this.is(';')) out += this.take();
        break;
      }
      out += this.statement();
    }
    return out;
  }
  private blockFollows(): boolean {
    return this.tok.kind === 'eof' || (this.tok.kind === 'keyword' && BLOCK_END.has(this.tok.text));
  }

  private statement(): string {
    const t = this.tok;
    if (t.kind === 'op' && t.text === ';') return this.take();
    if (t.kind === 'op' && t.text === '::') return this.take() + this.name() + this.expect('::');
    if (t.kind !== 'keyword') return this.exprStatement();
    switch (t.text) {
      case 'if': {
        let out = this.take() + this.expr() + this.expect('then') + this.block();
        while (this.is('elseif')) out += this.take() + this.expr() + this.expect('then') + this.block();
        if (this.is('else')) out += this.take() + this.block();
        return out + this.expect('end');
      }
      case 'while':
        return this.take() + this.expr() + this.expect('do') + this.block() + this.expect('end');
      case 'do':
        return this.take() + this.block() + this.expect('end');
      case 'for': {
        let out = this.take() + this.name();
        if (this.is('=')) {
          out += this.take() + this.expr() + this.expect(',') + this.expr();
          if (this.is(',')) out += this.take() + this.expr();
        } else {
          while (this.is(',')) out += this.take() + this.name();
          out += this.expect('in') + this.exprList();
        }
        return out + this.expect('do') + this.block() + this.expect('end');
      }
      case 'repeat':
        return this.take() + this.block() + this.expect('until') + this.expr();
      case 'function': {
        let out = this.take() + this.name();
        while (this.is('.')) out += this.take() + this.name();
        if (this.is(':')) out += this.take() + this.name();
        return out + this.funcBody();
      }
      case 'local':
        if (this.is('function', 1)) return this.take() + this.take() + this.name() + this.funcBody();
        return this.localStatement();
      case 'break':
        return this.take();
      case 'goto':
        return this.take() + this.name();
      default:
        return this.exprStatement();
    }
  }

  /** `local n1 <attr>, n2 ... [= exprlist | in suffixedexp]` */
  private localStatement(): string {
    let out = this.take();
    const names: string[] = [];
    do {
      if (names.length) out += this.take();
      names.push(this.tok.text);
      out += this.name();
      if (this.is('<')) out += this.take() + this.name() + this.expect('>');
    } while (this.is(','));
    if (this.is('in')) return out + this.unpackFrom(names);
    if (this.is('=')) out += this.take() + this.exprList();
    return out;
  }

  /** `in src` → `= src.k1, src.k2` (a name) or `= __cfx_in(src, "k1", "k2")` (evaluated once). */
  private unpackFrom(keys: string[]): string {
    const inLead = this.tok.lead;
    this.p++;
    const src = this.suffixedExp(); // CfxLua reads a suffixedexp here, not a full expression
    if (src.kind === 'name') {
      const rest = keys.slice(1).map((k) => `, ${src.name}.${k}`).join('');
      return `${inLead}= ${src.lead}${src.body}.${keys[0]}${rest}`;
    }
    return `${inLead}= __cfx_in(${src.lead}${src.body}, ${keys.map((k) => JSON.stringify(k)).join(', ')})`;
  }

  /** Calls, assignments, compound assignments and `a, b in t`. */
  private exprStatement(): string {
    const first = this.suffixedExp();
    const op = this.tok.kind === 'op' ? COMPOUND[this.tok.text] : undefined;
    if (op !== undefined) return this.compound(first, op);
    if (this.is('=') || this.is(',') || this.is('in')) {
      const targets = [first];
      let out = first.lead + first.body;
      while (this.is(',')) {
        out += this.take();
        const t = this.suffixedExp();
        targets.push(t);
        out += t.lead + t.body;
      }
      for (const t of targets) if (t.kind === 'call' || t.kind === 'paren' || t.kind === 'safe') this.fail('syntax error');
      if (this.is('in')) {
        // The key is the variable's own name (a name) or the constant field name (t.field), as in lparser.c.
        const keys = targets.map((t) => (t.kind === 'name' || t.kind === 'field' ? t.name! : this.fail('syntax error in "in" vars')));
        return out + this.unpackFrom(keys);
      }
      return out + this.expect('=') + this.exprList();
    }
    if (first.kind !== 'call') this.fail('syntax error');
    return first.lead + first.body;
  }

  /**
   * `target op= e`. A name, or a name indexed by a constant/name, is repeated: `t.x = t.x + (e)`. Any other target is
   * evaluated once through locals in a `do ... end`, like CfxLua, which locks the table and key registers.
   */
  private compound(target: SuffixedExp, op: string): string {
    const opLead = this.tok.lead;
    this.p++;
    const rhs = this.expr().replace(/^[ \t]+/, ''); // dropping blanks before the operand cannot change lines
    if (target.copy !== null) {
      return `${target.lead}${target.body}${opLead}= ${target.copy} ${op} (${rhs})`;
    }
    if (target.kind === 'field') {
      const f = `__cfx_o.${target.name}`;
      return `${target.lead}do local __cfx_o = ${target.prefix}${target.stepTrivia} ${f}${opLead}= ${f} ${op} (${rhs}) end${this.gap()}`;
    }
    if (target.kind === 'index') {
      const s = '__cfx_o[__cfx_k]';
      return `${target.lead}do local __cfx_o, __cfx_k = ${target.prefix},${target.key}${target.stepTrivia} ${s}${opLead}= ${s} ${op} (${rhs}) end${this.gap()}`;
    }
    return this.fail('syntax error');
  }
}
