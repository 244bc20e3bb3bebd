import stringWidth from 'string-width';
import { sanitizeForDisplay, truncateToWidth } from '../text/display-sanitizer.js';

/** Plain-text table layout for the reports: aligned columns, a header rule, fitted to a width. */

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** May be narrowed (cells cut with …) when the table is wider than the terminal. */
  flex?: boolean;
  /** May be left out (rightmost first) when even narrowed columns do not fit. */
  optional?: boolean;
  /** Widest the column gets (longer cells are cut with …), e.g. 45 for addresses. */
  max?: number;
}

export interface TextStyle {
  /** Bold headers and titles (SGR 1); off when not a terminal or NO_COLOR is set. */
  color: boolean;
  /** Columns available. */
  width: number;
}

export const INDENT = '  ';
const GAP = '  ';
/** Cells are sanitized to at most this many columns before layout. */
const MAX_CELL_WIDTH = 200;
const MIN_FLEX_WIDTH = 6;

export function bold(s: string, style: TextStyle): string {
  return style.color ? `\x1b[1m${s}\x1b[22m` : s;
}

/**
 * Any text for a cell or a line: control, bidi and invisible characters escaped (history strings
 * are attacker-controlled), width capped. Our own plain ASCII passes unchanged.
 */
export function cell(value: string | number | null | undefined, empty = '-'): string {
  if (value === null || value === undefined || value === '') return empty;
  return typeof value === 'number' ? String(value) : sanitizeForDisplay(value, { maxWidth: MAX_CELL_WIDTH });
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - stringWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

/**
 * Lines of a table. Every cell goes through `cell()` (sanitized), so callers may pass history
 * strings as they are. When the table is wider than `style.width`, flexible columns shrink
 * (widest first, cells cut with …), then optional columns are left out, rightmost first; a table
 * that still does not fit is printed as it is and the terminal wraps it.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly (string | number | null)[])[], style: TextStyle): string[] {
  const allCells = rows.map((r) => columns.map((_, i) => cell(r[i] ?? null)));
  const allHeaders = columns.map((c) => cell(c.header));
  const natural = columns.map((c, i) =>
    Math.min(c.max ?? Infinity, Math.max(stringWidth(allHeaders[i]!), ...allCells.map((r) => stringWidth(r[i]!)))),
  );
  let shown = columns.map((_, i) => i);
  let widths = fitWidths(shown, columns, allHeaders, natural, style.width);
  while (widths === null) {
    const drop = shown.findLastIndex((i) => columns[i]!.optional === true);
    if (drop < 0) break;
    shown = shown.filter((_, k) => k !== drop);
    widths = fitWidths(shown, columns, allHeaders, natural, style.width);
  }
  const w = widths ?? shrink(shown, columns, allHeaders, natural, style.width).widths;
  const line = (r: readonly string[], isHeader: boolean): string => {
    const parts = shown.map((i, k) => pad(truncateToWidth(r[i]!, w[k]!), w[k]!, columns[i]!.align ?? 'left'));
    const text = (INDENT + parts.join(GAP)).trimEnd();
    return isHeader ? bold(text, style) : text;
  };
  const out = [line(allHeaders, true), INDENT + w.map((n) => '-'.repeat(n)).join(GAP)];
  for (const r of allCells) out.push(line(r, false));
  return out;
}

/** Widths of the shown columns after shrinking the flexible ones as far as they go. */
function shrink(
  shown: readonly number[],
  columns: readonly Column[],
  headers: readonly string[],
  natural: readonly number[],
  width: number,
): { widths: number[]; total: number; available: number } {
  const widths = shown.map((i) => natural[i]!);
  const available = width - INDENT.length - GAP.length * (shown.length - 1);
  let total = widths.reduce((s, n) => s + n, 0);
  while (total > available) {
    let widest = -1;
    for (let k = 0; k < shown.length; k++) {
      const i = shown[k]!;
      if (!columns[i]!.flex) continue;
      const floor = Math.max(MIN_FLEX_WIDTH, Math.min(stringWidth(headers[i]!), 12));
      if (widths[k]! > floor && (widest < 0 || widths[k]! > widths[widest]!)) widest = k;
    }
    if (widest < 0) break;
    widths[widest]!--;
    total--;
  }
  return { widths, total, available };
}

function fitWidths(shown: readonly number[], columns: readonly Column[], headers: readonly string[], natural: readonly number[], width: number): number[] | null {
  const r = shrink(shown, columns, headers, natural, width);
  return r.total <= r.available ? r.widths : null;
}

/** `key  value` lines with the keys aligned; values are sanitized. */
export function renderPairs(pairs: readonly (readonly [string, string | number | null])[], style: TextStyle): string[] {
  const keyWidth = Math.max(0, ...pairs.map(([k]) => stringWidth(k)));
  const room = Math.max(10, style.width - INDENT.length - keyWidth - GAP.length);
  return pairs.map(([k, v]) => `${INDENT}${pad(k, keyWidth, 'left')}${GAP}${truncateToWidth(cell(v), room)}`);
}

/**
 * A sentence of ours (history strings in it already through `cell()`), indented and wrapped at
 * spaces to the width; continuation lines are indented further. A word longer than a line is cut.
 */
export function prose(text: string, style: TextStyle): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const indent = lines.length === 0 ? INDENT : `${INDENT}  `;
    if (line === '') line = indent + word;
    else if (stringWidth(`${line} ${word}`) <= style.width) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = `${INDENT}  ${word}`;
    }
    if (stringWidth(line) > style.width) line = truncateToWidth(line, style.width);
  }
  lines.push(line);
  return lines;
}

export function title(text: string, style: TextStyle): string {
  return bold(truncateToWidth(cell(text), Math.max(10, style.width)), style);
}

/** A readable duration: 0.013 s, 45.2 s, 2m 05s, 3h 02m, 2d 05h. */
export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '-';
  if (s < 10) return `${Number(s.toFixed(3))} s`;
  if (s < 60) return `${Number(s.toFixed(1))} s`;
  const total = Math.round(s);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${two(h)}h`;
  if (h > 0) return `${h}h ${two(m)}m`;
  return `${m}m ${two(sec)}s`;
}

/** ISO time shown as `2026-11-21 22:44:21Z` (milliseconds dropped). */
export function formatTime(isoTime: string | null): string {
  if (isoTime === null) return '-';
  const t = Date.parse(isoTime);
  if (!Number.isFinite(t)) return cell(isoTime);
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
