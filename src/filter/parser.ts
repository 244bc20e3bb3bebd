import type { FilterNode } from './ast.js';
import { FilterError, excerpt } from './filter-error.js';
import { keywordCase, tokenize, type Token } from './lexer.js';
import { closest } from './suggest.js';
import { SUGGESTIONS, isProtocol, isValueKeyword, missingValue, readValue, showToken } from './terms.js';
import { parseAddress } from '../net/address.js';

/**
 * Recursive descent over the tokens:
 *
 *   filter  := (or)?                      empty text matches everything
 *   or      := and ('or' and)*
 *   and     := unary (('and')? unary)*     adjacent terms are joined by an implicit and
 *   unary   := 'not' unary | primary
 *   primary := '(' or ')' | term
 *   term    := process V | port V | ip V | status V | country V | proto V
 *            | tcp | udp | icmp | icmpv6 | sctp | alert
 *
 * so `not` binds tightest and `or` loosest. Recursion only happens through `(` and `not`, and
 * both count against MAX_DEPTH, so hostile input cannot exhaust the stack.
 */

/** Longest filter text accepted; the prompt is one line, this only bounds the work. */
export const MAX_FILTER_LENGTH = 512;
/** Deepest nesting of parentheses and `not` accepted. */
export const MAX_FILTER_DEPTH = 32;

/** Parses filter text to a tree; throws FilterError (and only that) on bad input. */
export function parseFilterText(text: string): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new FilterError(`filter is too long (max ${MAX_FILTER_LENGTH} characters)`, MAX_FILTER_LENGTH);
  }
  return new Parser(tokenize(text)).parseFilter();
}

class Parser {
  private index = 0;
  private depth = 0;
  private openParens = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseFilter(): FilterNode {
    if (this.peek().kind === 'end') return { kind: 'all' };
    const node = this.parseOr();
    const t = this.peek();
    // parseOr stops only at ')' or the end; a ')' here has no '(' to close.
    if (t.kind === 'rparen') throw new FilterError(`unbalanced ')'`, t.pos);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private previous(): Token | null {
    return this.index > 0 ? this.tokens[this.index - 1]! : null;
  }

  private advance(): Token {
    const t = this.tokens[this.index]!;
    if (t.kind !== 'end') this.index++;
    return t;
  }

  private parseOr(): FilterNode {
    const items = [this.parseAnd()];
    while (this.peek().kind === 'or') {
      this.advance();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private parseAnd(): FilterNode {
    const items = [this.parseUnary()];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'and') this.advance();
      else if (t.kind !== 'word' && t.kind !== 'string' && t.kind !== 'not' && t.kind !== 'lparen') break;
      items.push(this.parseUnary());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private parseUnary(): FilterNode {
    const t = this.peek();
    if (t.kind !== 'not') return this.parsePrimary();
    this.enter(t);
    this.advance();
    const item = this.parseUnary();
    this.depth--;
    return { kind: 'not', item };
  }

  private parsePrimary(): FilterNode {
    const t = this.peek();
    switch (t.kind) {
      case 'lparen': {
        this.enter(t);
        this.advance();
        this.openParens++;
        const node = this.parseOr();
        const close = this.peek();
        // parseOr stops only at ')' or the end, so anything else is the end of the text.
        if (close.kind !== 'rparen') throw new FilterError(`missing ')'`, close.pos);
        this.advance();
        this.openParens--;
        this.depth--;
        return node;
      }
      case 'word':
        return this.parseTerm();
      case 'string':
        throw new FilterError(`unexpected ${showToken(t)} — did you mean 'process ${showToken(t)}'?`, t.pos);
      case 'rparen':
        if (this.openParens === 0) throw new FilterError(`unbalanced ')'`, t.pos);
        throw this.expectedTerm(t);
      default:
        throw this.expectedTerm(t);
    }
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_FILTER_DEPTH) throw new FilterError(`nested too deeply (max ${MAX_FILTER_DEPTH})`, t.pos);
  }

  /** A term was due at `got` (an operator, a ')' or the end). */
  private expectedTerm(got: Token): FilterError {
    const before = this.previous();
    if (before === null) return new FilterError(`expected a term before ${showToken(got)}`, got.pos);
    const tail = got.kind === 'end' ? '' : ` (got ${showToken(got)})`;
    return new FilterError(`expected a term after ${excerpt(before.raw)}${tail}`, got.pos);
  }

  private parseTerm(): FilterNode {
    const t = this.advance();
    const word = keywordCase(t.value);
    if (isValueKeyword(word)) {
      const value = this.peek();
      if (!isValueToken(value)) throw missingValue(word, value);
      this.advance();
      return readValue(word, value);
    }
    if (isProtocol(word)) return { kind: 'proto', proto: word };
    if (word === 'alert') return { kind: 'alert' };
    throw this.unknownTerm(t);
  }

  private unknownTerm(t: Token): FilterError {
    const head = `unknown term ${excerpt(t.raw)}`;
    const guess = closest(t.raw, SUGGESTIONS);
    if (guess !== null) return new FilterError(`${head} — did you mean '${guess}'?`, t.pos);
    // A bare value: the person knows what they want and only left out the keyword.
    if (/^\d+(-\d+)?$/.test(t.raw)) return new FilterError(`${head} — did you mean 'port ${t.raw}'?`, t.pos);
    const slash = t.raw.indexOf('/');
    if (parseAddress(slash < 0 ? t.raw : t.raw.slice(0, slash)) !== null) {
      return new FilterError(`${head} — did you mean 'ip ${t.raw}'?`, t.pos);
    }
    // `process Google Chrome` reads as `process Google and Chrome`: the tokens before `t` are
    // the process name and the keyword.
    const name = this.tokens[this.index - 2];
    const keyword = this.tokens[this.index - 3];
    if (name?.kind === 'word' && keyword?.kind === 'word' && keywordCase(keyword.value) === 'process') {
      const full = `${name.value} ${t.raw}`;
      if (full.length <= 24) return new FilterError(`${head} — quote names with spaces: process "${full}"`, t.pos);
    }
    return new FilterError(`${head} (terms: process, port, ip, status, country, proto, alert)`, t.pos);
  }
}

/**
 * A keyword's value is the next word whatever it spells: `country or` is a well-formed code
 * and `process not` a possible name, and a printed tree must parse back. Only the symbol operators and parentheses are
 * never values.
 */
function isValueToken(t: Token): boolean {
  if (t.kind === 'word' || t.kind === 'string') return true;
  return (t.kind === 'and' || t.kind === 'or' || t.kind === 'not') && /^[a-z]+$/i.test(t.raw);
}
