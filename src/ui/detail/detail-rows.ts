import stringWidth from 'string-width';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';
import type { Tone } from '../theme.js';
import type { DetailLine } from './detail-lines.js';

/** One screen line of a detail view, already sanitized and cut to fit. */
export interface DetailRow {
  label: string;
  text: string;
  tone: Tone;
  section: boolean;
}

export const LABEL_WIDTH = 14;
/** Longest value shown (escaped), in screen lines. */
const MAX_LINES_PER_VALUE = 12;

/**
 * Lays detail lines out for `width` columns: a label column, and values broken over as many lines
 * as they need (nothing is left to the terminal to wrap). Every value is sanitized first, so the
 * escaped form of attacker bytes is what is measured and shown.
 */
export function detailRows(lines: readonly DetailLine[], width: number): DetailRow[] {
  const out: DetailRow[] = [];
  const valueWidth = Math.max(10, width - LABEL_WIDTH - 1);
  for (const line of lines) {
    if (line.section === true) {
      out.push({ label: '', text: sanitizeForDisplay(line.value, { maxWidth: width }), tone: line.tone ?? null, section: true });
      continue;
    }
    const text = sanitizeForDisplay(line.value, { maxWidth: valueWidth * MAX_LINES_PER_VALUE });
    const chunks = breakToWidth(text, valueWidth);
    chunks.forEach((chunk, i) => out.push({ label: i === 0 ? sanitizeForDisplay(line.label, { maxWidth: LABEL_WIDTH }) : '', text: chunk, tone: line.tone ?? null, section: false }));
  }
  return out;
}

/** Cuts text into pieces at most `width` columns wide (wide characters count two). */
export function breakToWidth(text: string, width: number): string[] {
  if (text === '') return [''];
  const out: string[] = [];
  let current = '';
  let used = 0;
  for (const c of text) {
    const w = stringWidth(c);
    if (used + w > width) {
      out.push(current);
      current = '';
      used = 0;
    }
    current += c;
    used += w;
  }
  if (current !== '') out.push(current);
  return out;
}
