import { decodeLenientUtf8 } from '../../decode/http-request.js';
import type { HttpRequest } from '../../flows/streams/http/http-message.js';
import type { PartDecoding } from './request-parts.js';

/** Multipart sections read at most. */
const MAX_PARTS = 64;

/** A body as text to search, and how to decode it; null when it is not text (images, archives, compressed). */
export interface BodyText {
  text: string;
  decoding: PartDecoding;
}

/**
 * The searchable text of a request body by its media type: a form is URL-decoded with '+' as a
 * space, JSON has its string escapes (\u0027, \") decoded, multipart contributes its part
 * headers (file names) and every field that is not a binary file, text and XML are read as
 * they are. A body without a type is read as a form when it looks like one, else as text.
 * Compressed bodies and other media types are not text: null.
 */
export function bodyText(req: HttpRequest, body: Buffer): BodyText | null {
  if (req.encodedBody) return null;
  const type = req.contentType;
  const raw = decodeLenientUtf8(body, 0, body.length);
  if (type === null) return { text: raw, decoding: /^[\w.%[\]-]{1,64}=/.test(raw) ? 'form' : 'text' };
  if (type === 'application/x-www-form-urlencoded') return { text: raw, decoding: 'form' };
  if (type === 'application/json' || type.endsWith('+json')) return { text: decodeJsonEscapes(raw), decoding: 'text' };
  if (type.startsWith('multipart/')) return { text: multipartText(raw, req.contentTypeRaw ?? ''), decoding: 'text' };
  if (type.startsWith('text/') || type.endsWith('/xml') || type.endsWith('+xml') || type === 'application/graphql') return { text: raw, decoding: 'text' };
  return null;
}

/** JSON string escapes decoded over the whole text (keys and values; the structure stays readable). */
export function decodeJsonEscapes(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g, (_m, hex: string | undefined, c: string | undefined) => {
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    return c === 'b' ? '\b' : c === 'f' ? '\f' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c!;
  });
}

/** Part headers and non-binary contents of a multipart body, one per line. */
export function multipartText(raw: string, contentType: string): string {
  const m = /boundary=(?:"([^"]{1,200})"|([^;\s]{1,200}))/i.exec(contentType);
  const boundary = m === null ? null : (m[1] ?? m[2])!;
  if (boundary === null) return raw;
  const out: string[] = [];
  const sections = raw.split(`--${boundary}`);
  for (let i = 1; i < sections.length && i <= MAX_PARTS; i++) {
    const section = sections[i]!;
    if (section.startsWith('--')) break;
    const blank = section.search(/\r?\n\r?\n/);
    const head = blank < 0 ? section : section.slice(0, blank);
    const content = blank < 0 ? '' : section.slice(blank).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
    out.push(head.trim());
    const partType = /content-type:\s*([^\s;]+)/i.exec(head)?.[1]?.toLowerCase() ?? null;
    const isFile = /filename\*?=/i.test(head);
    if (!isFile || partType === null || partType.startsWith('text/') || partType.endsWith('json') || partType.endsWith('xml')) out.push(content);
  }
  return out.join('\n');
}
