/**
 * The request line, Host and User-Agent of an HTTP/1.x request, read from the first payload
 * of a flow. Values are raw attacker-controlled text: they must pass the display sanitizer
 * before reaching a terminal.
 */
export interface HttpRequestInfo {
  method: string;
  target: string;
  version: string;
  host: string | null;
  userAgent: string | null;
}

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
  const head = buf.toString('latin1', off, off + Math.min(len, MAX_HEAD_BYTES));
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
