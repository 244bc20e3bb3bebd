/**
 * The auth-log shape fixtures (fixtures/auth/shapes/*.txt, format in their README): loading
 * them and judging every line against its verdict through an AuthLogMonitor. Shared by the unit
 * test (every line must pass) and `npm run accuracy` (rows per file and mode).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { AuthFailure } from '../../src/engine/logs/auth-events.js';
import { AuthLogMonitor } from '../../src/engine/logs/auth-log-monitor.js';
import { journalEntry } from '../../src/platform/logs/journal-source.js';
import type { LogSource, SourceLine } from '../../src/platform/logs/log-source.js';

export const SHAPES_DIR = new URL('../../fixtures/auth/shapes/', import.meta.url).pathname;
/** The address hostile lines try to get counted. */
export const INNOCENT = '192.0.2.66';
const NOW = Date.UTC(2026, 2, 4, 12) * 1000;

export type ShapeVerdict = { kind: 'count'; source: string; user: string | null; aggressive: boolean } | { kind: 'none' };

export interface ShapeLine {
  file: string;
  lineNo: number;
  verdict: ShapeVerdict;
  text: string;
}

export interface ShapeResult {
  line: ShapeLine;
  /** Failures the line counted in the normal and in the aggressive mode. */
  normal: AuthFailure[];
  aggressive: AuthFailure[];
  /** Empty when the line met its verdict in both modes. */
  problem: string;
}

export function shapeFiles(): string[] {
  return readdirSync(SHAPES_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort();
}

function parseVerdict(v: string, where: string): ShapeVerdict {
  if (v === 'none') return { kind: 'none' };
  const m = /^count (\S+)((?: user=(?:"(?:[^"\\]|\\.)*"|\S+))?)((?: aggressive)?)$/.exec(v);
  if (m === null) throw new Error(`${where}: bad verdict '${v}'`);
  const u = /^ user=(.*)$/.exec(m[2]!);
  const user = u === null ? null : u[1]!.startsWith('"') ? (JSON.parse(u[1]!) as string) : u[1]!;
  return { kind: 'count', source: m[1]!, user, aggressive: m[3] !== '' };
}

export function loadShapes(file: string): ShapeLine[] {
  const out: ShapeLine[] = [];
  readFileSync(SHAPES_DIR + file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      if (raw.trim() === '' || raw.startsWith('#')) return;
      const sep = raw.indexOf(' | ');
      if (sep < 0) throw new Error(`${file}:${i + 1}: no ' | ' between verdict and line`);
      out.push({ file, lineNo: i + 1, verdict: parseVerdict(raw.slice(0, sep), `${file}:${i + 1}`), text: raw.slice(sep + 3) });
    });
  return out;
}

/** A journald fixture line as the journal source delivers it; text lines as a file follower does. */
function sourceLine(file: string, text: string): SourceLine {
  if (!file.startsWith('journald')) return { text };
  const e = journalEntry(text);
  if (e === null) throw new Error(`${file}: not a journal entry: ${text}`);
  return e;
}

/** Feeds one file's lines in order to one monitor and judges each line. */
export function judgeShapes(lines: ShapeLine[]): ShapeResult[] {
  let current: AuthFailure[] = [];
  const bruteForce = { onFailure: (ev: AuthFailure) => current.push(ev) };
  const commands = { onCommand: () => undefined };
  const source: LogSource = { description: 'shapes', start: async () => undefined, stop: () => undefined, stats: () => ({ lines: 0, oversized: 0, rotations: 0, truncations: 0 }) };
  const monitor = new AuthLogMonitor(source, bruteForce as never, commands as never, () => NOW);
  return lines.map((line) => {
    current = [];
    monitor.onLine(sourceLine(line.file, line.text));
    const counted = current.filter((ev) => ev.weight !== 'evidence');
    const normal = counted.filter((ev) => (ev.mode ?? 'normal') === 'normal');
    return { line, normal, aggressive: counted, problem: problemOf(line.verdict, normal, counted) };
  });
}

function problemOf(v: ShapeVerdict, normal: AuthFailure[], aggressive: AuthFailure[]): string {
  const show = (evs: AuthFailure[]) => (evs.length === 0 ? 'nothing' : evs.map((e) => `${e.source} (${e.what}, user ${JSON.stringify(e.user)})`).join(', '));
  if (v.kind === 'none') return aggressive.length === 0 ? '' : `counted ${show(aggressive)}`;
  const must = v.aggressive ? aggressive : normal;
  if (v.aggressive && normal.length > 0) return `normal mode counted ${show(normal)} (aggressive only)`;
  if (must.length === 0) return `counted nothing${v.aggressive ? ' in the aggressive mode' : ''}`;
  if (aggressive.some((e) => e.source !== v.source)) return `counted ${show(aggressive)}, not only ${v.source}`;
  if (v.user !== null && !must.some((e) => e.user === v.user)) return `user ${show(must)}, expected ${JSON.stringify(v.user)}`;
  return '';
}

export interface ShapeTally {
  file: string;
  mode: 'normal' | 'aggressive';
  /** Lines that must count in this mode, and how many did (for the right source). */
  mustCount: number;
  counted: number;
  /** Lines that must count nothing in this mode, and how many counted something. */
  mustNot: number;
  wronglyCounted: number;
}

/** Per file and mode: must-count lines recognised and must-not lines wrongly counted. */
export function tallyShapes(file: string): ShapeTally[] {
  const results = judgeShapes(loadShapes(file));
  return (['normal', 'aggressive'] as const).map((mode) => {
    const t: ShapeTally = { file, mode, mustCount: 0, counted: 0, mustNot: 0, wronglyCounted: 0 };
    for (const r of results) {
      const v = r.line.verdict;
      const evs = mode === 'normal' ? r.normal : r.aggressive;
      const shouldCount = v.kind === 'count' && (mode === 'aggressive' || !v.aggressive);
      if (shouldCount) {
        t.mustCount++;
        if (evs.length > 0 && evs.every((e) => e.source === v.source)) t.counted++;
      } else {
        t.mustNot++;
        if (evs.length > 0) t.wronglyCounted++;
      }
    }
    return t;
  });
}
