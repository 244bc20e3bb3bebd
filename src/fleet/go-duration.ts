/**
 * Durations as Go writes and reads them (`time.Duration`): what the CrowdSec Local API sends
 * and expects — "4h", "3h59m58.123456789s", "-14.6ms", "1µs".
 */

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Seconds, or null when the text is not a Go duration (a lone "0" is zero, as in Go). */
export function parseGoDuration(text: string): number | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return null;
  let i = 0;
  let sign = 1;
  if (text[0] === '-' || text[0] === '+') {
    sign = text[0] === '-' ? -1 : 1;
    i = 1;
  }
  if (text.slice(i) === '0') return 0;
  let total = 0;
  let parts = 0;
  while (i < text.length) {
    PART.lastIndex = i;
    const m = PART.exec(text);
    if (m === null) return null;
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    i = PART.lastIndex;
    parts++;
  }
  return parts === 0 || !Number.isFinite(total) ? null : sign * total;
}

/** Whole seconds as a Go duration ("300s" — Go and the Local API read it as 5m0s). */
export function formatGoDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`;
}
