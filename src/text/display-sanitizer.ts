/**
 * The display sanitizer: the one gate every untrusted string (packets, HTTP headers, reverse-DNS
 * names, process names, log lines) passes before it reaches Ink or any other output.
 *
 * Why: we run as root inside someone's terminal, often over SSH. Raw C0/C1 controls drive that
 * terminal: OSC 52 writes the clipboard, OSC 8 plants links, CSI clears, moves and recolours, CR and
 * BS overwrite what was already drawn, and the 8-bit CSI U+009B does the same without any ESC.
 * Bidi controls reorder what is shown (Trojan Source); zero-width, tag and filler characters hide
 * text. Dropping such characters (what strip-ansi does) would hide the attack itself and make
 * different inputs look the same, so we ESCAPE them, visibly and unambiguously:
 *
 *   \\                        a literal backslash (so nobody can forge text that reads like ours)
 *   \0 \a \b \t \n \r \e      U+0000, BEL, BS, TAB, LF, CR, ESC
 *   \xHH                      any other escaped code point below U+0080 (C0 controls, DEL = \x7f).
 *                             From sanitizeBytes, \x80..\xff is a byte that is not valid UTF-8.
 *   \u{h…}                    any escaped code point from U+0080 up, lowercase hex, no padding:
 *                             C1 controls (\u{9b}), bidi controls (\u{202e}), lone surrogates
 *                             (\u{d800}), format/invisible characters (\u{200b}, \u{feff},
 *                             \u{e0041}), line/paragraph separators (\u{2028}).
 *
 * So `\xHH` always means "below U+0080 (or a raw byte)" and `\u{…}` always means "U+0080 and up":
 * one style per range, and every backslash in the output starts exactly one escape, which makes the
 * mapping injective (decodable back to the input; the tests do that).
 *
 * Escaped: general categories Cc (C0, DEL, C1), Cf (format: bidi, zero-width, BOM, tags,
 * interlinear annotation), Zl, Zp, Cs (lone surrogates; valid pairs are one code point and stay),
 * and every Default_Ignorable_Code_Point (soft hyphen, CGJ, Hangul fillers, the whole tag block
 * U+E0000..U+E0FFF …) except the variation selectors U+FE00..U+FE0F and U+E0100..U+E01EF, which
 * only pick a glyph variant (❤️) and are kept. Everything else is shown as is.
 *
 * Width: the result is at most `maxWidth` terminal columns as measured by string-width (the
 * measure Ink uses; wide CJK = 2). A cut never splits a grapheme, a surrogate pair or an escape,
 * and ends with `…` inside the width. Work is bounded: input beyond 4 × maxWidth + 64 code units
 * (bytes for sanitizeBytes) is cut before anything else, which also ends the result with `…`.
 */
import stringWidth from 'string-width';

export const DEFAULT_MAX_WIDTH = 200;
/** Largest accepted maxWidth; larger (or Infinity) is clamped so the work bound always holds. */
export const MAX_WIDTH_LIMIT = 10_000;
export const ELLIPSIS = '…';

export interface SanitizeOptions {
  /** Terminal columns the result may use, ellipsis included. Default 200; ≤ 0 gives ''. */
  maxWidth?: number;
}

export interface SanitizeBytesOptions extends SanitizeOptions {
  /**
   * 'utf8' (default): strict UTF-8; each byte that is not part of a well-formed sequence is
   * shown as \xHH (always ≥ \x80). 'latin1': one code point per byte (so 0x9b is \u{9b}).
   */
  encoding?: 'utf8' | 'latin1';
}

/** Printable ASCII without backslash: needs no escape, width = length. */
const SAFE_ASCII = /^[\x20-\x5b\x5d-\x7e]*$/;
/** Printable ASCII (sanitized text that holds only escapes and ASCII): width = length. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/**
 * Common scripts in which every code unit is a grapheme of its own (no combining or joining
 * marks, Hangul jamo, Prepend, regional indicators, surrogates), so width is a per-unit sum:
 * Latin-1 and Latin Extended, Greek, Cyrillic, general punctuation, CJK punctuation, kana,
 * ideographs, Hangul syllables, fullwidth forms. A test checks every unit of it against
 * Intl.Segmenter.
 */
export const SIMPLE_BMP =
  /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u0370-\u03ff\u0400-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e\u3000-\u3029\u3030-\u303f\u3041-\u3096\u309b-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff01-\uff9d\uffa1-\uffee]*$/;
/** Candidates for escaping; variation selectors match \p{DI} and are let through in the loop. */
const UNSAFE =
  /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}]/gu;
/** One escape as produced here, for truncateToWidth on already-sanitized text. */
const ESCAPE_TOKEN = /\\(?:x[0-9a-f]{2}|u\{[0-9a-f]{1,6}\}|[\\0abtnre])/g;

const segmenter = new Intl.Segmenter();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  0x00: '\\0',
  0x07: '\\a',
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0d: '\\r',
  0x1b: '\\e',
  0x5c: '\\\\',
};

function hex2(n: number): string {
  return n < 0x10 ? `0${n.toString(16)}` : n.toString(16);
}

/** The escape for one code point (the table in the file comment). */
export function escapeCodePoint(cp: number): string {
  const named = NAMED_ESCAPES[cp];
  if (named !== undefined) return named;
  if (cp < 0x80) return `\\x${hex2(cp)}`;
  return `\\u{${cp.toString(16)}}`;
}

function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/**
 * Output under construction: literal runs (never containing a backslash) and escapes (always
 * starting with one), so a piece's first character says whether it may be cut inside.
 */
type Pieces = string[];

function escapeInto(s: string, pieces: Pieces): void {
  UNSAFE.lastIndex = 0;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = UNSAFE.exec(s)) !== null) {
    const ch = m[0];
    const cp = ch.codePointAt(0) ?? 0;
    if (isVariationSelector(cp)) continue;
    if (m.index > last) pieces.push(s.slice(last, m.index));
    pieces.push(escapeCodePoint(cp));
    last = m.index + ch.length;
  }
  if (last < s.length) pieces.push(last === 0 ? s : s.slice(last));
}

function normalizeWidth(maxWidth: number | undefined): number {
  if (maxWidth === undefined || Number.isNaN(maxWidth)) return DEFAULT_MAX_WIDTH;
  if (maxWidth < 1) return 0;
  return Math.min(Math.floor(maxWidth), MAX_WIDTH_LIMIT);
}

function workLimit(width: number): number {
  return 4 * width + 64;
}

/**
 * Fit `text` into `width` columns. `spans` are [start, end) pairs (sorted) that must not be cut
 * inside (escapes). `forceEllipsis` marks input that was already cut by the work bound.
 */
function fit(text: string, spans: readonly number[], width: number, forceEllipsis: boolean): string {
  if (width <= 0) return '';
  const budget = width - 1; // columns left once the ellipsis is placed
  let cut = 0; // end of the longest legal prefix that fits in budget
  let used = 0;
  let span = 0; // index into spans (pairs) of the first span ending after the current position

  const legal = (end: number): boolean => {
    while (span < spans.length && (spans[span + 1] ?? 0) <= end) span += 2;
    const start = spans[span];
    return start === undefined || end <= start;
  };

  if (PRINTABLE_ASCII.test(text)) {
    // Every character is one grapheme of width 1.
    if (text.length <= width && !forceEllipsis) return text;
    let end = Math.min(budget, text.length);
    // Back off to the start of an escape we would otherwise split.
    for (let i = 0; i < spans.length; i += 2) {
      const s = spans[i] ?? 0;
      const e = spans[i + 1] ?? 0;
      if (s >= end) break;
      if (end < e) {
        end = s;
        break;
      }
    }
    return finish(text.slice(0, end), width);
  }

  if (SIMPLE_BMP.test(text)) {
    // Every code unit is its own grapheme: skip the (slow) segmenter.
    for (let i = 0; i < text.length; i++) {
      used += bmpWidth(text.charCodeAt(i));
      if (used > width) break;
      if (used <= budget && legal(i + 1)) cut = i + 1;
    }
  } else {
    for (const { segment, index } of segmenter.segment(text)) {
      used += graphemeWidth(segment);
      if (used > width) break;
      const end = index + segment.length;
      if (used <= budget && legal(end)) cut = end;
    }
  }
  // string-width is exactly this sum over the same segmentation, so `used` is the real width.
  if (used <= width && !forceEllipsis) return text;
  return finish(text.slice(0, cut), width);
}

/**
 * Width of one grapheme as string-width measures it. Calling string-width per grapheme costs
 * microseconds (it segments again and runs emoji regexes), and rows repeat the same characters
 * frame after frame, so short clusters are memoized in a small table that is dropped when full.
 */
const widthMemo = new Map<string, number>();
const WIDTH_MEMO_LIMIT = 4096;

const bmpWidths = new Uint8Array(0x10000).fill(0xff); // 0xff: not measured yet

function bmpWidth(c: number): number {
  if (c >= 0x20 && c < 0x7f) return 1;
  let w = bmpWidths[c] ?? 0xff;
  if (w === 0xff) {
    w = stringWidth(String.fromCharCode(c));
    bmpWidths[c] = w;
  }
  return w;
}

function graphemeWidth(g: string): number {
  if (g.length === 1) return bmpWidth(g.charCodeAt(0));
  if (g.length > 16) return stringWidth(g);
  let w = widthMemo.get(g);
  if (w === undefined) {
    w = stringWidth(g);
    if (widthMemo.size >= WIDTH_MEMO_LIMIT) widthMemo.clear();
    widthMemo.set(g, w);
  }
  return w;
}

/** string-width's answer, without its per-cluster cost when every unit is its own grapheme. */
function displayWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  if (!SIMPLE_BMP.test(s)) return stringWidth(s);
  let w = 0;
  for (let i = 0; i < s.length; i++) w += bmpWidth(s.charCodeAt(i));
  return w;
}

function finish(prefix: string, width: number): string {
  let out = prefix + ELLIPSIS;
  // Guard: grapheme joins at the cut (e.g. a Prepend character before the ellipsis) can only
  // shrink the width, but never trust that on attacker input.
  while (displayWidth(out) > width && prefix.length > 0) {
    prefix = dropLastGrapheme(prefix);
    out = prefix + ELLIPSIS;
  }
  return displayWidth(out) > width ? '' : out;
}

function dropLastGrapheme(s: string): string {
  let lastStart = 0;
  for (const { index } of segmenter.segment(s)) lastStart = index;
  // Never leave half an escape: cut back to the start of the escape that lastStart falls into.
  ESCAPE_TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ESCAPE_TOKEN.exec(s)) !== null) {
    if (m.index >= lastStart) break;
    if (lastStart < m.index + m[0].length) return s.slice(0, m.index);
  }
  return s.slice(0, lastStart);
}

function assemble(pieces: Pieces, width: number, forceEllipsis: boolean): string {
  const spans: number[] = [];
  let pos = 0;
  for (const p of pieces) {
    if (p.charCodeAt(0) === 0x5c) spans.push(pos, pos + p.length);
    pos += p.length;
  }
  return fit(pieces.join(''), spans, width, forceEllipsis);
}

function asString(input: unknown): string {
  if (typeof input === 'string') return input;
  try {
    return String(input);
  } catch {
    return '';
  }
}

/**
 * Make an untrusted string safe to hand to Ink: escape controls and invisible characters (see
 * the file comment) and cap the width to `maxWidth` columns (default 200), ending a cut with `…`.
 */
export function sanitizeForDisplay(input: string, options?: SanitizeOptions): string {
  const width = normalizeWidth(options?.maxWidth);
  let s = asString(input);
  // Fast path: the common row (addresses, ports, plain names).
  if (s.length <= width && SAFE_ASCII.test(s)) return s;
  if (width === 0) return '';

  let bounded = false;
  const limit = workLimit(width);
  if (s.length > limit) {
    let end = limit;
    const last = s.charCodeAt(end - 1);
    // Do not split a surrogate pair (it would turn into an escaped lone surrogate).
    if (last >= 0xd800 && last <= 0xdbff) end -= 1;
    s = s.slice(0, end);
    bounded = true;
  }
  if (SAFE_ASCII.test(s)) {
    return s.length <= width && !bounded ? s : s.slice(0, width - 1) + ELLIPSIS;
  }
  const pieces: Pieces = [];
  escapeInto(s, pieces);
  return assemble(pieces, width, bounded);
}

function wellFormedLength(buf: Uint8Array, i: number, end: number): number {
  const b0 = buf[i] ?? 0;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    if (i + k >= end) return false;
    const b = buf[i + k] ?? 0;
    return b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 >= 0xe1 && b0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/**
 * Sanitize bytes `buf[start, end)` (clamped to the buffer; never throws) for display. UTF-8 by
 * default, with every byte that is not well-formed UTF-8 shown as \xHH; see SanitizeBytesOptions.
 */
export function sanitizeBytes(
  buf: Uint8Array,
  start = 0,
  end: number = buf.length,
  options?: SanitizeBytesOptions,
): string {
  const width = normalizeWidth(options?.maxWidth);
  if (width === 0) return '';
  const from = clampIndex(start, 0, buf.length);
  let to = clampIndex(end, from, buf.length);

  let bounded = false;
  const limit = workLimit(width);
  if (to - from > limit) {
    to = from + limit;
    bounded = true;
  }
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);

  if (options?.encoding === 'latin1') {
    return sanitizeForBounded(b.toString('latin1', from, to), width, bounded);
  }

  if (bounded) {
    // Do not split a UTF-8 sequence at the cut: back off to the lead byte of the straddling one.
    let back = 0;
    while (back < 3 && to > from && ((b[to] ?? 0) & 0xc0) === 0x80) {
      to -= 1;
      back += 1;
    }
  }

  const pieces: Pieces = [];
  let runStart = from;
  let i = from;
  while (i < to) {
    const n = wellFormedLength(b, i, to);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > runStart) escapeInto(utf8Decoder.decode(b.subarray(runStart, i)), pieces);
    pieces.push(`\\x${hex2(b[i] ?? 0)}`);
    i += 1;
    runStart = i;
  }
  if (to > runStart) escapeInto(utf8Decoder.decode(b.subarray(runStart, to)), pieces);
  return assemble(pieces, width, bounded);
}

function sanitizeForBounded(s: string, width: number, bounded: boolean): string {
  if (!bounded) return sanitizeForDisplay(s, { maxWidth: width });
  const pieces: Pieces = [];
  escapeInto(s, pieces);
  return assemble(pieces, width, true);
}

function clampIndex(n: number, lo: number, hi: number): number {
  if (Number.isNaN(n)) return lo;
  return Math.min(Math.max(Math.floor(n), lo), hi);
}

/**
 * Cut text that is ALREADY sanitizer output (or our own constant text) to `maxWidth` columns,
 * never splitting a grapheme or an escape, ending with `…` when cut. It escapes nothing: use it
 * to fit a value sanitized once (e.g. at ingestion, with a large maxWidth) into a narrower column.
 */
export function truncateToWidth(text: string, maxWidth: number): string {
  const width = normalizeWidth(maxWidth);
  if (text.length <= width && PRINTABLE_ASCII.test(text)) return text;
  const spans: number[] = [];
  if (text.includes('\\')) {
    ESCAPE_TOKEN.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = ESCAPE_TOKEN.exec(text)) !== null) spans.push(m.index, m.index + m[0].length);
  }
  return fit(text, spans, width, false);
}

/** What JSON.stringify leaves raw but a terminal acts on: C1 controls (U+009B is an 8-bit CSI), DEL, bidi and invisible characters. */
const JSON_UNSAFE = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * JSON.stringify for outputs that may end on a terminal (headless stdout, daily logs, webhooks):
 * every character the display sanitizer would escape and JSON.stringify leaves raw is written as a
 * JSON `\uXXXX` escape. The value is unchanged — any JSON parser reads back the same string — but
 * no C1 control (the 8-bit CSI `c2 9b`), bidi override or invisible character reaches the bytes.
 * Variation selectors are escaped too (harmless, and the value is the same).
 */
export function safeJsonStringify(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return text as unknown as string;
  return text.replace(JSON_UNSAFE, (ch) => {
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}

/**
 * One line of plain text for stderr, syslog and the like: the display sanitizer's escapes (ESC,
 * BEL, C1, bidi … become visible `\e`, `\a`, `\u{9b}`), bounded in width.
 */
export function sanitizeLine(text: string, maxWidth = 2000): string {
  return sanitizeForDisplay(text, { maxWidth });
}
