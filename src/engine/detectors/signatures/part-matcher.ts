import { MAX_NORMALISE_CHARS, normalise } from './normalize.js';
import { firstMatch, type PayloadAttackType, type Signature } from './patterns.js';
import type { CleanParts } from './clean-parts.js';
import type { PartDecoding } from './request-parts.js';

/** Raw characters normalised at once; a longer part is read in windows that overlap by OVERLAP_CHARS. */
export const WINDOW_CHARS = MAX_NORMALISE_CHARS;
/** Longer than any pattern's match, so a payload across a window edge is whole in one window. */
export const OVERLAP_CHARS = 512;
/** attack_details.sample is cut to this many characters (raw; outputs sanitize). */
export const SAMPLE_CHARS = 200;

/** What matched in a request: the signature, the part's name, a raw excerpt with the match, the normalised match. */
export interface Finding {
  sig: Signature;
  part: string;
  text: string;
  match: string;
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
 * window is read window by window (padding before a payload does not hide it). `clean`
 * remembers values that matched none of `types`, so a value repeated request after request is
 * searched once.
 */
export function searchPart(
  sigs: Readonly<Record<PayloadAttackType, Signature[]>>,
  found: Findings,
  name: string,
  raw: string,
  decoding: PartDecoding,
  types: readonly PayloadAttackType[],
  clean: CleanParts | null = null,
): void {
  let pending = 0;
  for (const t of types) if (!found.has(t)) pending++;
  if (pending === 0 || raw === '') return;
  if (clean !== null && clean.has(types, decoding, raw)) return;
  const before = found.size;
  for (let start = 0; start < raw.length; start += WINDOW_CHARS - OVERLAP_CHARS) {
    const slice = start === 0 && raw.length <= WINDOW_CHARS ? raw : raw.slice(start, start + WINDOW_CHARS);
    const text = normaliseAs(slice, decoding);
    for (const type of types) {
      if (found.has(type)) continue;
      const sig = firstMatch(sigs[type], text);
      if (sig === null) continue;
      const match = sig.re.exec(text)?.[0] ?? '';
      found.set(type, { sig, part: name, text: excerpt(raw, start, match), match: match.length > SAMPLE_CHARS ? match.slice(0, SAMPLE_CHARS) : match });
    }
    if (start + WINDOW_CHARS >= raw.length) break;
  }
  // Every type was searched and none matched: the value is clean for this set of types.
  if (clean !== null && pending === types.length && found.size === before) clean.add(types, decoding, raw);
}

/**
 * A raw excerpt of at most SAMPLE_CHARS that holds the match where it can be found in the raw
 * text (plain payloads); an encoded payload is quoted from the start of its window.
 */
function excerpt(raw: string, windowStart: number, match: string): string {
  if (raw.length <= SAMPLE_CHARS) return raw;
  let at = match.length > 0 ? raw.toLowerCase().indexOf(match.slice(0, 24), windowStart) : -1;
  if (at < 0) at = windowStart;
  const from = Math.max(0, Math.min(at - 40, raw.length - SAMPLE_CHARS));
  return raw.slice(from, from + SAMPLE_CHARS);
}
