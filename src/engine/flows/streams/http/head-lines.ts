import { decodeLenientUtf8 } from '../../../decode/http-request.js';
import type { HttpHeader } from './http-message.js';

const NON_ASCII = /[\x80-\xff]/;

/** Header lines read per message; a head with more is read as far as this. */
export const MAX_HEADERS = 256;

export interface HeadLines {
  startLine: string;
  headers: HttpHeader[];
}

/**
 * Splits a message head into its start line and header lines. Lenient as servers are: LF or
 * CRLF line ends, whitespace around the name, and obsolete line folding (a line starting with a
 * space or tab continues the previous value) joined with one space, so a value split over lines
 * is seen whole.
 */
export function splitHead(buf: Buffer, len: number): HeadLines {
  // Most heads are ASCII: one native slice and one native scan, the lenient decoder otherwise.
  const ascii = buf.toString('latin1', 0, len);
  const text = NON_ASCII.test(ascii) ? decodeLenientUtf8(buf, 0, len) : ascii;
  const lines = text.split('\n');
  const startLine = stripCr(lines[0] ?? '');
  const headers: HttpHeader[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = stripCr(lines[i]!);
    if (line === '') break;
    const first = line.charCodeAt(0);
    if ((first === 0x20 || first === 0x09) && headers.length > 0) {
      const prev = headers[headers.length - 1]!;
      prev.value = `${prev.value} ${line.trim()}`;
      continue;
    }
    if (headers.length >= MAX_HEADERS) break;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    headers.push({ name, lower: name.toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return { startLine, headers };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
