/** Request methods recognised where a request has to be found (stream start on another port, after a gap). */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT',
]);

const LONGEST = 9;

/**
 * Could this first client payload be (the start of) an HTTP request? A known method and a
 * space, or, for a payload shorter than that, a prefix of one: a request split into tiny
 * segments is recognised from its first byte.
 */
export function couldStartHttpRequest(buf: Buffer, off: number, len: number): boolean {
  let n = 0;
  while (n < len && n <= LONGEST) {
    const b = buf[off + n]!;
    if (b === 0x20) return n > 0 && KNOWN_METHODS.has(buf.toString('latin1', off, off + n));
    if (b < 0x41 || b > 0x5a) return false;
    n++;
  }
  if (n > LONGEST) return false;
  const prefix = buf.toString('latin1', off, off + n);
  for (const m of KNOWN_METHODS) if (m.startsWith(prefix)) return true;
  return false;
}

/** A request method token as servers accept it: upper-case letters, '-' and '_', at most 20. */
export function isMethodToken(s: string): boolean {
  return /^[A-Z][A-Z_-]{0,19}$/.test(s);
}
