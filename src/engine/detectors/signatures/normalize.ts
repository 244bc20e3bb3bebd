/**
 * Normalisation of attacker-controlled text before signature matching. Every step only
 * shrinks the text or keeps its length, and the input is cut first, so the cost is linear in a
 * bounded length whatever the attacker sends.
 */

/** Longest text normalised; the HTTP parser already cuts fields at 2,048 characters. */
export const MAX_NORMALISE_CHARS = 4096;
/** Rounds of URL-decoding (catches double and triple encoding such as %252e%252e%252f). */
export const URL_DECODE_ROUNDS = 3;
/** Rounds of log4j lookup unwrapping (nested obfuscation such as ${${lower:j}${::-n}di:}). */
const LOOKUP_ROUNDS = 6;

const HEX = /^[0-9a-fA-F]{2}$/;

/** One round of lenient percent-decoding: %XX → that byte as a character, %uXXXX → UTF-16 unit. */
export function percentDecodeOnce(s: string): string {
  if (!s.includes('%')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const two = s.slice(i + 1, i + 3);
      // Overlong UTF-8 for '.', '/' and '\' (%c0%ae, %c0%af, %c1%9c): the classic IIS bypass.
      const overlong = OVERLONG[s.slice(i, i + 6).toLowerCase()];
      if (overlong !== undefined) {
        out += overlong;
        i += 6;
        continue;
      }
      if (HEX.test(two)) {
        out += String.fromCharCode(parseInt(two, 16));
        i += 3;
        continue;
      }
      if ((s[i + 1] === 'u' || s[i + 1] === 'U') && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
    }
    out += s[i];
    i++;
  }
  return out;
}

const OVERLONG: Record<string, string> = { '%c0%ae': '.', '%c0%af': '/', '%c1%9c': '\\', '%c1%1c': '\\' };

/** Iterative URL-decoding (bounded rounds); `+` means space in the query part of a request target. */
export function urlDecode(s: string, isRequestTarget: boolean): string {
  let t = s;
  if (isRequestTarget) {
    const q = t.indexOf('?');
    if (q >= 0) t = t.slice(0, q + 1) + t.slice(q + 1).replace(/\+/g, ' ');
  }
  for (let r = 0; r < URL_DECODE_ROUNDS; r++) {
    const next = percentDecodeOnce(t);
    if (next === t) break;
    t = next;
  }
  return t;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&', sol: '/', bsol: '\\', lpar: '(', rpar: ')', colon: ':', semi: ';', tab: '\t', newline: '\n' };

/** A few HTML entity forms: named (the table above), decimal &#39; and hex &#x27; (the ';' optional). */
export function decodeHtmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(?:#x([0-9a-f]{1,6})|#([0-9]{1,7})|([a-z]{2,8}));?/gi, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    let cp: number;
    if (hex !== undefined) cp = parseInt(hex, 16);
    else if (dec !== undefined) cp = parseInt(dec, 10);
    else return NAMED_ENTITIES[name!.toLowerCase()] ?? m;
    return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : m;
  });
}

/**
 * log4j lookups that evaluate to plain letters: ${lower:j}, ${upper:J}, ${::-j},
 * ${env:NOPE:-j}, ${date:'j'}. Applied to lower-cased text, innermost first, bounded rounds.
 */
const LOOKUP_CASE = /\$\{(?:lower|upper) ?: ?([^${}]{0,16})\}/g;
const LOOKUP_DEFAULT = /\$\{[^${}]{0,48}:-([^${}]{0,16})\}/g;
const LOOKUP_DATE = /\$\{date ?: ?'([^'${}]{0,8})'\}/g;

export function unwrapLog4jLookups(s: string): string {
  if (!s.includes('${')) return s;
  let t = s;
  for (let r = 0; r < LOOKUP_ROUNDS; r++) {
    const next = t.replace(LOOKUP_CASE, '$1').replace(LOOKUP_DEFAULT, '$1').replace(LOOKUP_DATE, '$1');
    if (next === t) break;
    t = next;
  }
  return t;
}

/**
 * MySQL runs what a versioned comment holds (/*!50000UNION*\/ is UNION on every server since
 * 5.0; /*!UNION*\/ always): the comment becomes its content, padded with spaces.
 */
const MYSQL_VERSIONED_COMMENT = /\/\*!(?:[0-9]{5,6})?([^*]{0,64})\*\//g;
/** SQL inline comments /* … *\/ are whitespace to a database: union/**\/select. */
const SQL_INLINE_COMMENT = /\/\*[^*]{0,64}\*\//g;
/** Whitespace and other control characters (incl. NUL) collapse to one space. */
const WHITESPACE = /[\s\x00-\x1f\x7f]{1,4096}/g;

/**
 * The form every pattern sees: URL-decoded (request targets; `+` → space in the query),
 * HTML entities decoded, lower-cased, log4j lookups unwrapped, MySQL versioned comments replaced
 * by their content, other SQL inline comments and runs of whitespace/control characters replaced
 * by one space.
 */
export function normalise(raw: string, isRequestTarget: boolean): string {
  let t = raw.length > MAX_NORMALISE_CHARS ? raw.slice(0, MAX_NORMALISE_CHARS) : raw;
  t = urlDecode(t, isRequestTarget);
  t = decodeHtmlEntities(t);
  t = t.toLowerCase();
  t = unwrapLog4jLookups(t);
  t = t.replace(MYSQL_VERSIONED_COMMENT, ' $1 ');
  t = t.replace(SQL_INLINE_COMMENT, ' ');
  // Once more: a plain comment inside a versioned one (/*!UNION/**\/SELECT*\/) is gone now.
  t = t.replace(MYSQL_VERSIONED_COMMENT, ' $1 ');
  t = t.replace(WHITESPACE, ' ');
  return t;
}
