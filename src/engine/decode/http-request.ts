import type { HttpRequestInfo } from '../../model/flow-summary.js';

/** Only the head of the first segment is read; longer heads are cut, not buffered. */
const MAX_HEAD_BYTES = 4096;
const MAX_FIELD_CHARS = 2048;

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];

/** Cheap pre-check on the first bytes so non-HTTP payloads cost a few comparisons. */
export function looksLikeHttpRequest(buf: Buffer, off: number, len: number): boolean {
  if (len < 14) return false;
  const c = buf[off]!;
  // G P H D O C T — first letters of the methods above.
  if (c !== 0x47 && c !== 0x50 && c !== 0x48 && c !== 0x44 && c !== 0x4f && c !== 0x43 && c !== 0x54) return false;
  for (let i = 1; i < 9 && i < len; i++) {
    const b = buf[off + i]!;
    if (b === 0x20) return true;
    if (b < 0x41 || b > 0x5a) return false;
  }
  return false;
}

export function parseHttpRequest(buf: Buffer, off: number, len: number): HttpRequestInfo | null {
  if (!looksLikeHttpRequest(buf, off, len)) return null;
  const head = decodeLenientUtf8(buf, off, off + Math.min(len, MAX_HEAD_BYTES));
  const lines = head.split('\r\n');
  const requestLine = lines[0] ?? '';
  const firstSpace = requestLine.indexOf(' ');
  const lastSpace = requestLine.lastIndexOf(' ');
  if (firstSpace <= 0 || lastSpace <= firstSpace) return null;
  const method = requestLine.slice(0, firstSpace);
  const version = requestLine.slice(lastSpace + 1);
  if (!METHODS.includes(method) || !version.startsWith('HTTP/')) return null;
  const info: HttpRequestInfo = {
    method,
    target: requestLine.slice(firstSpace + 1, lastSpace).slice(0, MAX_FIELD_CHARS),
    version,
    host: null,
    userAgent: null,
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim().slice(0, MAX_FIELD_CHARS);
    if (name === 'host' && info.host === null) info.host = value;
    else if (name === 'user-agent' && info.userAgent === null) info.userAgent = value;
  }
  return info;
}

/**
 * Well-formed UTF-8 sequences become their characters; every other byte becomes the code point
 * of the same value (as latin1 would). So a bidi override sent as UTF-8 reaches the sanitizer
 * as U+202E, not as three mojibake characters, and a stray 0x9b stays U+009B.
 */
export function decodeLenientUtf8(buf: Buffer, start: number, end: number): string {
  let out = '';
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) {
      // Fast path for runs of ASCII.
      let j = i + 1;
      while (j < end && buf[j]! < 0x80) j++;
      out += buf.toString('latin1', i, j);
      i = j;
      continue;
    }
    const cp = utf8At(buf, i, end);
    if (cp > 0) {
      out += String.fromCodePoint(cp);
      i += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    } else {
      out += String.fromCharCode(b);
      i++;
    }
  }
  return out;
}

/** The code point of a well-formed multi-byte sequence at i, or -1 (overlong, surrogate, cut). */
function utf8At(buf: Buffer, i: number, end: number): number {
  const b0 = buf[i]!;
  const cont = (k: number) => i + k < end && (buf[i + k]! & 0xc0) === 0x80;
  if (b0 >= 0xc2 && b0 <= 0xdf && cont(1)) return ((b0 & 0x1f) << 6) | (buf[i + 1]! & 0x3f);
  if (b0 >= 0xe0 && b0 <= 0xef && cont(1) && cont(2)) {
    const cp = ((b0 & 0x0f) << 12) | ((buf[i + 1]! & 0x3f) << 6) | (buf[i + 2]! & 0x3f);
    return cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) ? -1 : cp;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4 && cont(1) && cont(2) && cont(3)) {
    const cp = ((b0 & 0x07) << 18) | ((buf[i + 1]! & 0x3f) << 12) | ((buf[i + 2]! & 0x3f) << 6) | (buf[i + 3]! & 0x3f);
    return cp < 0x10000 || cp > 0x10ffff ? -1 : cp;
  }
  return -1;
}
