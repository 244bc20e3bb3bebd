/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
 * with their share of all sampled time and their inclusive (self + callees) share.
 *
 *   node --import tsx bench/profile-summary.ts FILE.cpuprofile [TOP_N [START_US END_US]]
 *
 * START_US END_US: count only samples in that monotonic-clock window (replay-once.ts prints
 * run_start_us / run_end_us for engine.run()).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  name: string;
  location: string;
  self_ms: number;
  self_share: number;
  total_ms: number;
  total_share: number;
}

export interface ProfileSummary {
  file: string;
  /** Only samples inside this window (monotonic µs, as process.hrtime) were counted, if set. */
  window_us: [number, number] | null;
  sampled_ms: number;
  top: FunctionCost[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function location(cf: CallFrame): string {
  if (cf.url === '') return '';
  let path = cf.url;
  if (path.startsWith('file://')) path = relative(ROOT, fileURLToPath(path));
  // lineNumber is 0-based and refers to the code V8 ran (after tsx/tsc transpiling).
  return `${path}:${cf.lineNumber + 1}`;
}

/**
 * `window` limits the summary to samples taken in [start, end] µs of the monotonic clock (the
 * clock of a .cpuprofile's startTime and of process.hrtime), e.g. engine.run() alone.
 */
export function summarizeProfile(file: string, topN = 10, window: [number, number] | null = null): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const keyOf = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'}\t${location(n.callFrame)}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let sampled = 0;
  // Sample i's time is the delta to the next sample (the last one gets no time).
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (window !== null && (at < window[0] || at > window[1])) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i]!;
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === '(idle)') continue;
    sampled += delta;
    const k = keyOf(node);
    self.set(k, (self.get(k) ?? 0) + delta);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (n.callFrame.functionName === '(root)') break;
      const ck = keyOf(n);
      if (seen.has(ck)) continue;
      seen.add(ck);
      total.set(ck, (total.get(ck) ?? 0) + delta);
    }
  }
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([k, us]): FunctionCost => {
      const [name, loc] = k.split('\t') as [string, string];
      const t = total.get(k) ?? us;
      return {
        name,
        location: loc,
        self_ms: Math.round(us / 100) / 10,
        self_share: sampled > 0 ? us / sampled : 0,
        total_ms: Math.round(t / 100) / 10,
        total_share: sampled > 0 ? t / sampled : 0,
      };
    });
  return { file, window_us: window, sampled_ms: Math.round(sampled / 100) / 10, top };
}

export function formatProfileSummary(s: ProfileSummary): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const rows = [['#', 'self', 'self ms', 'incl.', 'function', 'where (transpiled line)']];
  s.top.forEach((f, i) => rows.push([String(i + 1), pct(f.self_share), f.self_ms.toFixed(1), pct(f.total_share), f.name, f.location]));
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) =>
    r.map((cell, c) => (c <= 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd(),
  );
  const scope = s.window_us === null ? 'whole process' : 'engine.run() only';
  return `CPU profile ${relative(ROOT, s.file)} (${scope}): ${s.sampled_ms.toFixed(0)} ms sampled, idle excluded\n${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [TOP_N [START_US END_US]]\n');
    process.exitCode = 64;
  } else {
    const n = Number(process.argv[3] ?? 10);
    const window: [number, number] | null =
      process.argv[5] !== undefined ? [Number(process.argv[4]), Number(process.argv[5])] : null;
    process.stdout.write(formatProfileSummary(summarizeProfile(file, Number.isInteger(n) ? n : 10, window)));
  }
}
