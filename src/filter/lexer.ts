import { FilterError } from './filter-error.js';

/**
 * Splits filter text into tokens. Keywords such as `port` stay plain words here (the parser
 * decides what a word means where it stands), except the boolean operators, which are the
 * same everywhere and have symbol spellings (`&&`, `||`, `!`).
 */

export type TokenKind = 'word' | 'string' | 'and' | 'or' | 'not' | 'lparen' | 'rparen' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token, quotes included; empty for `end`. */
  readonly raw: string;
  /** What the token stands for: the unescaped content of a quoted string, else `raw`. */
  readonly value: string;
  /** 0-based index of the first character; the text length for `end`. */
  readonly pos: number;
}

// A Map, not an object literal: a word like `constructor` must not find Object.prototype.
const OPERATOR_WORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['and', 'and'],
  ['or', 'or'],
  ['not', 'not'],
]);

/**
 * Lower-cases for keyword comparison, ASCII only: some non-ASCII letters lower-case to ASCII
 * (the Kelvin sign to 'k'), and no keyword should match a word nobody typed as that keyword.
 */
export function keywordCase(word: string): string {
  return /^[\x20-\x7e]*$/.test(word) ? word.toLowerCase() : word;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/**
 * A word runs to whitespace, a parenthesis or a doubled `&&` / `||`, so `port 22&&tcp` and
 * `(tcp)` split as a person expects. A single `&`, `|`, `!` or quote inside a word is kept:
 * process names and IPv6 zone ids may hold odd characters.
 */
function wordEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c) || c === '(' || c === ')') break;
    if ((c === '&' || c === '|') && text[i + 1] === c) break;
    i++;
  }
  return i;
}

/** Reads a quoted string starting at `start`; `\"`, `\'` and `\\` escape, other backslashes stay. */
function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\') {
      const n = text[i + 1];
      if (n === '"' || n === "'" || n === '\\') {
        value += n;
        i += 2;
        continue;
      }
    }
    value += c;
    i++;
  }
  throw new FilterError('missing closing quote', start);
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', raw: c, value: c, pos });
      i++;
    } else if (c === '&' || c === '|') {
      if (text[i + 1] !== c) {
        throw new FilterError(`unexpected '${c}' — use '${c}${c}' or '${c === '&' ? 'and' : 'or'}'`, pos);
      }
      const raw = c + c;
      tokens.push({ kind: c === '&' ? 'and' : 'or', raw, value: raw, pos });
      i += 2;
    } else if (c === '!') {
      tokens.push({ kind: 'not', raw: c, value: c, pos });
      i++;
    } else if (c === '"' || c === "'") {
      const { value, end } = readString(text, pos);
      tokens.push({ kind: 'string', raw: text.slice(pos, end), value, pos });
      i = end;
    } else {
      const end = wordEnd(text, pos);
      const raw = text.slice(pos, end);
      const kind = OPERATOR_WORDS.get(keywordCase(raw)) ?? 'word';
      tokens.push({ kind, raw, value: raw, pos });
      i = end;
    }
  }
  tokens.push({ kind: 'end', raw: '', value: '', pos: text.length });
  return tokens;
}
