import { MAX_NORMALISE_CHARS, normalise } from './normalize.js';
import { firstMatch, type PayloadAttackType, type Signature } from './patterns.js';
import type { PartDecoding } from './request-parts.js';

/** Raw characters normalised at once; a longer part is read in windows that overlap by OVERLAP_CHARS. */
export const WINDOW_CHARS = MAX_NORMALISE_CHARS;
/** Longer than any pattern's match, so a payload across a window edge is whole in one window. */
export const OVERLAP_CHARS = 512;
/** attack_details.sample is cut to this many characters (raw; outputs sanitize). */
export const SAMPLE_CHARS = 200;

/** What matched in a request: the signature, the part's name and a raw excerpt with the match. */
export interface Finding {
  sig: Signature;
  part: string;
  sample: string;
}

export type Findings = Map<PayloadAttackType, Finding>;

export function normaliseAs(raw: string, decoding: PartDecoding): string {
  switch (decoding) {
    case 'target':
    case 'url':
      return normalise(raw, true);
    case 'form':
      return normalise(raw.replace(/\+/g, ' '), false);
    default:
      return normalise(raw, false);
  }
}

/**
 * Searches one part for each of `types` not found yet in this request. A part longer than a
 * window is read window by window (padding before a payload does not hide it).
 */
export function searchPart(
  sigs: Readonly<Record<PayloadAttackType, Signature[]>>,
  found: Findings,
  name: string,
  raw: string,
  decoding: PartDecoding,
  types: readonly PayloadAttackType[],
  quote: string,
): void {
  let pending = false;
  for (const t of types) if (!found.has(t)) pending = true;
  if (!pending || raw === '') return;
  for (let start = 0; start < raw.length; start += WINDOW_CHARS - OVERLAP_CHARS) {
    const slice = start === 0 && raw.length <= WINDOW_CHARS ? raw : raw.slice(start, start + WINDOW_CHARS);
    const text = normaliseAs(slice, decoding);
    for (const type of types) {
      if (found.has(type)) continue;
      const sig = firstMatch(sigs[type], text);
      if (sig !== null) found.set(type, { sig, part: name, sample: excerpt(quote, raw === quote ? start : -1, sig, text) });
    }
    if (start + WINDOW_CHARS >= raw.length) break;
  }
}

/**
 * A raw excerpt of at most SAMPLE_CHARS that holds the match where it can be found in the raw
 * text (plain payloads); an encoded payload is quoted from the start of its window.
 */
function excerpt(quote: string, windowStart: number, sig: Signature, text: string): string {
  if (quote.length <= SAMPLE_CHARS) return quote;
  const m = sig.re.exec(text);
  let at = -1;
  if (m !== null && m[0].length > 0) at = quote.toLowerCase().indexOf(m[0].slice(0, 24));
  if (at < 0) at = windowStart > 0 ? windowStart : 0;
  const from = Math.max(0, Math.min(at - 40, quote.length - SAMPLE_CHARS));
  return quote.slice(from, from + SAMPLE_CHARS);
}
