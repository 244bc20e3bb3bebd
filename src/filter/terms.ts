import type { ConnState } from '../model/flow-summary.js';
import { parseAddress } from '../net/address.js';
import type { FilterNode, Protocol } from './ast.js';
import { FilterError, excerpt, shorten } from './filter-error.js';
import { keywordCase, type Token } from './lexer.js';
import { closest as closestOf } from './suggest.js';

/**
 * The term keywords and how each reads its value. Values are validated here, at parse time,
 * so a compiled filter can never fail or surprise at match time.
 */

/** Keywords that take one value. */
export const VALUE_KEYWORDS = ['process', 'port', 'ip', 'status', 'country', 'proto'] as const;
export type ValueKeyword = (typeof VALUE_KEYWORDS)[number];

export const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'icmp', 'icmpv6', 'sctp'];

/** Keywords that stand alone: protocol shorthands and `alert`. */
export const BARE_KEYWORDS = [...PROTOCOLS, 'alert'] as const;

/** Everything a misspelt word may have meant, likeliest first (ties in `closest` go early). */
export const SUGGESTIONS: readonly string[] = [...VALUE_KEYWORDS, ...BARE_KEYWORDS, 'and', 'or', 'not'];

/** Zeek conn_state names, as the flow table reports them (checked against its type). */
export const ZEEK_STATES = ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'] as const satisfies readonly ConnState[];

/**
 * The plain-word flow states and the Zeek states each covers. `established` means the
 * handshake completed and the connection is not yet fully closed (S1, S2, S3); `closed` is
 * every ended state, including the rejected and reset ones.
 */
export const STATUS_CATEGORIES: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['established', ['S1', 'S2', 'S3']],
  ['syn', ['S0', 'SH']],
  ['closed', ['SF', 'REJ', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SHR']],
  ['rejected', ['REJ']],
  ['reset', ['RSTO', 'RSTR', 'RSTOS0', 'RSTRH']],
  ['other', ['OTH']],
]);

/** Country labels the geolocation uses for addresses that have no country. */
export const COUNTRY_LABELS = ['LAN', 'RESERVED'] as const;

const WHAT_EXPECTED: Readonly<Record<ValueKeyword, string>> = {
  process: 'a process name',
  port: 'a port number',
  ip: 'an address or CIDR',
  status: 'a connection status',
  country: 'a two-letter country code, LAN or RESERVED',
  proto: 'a protocol (tcp, udp, icmp, icmpv6, sctp)',
};

export function isValueKeyword(word: string): word is ValueKeyword {
  return (VALUE_KEYWORDS as readonly string[]).includes(word);
}

export function isProtocol(word: string): word is Protocol {
  return (PROTOCOLS as readonly string[]).includes(word);
}

/** Shows a token in a message: quoted strings as typed, anything else in single quotes. */
export function showToken(token: Token): string {
  if (token.kind === 'end') return 'end of filter';
  if (token.kind === 'string') return shorten(token.raw);
  return excerpt(token.raw);
}

/** The error for a value keyword followed by no usable value. */
export function missingValue(keyword: ValueKeyword, got: Token): FilterError {
  const tail = got.kind === 'end' ? '' : ` (got ${showToken(got)})`;
  return new FilterError(`expected ${WHAT_EXPECTED[keyword]} after '${keyword}'${tail}`, got.pos);
}

/** Where the value's own characters start: past the opening quote of a quoted value. */
function contentStart(token: Token): number {
  return token.kind === 'string' ? token.pos + 1 : token.pos;
}

export function readValue(keyword: ValueKeyword, token: Token): FilterNode {
  switch (keyword) {
    case 'process':
      return readProcess(token);
    case 'port':
      return readPort(token);
    case 'ip':
      return readIp(token);
    case 'status':
      return readStatus(token);
    case 'country':
      return readCountry(token);
    case 'proto':
      return readProto(token);
  }
}

function readProcess(token: Token): FilterNode {
  // Bare `unknown` is the keyword; a quoted "unknown" is a literal name to search for.
  if (token.kind === 'word' && keywordCase(token.value) === 'unknown') return { kind: 'process', name: null };
  if (token.value.length === 0) throw new FilterError('empty process name', token.pos);
  return { kind: 'process', name: token.value };
}

const PORT_RE = /^(\d+)(?:-(\d+))?$/;

function readPort(token: Token): FilterNode {
  const m = PORT_RE.exec(token.value);
  if (!m) throw missingValue('port', token);
  const lowText = m[1]!;
  const highText = m[2];
  const low = checkPort(lowText, contentStart(token));
  if (highText === undefined) return { kind: 'port', low, high: low };
  const high = checkPort(highText, contentStart(token) + lowText.length + 1);
  if (high < low) throw new FilterError(`port range ${low}-${high} is reversed (write ${high}-${low})`, token.pos);
  return { kind: 'port', low, high };
}

function checkPort(digits: string, pos: number): number {
  const n = Number(digits);
  if (n < 1 || n > 65535) throw new FilterError(`port ${digits.length > 12 ? excerpt(digits) : digits} is out of range (1-65535)`, pos);
  return n;
}

/**
 * Checks an address or CIDR by the same rules `CidrSet.add` applies (IPv4 prefixes 0-32,
 * IPv6 0-128), so compiling it later cannot fail.
 */
function readIp(token: Token): FilterNode {
  const text = token.value;
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  if (addrText.length === 0 || parseAddress(addrText) === null) {
    throw new FilterError(`bad address ${excerpt(addrText.length === 0 ? text : addrText)}`, contentStart(token));
  }
  if (slash >= 0) {
    const maxBits = addrText.includes(':') ? 128 : 32;
    const prefix = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maxBits) {
      throw new FilterError(`bad prefix length ${excerpt(`/${prefix}`)} (0-${maxBits})`, contentStart(token) + slash);
    }
  }
  return { kind: 'ip', cidr: text };
}

function readStatus(token: Token): FilterNode {
  const word = keywordCase(token.value);
  const states = STATUS_CATEGORIES.get(word);
  if (states) return { kind: 'status', label: word, states };
  // ASCII only before upper-casing: 'ſ0'.toUpperCase() is 'S0'.
  const upper = /^[A-Za-z0-9]+$/.test(token.value) ? token.value.toUpperCase() : '';
  if ((ZEEK_STATES as readonly string[]).includes(upper)) return { kind: 'status', label: upper, states: [upper] };
  const guess = closestOf(token.value, [...STATUS_CATEGORIES.keys()]);
  if (guess !== null) throw new FilterError(`unknown status ${excerpt(token.value)} — did you mean '${guess}'?`, token.pos);
  throw new FilterError(
    `unknown status ${excerpt(token.value)} (established, syn, closed, rejected, reset, other, or a Zeek state like S0)`,
    token.pos,
  );
}

function readCountry(token: Token): FilterNode {
  // Tested before upper-casing: 'ß'.toUpperCase() is 'SS'.
  if (!/^[A-Za-z]+$/.test(token.value)) throw missingValue('country', token);
  const upper = token.value.toUpperCase();
  if (upper.length === 2 || (COUNTRY_LABELS as readonly string[]).includes(upper)) return { kind: 'country', code: upper };
  throw missingValue('country', token);
}

function readProto(token: Token): FilterNode {
  const word = keywordCase(token.value);
  if (isProtocol(word)) return { kind: 'proto', proto: word };
  const guess = closestOf(token.value, PROTOCOLS);
  const hint = guess !== null ? ` — did you mean '${guess}'?` : ` (${PROTOCOLS.join(', ')})`;
  throw new FilterError(`unknown protocol ${excerpt(token.value)}${hint}`, token.pos);
}
