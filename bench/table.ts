/**
 * The one table `npm run bench` prints: one row per figure, grouped by input or section, with
 * its target and PASS/MISS where a figure has one. Shared by bench/run.ts and the section
 * files (bench/*-bench.ts) so every section's rows line up in the same columns.
 */

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(xs: number[]): Spread {
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export type Unit = 's' | 'MB' | 'ms' | 'fps' | '%' | 'count';

export interface Row {
  /** Input (replay rows) or section (firewall, latency, live, ui). */
  input: string;
  measurement: string;
  runs: number;
  unit: Unit;
  median: number;
  min: number;
  max: number;
  /** packets / median wall time (replay rows). */
  pps: number | null;
  /** A rate in other units, already formatted ("41,000 blocks/s"); shown where pps would be. */
  rate?: string;
  /** Our rows: our pps over tcpdump -nr's / tshark -r's (higher = we are faster). */
  vs_tcpdump: number | null;
  vs_tshark: number | null;
  /** Peer rows: Engine.run() pps and CLI end-to-end pps over this peer's. */
  run_vs_this: number | null;
  e2e_vs_this: number | null;
  target: string;
  result: 'PASS' | 'MISS' | '';
  /** Anything the figure needs to be read right (correctness checks, what was extrapolated). */
  note?: string;
}

/** A row with no figures yet; `extra` fills them in. */
export function makeRow(input: string, measurement: string, s: Spread, unit: Unit, extra: Partial<Row> = {}): Row {
  return {
    input,
    measurement,
    runs: s.n,
    unit,
    median: s.median,
    min: s.min,
    max: s.max,
    pps: null,
    vs_tcpdump: null,
    vs_tshark: null,
    run_vs_this: null,
    e2e_vs_this: null,
    target: '',
    result: '',
    ...extra,
  };
}

/** A section that could not run here: one row saying why, no figures. */
export function skippedRow(input: string, reason: string): Row {
  return makeRow(input, `skipped: ${reason}`, spread([]), 'count');
}

/** A single figure (one run). */
export function oneRow(input: string, measurement: string, value: number, unit: Unit, extra: Partial<Row> = {}): Row {
  return makeRow(input, measurement, Number.isFinite(value) ? spread([value]) : spread([]), unit, extra);
}

export const passMiss = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');

export const fmtMillions = (pps: number): string => `${(pps / 1e6).toFixed(2)} M/s`;
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function fmtVal(v: number, unit: Unit): string {
  if (!Number.isFinite(v)) return '';
  switch (unit) {
    case 's':
      return `${v.toFixed(3)} s`;
    case 'MB':
      return `${v.toFixed(0)} MB`;
    case 'ms':
      return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
    case 'fps':
      return `${v.toFixed(1)} fps`;
    case '%':
      return `${v.toFixed(1)} %`;
    case 'count':
      return fmtInt(v);
  }
}

export const fmtRatio = (r: number | null): string => (r === null ? '' : `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`);

export function renderTable(rows: Row[]): string {
  const head = ['input', 'measurement', 'runs', 'median', 'min', 'max', 'rate', 'ours/this: run', 'e2e', 'target', 'result', 'note'];
  const cells = rows.map((r) => [
    r.input,
    r.measurement,
    r.runs === 0 ? '' : String(r.runs),
    fmtVal(r.median, r.unit),
    r.runs > 1 ? fmtVal(r.min, r.unit) : '',
    r.runs > 1 ? fmtVal(r.max, r.unit) : '',
    r.rate ?? (r.pps === null ? '' : fmtMillions(r.pps)),
    fmtRatio(r.run_vs_this),
    fmtRatio(r.e2e_vs_this),
    r.target,
    r.result,
    r.note ?? '',
  ]);
  const all = [head, ...cells];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const rightAligned = new Set([2, 3, 4, 5, 6, 7, 8]);
  const line = (r: string[]): string =>
    r.map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(head), sep];
  let prev = '';
  for (let i = 0; i < cells.length; i++) {
    if (prev !== '' && rows[i]!.input !== prev) out.push(sep);
    prev = rows[i]!.input;
    out.push(line(cells[i]!));
  }
  return out.join('\n');
}

/** What each section hands back to bench/run.ts: its rows, and every raw sample for the JSON. */
export interface SectionResult {
  rows: Row[];
  raw: unknown;
  /** Lines for the table's header: how the section measured (one line each). */
  notes?: string[];
}

export const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};
