/**
 * How much of a third-party annotated auth-log corpus the auth-log monitor recognises:
 *
 *   node --import tsx bench/auth-log-corpus.ts DIR [DIR…]
 *
 * DIR holds sample logs in fail2ban's test format (a `# failJSON: {"match": …, "host": …}`
 * comment before each line, `# filterOptions:` sections naming the filter modes a block is
 * tested in, `# fileOptions: {"logtype": "journal"}` for journal text). fail2ban ships its
 * samples in its package (Debian: /usr/lib/python3/dist-packages/fail2ban/tests/files/logs),
 * so they are read from there, never copied here. Every file in DIR is read; each annotated
 * line goes through an AuthLogMonitor in file order (a monitor per file and mode, so one
 * connection's earlier lines are known) and counts as recognised when a failure the mode
 * counts names the annotated host. Host names (fail2ban resolves them, we do not) are
 * reported apart.
 *
 * Prints per file and mode: must-match recognised / total (and without host names), and
 * must-not-match lines wrongly counted / total. Measurement only: nothing here fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { AuthLogMonitor } from '../src/engine/logs/auth-log-monitor.js';
import { canonicalAddress } from '../src/engine/logs/auth-events.js';
import type { LogSource, SourceLine } from '../src/platform/logs/log-source.js';

type Mode = 'normal' | 'aggressive';
interface Sample {
  line: string;
  match: boolean;
  host: string | null;
  journal: boolean;
  /** Modes whose filter option sets test this line. */
  modes: Mode[];
}
interface Tally {
  must: number;
  hit: number;
  mustNamed: number;
  mustNot: number;
  wrong: number;
  missed: string[];
  wrongLines: string[];
}

const NOW = Date.UTC(2026, 0, 15, 12) * 1000;

function evalConstraint(expr: string, mode: Mode): boolean {
  return expr.split(/\s+and\s+/).every((part) => {
    const m = /^opts\.get\('mode'\)\s*(==|!=)\s*'(\w+)'$/.exec(part.trim());
    if (m !== null) return (mode === m[2]) === (m[1] === '==');
    const n = /^name\s*==\s*'([\w-]+)'$/.exec(part.trim());
    if (n !== null) return n[1] === 'sshd';
    return true;
  });
}

function optionModes(options: unknown): Mode[] {
  const list = Array.isArray(options) ? options : [options];
  const modes = new Set<Mode>();
  for (const o of list as Record<string, unknown>[]) {
    const cond = typeof o['test.condition'] === 'string' ? (o['test.condition'] as string) : null;
    if (cond !== null && !evalConstraint(cond, 'normal')) continue;
    const mode = (o.mode as string | undefined) ?? 'normal';
    if (mode === 'normal') modes.add('normal');
    if (mode === 'aggressive') modes.add('aggressive');
  }
  return [...modes];
}

export function readSamples(path: string): Sample[] {
  const out: Sample[] = [];
  let modes: Mode[] = ['normal'];
  let journal = false;
  let pending: { match: boolean; host: string | null; constraint: string | null } | null = null;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/\r$/, '');
    const opt = /^#\s*(fileOptions|filterOptions|failJSON):\s*(.*)$/.exec(line);
    if (opt !== null) {
      const value = JSON.parse(opt[2]!) as Record<string, unknown>;
      if (opt[1] === 'fileOptions') journal = value.logtype === 'journal';
      else if (opt[1] === 'filterOptions') modes = optionModes(value);
      else {
        const host = (value.host ?? value.ip4 ?? value.ip6 ?? null) as string | null;
        pending = { match: value.match === true, host, constraint: typeof value.constraint === 'string' ? value.constraint : null };
      }
      continue;
    }
    if (line.startsWith('#') || line.trim() === '' || pending === null) continue;
    const p = pending;
    pending = null;
    const lineModes = modes.filter((m) => p.constraint === null || evalConstraint(p.constraint, m));
    out.push({ line, match: p.match, host: p.host, journal, modes: lineModes });
  }
  return out;
}

/** A journal sample "host prog[pid]: message" as the journald source delivers it. */
function journalLine(text: string): SourceLine {
  const m = /^\S+ ([^\s[\]:]+)(?:\[(\d+)\])?: ?(.*)$/s.exec(text);
  if (m === null) return { text, timeMicros: NOW, program: null, pid: null };
  return { text: m[3]!, timeMicros: NOW, program: m[1]!, pid: m[2] === undefined ? null : Number(m[2]) };
}

interface SeenFailure {
  source: string;
  weight: string;
  mode?: string;
}

/** Runs one file's lines for one mode; returns the counted failures per line. */
function run(samples: Sample[], mode: Mode): SeenFailure[][] {
  let current: SeenFailure[] = [];
  const bruteForce = { onFailure: (ev: SeenFailure) => current.push(ev) };
  const commands = { onCommand: () => undefined };
  const source: LogSource = { description: 'corpus', start: async () => undefined, stop: () => undefined, stats: () => ({ lines: 0, oversized: 0, rotations: 0, truncations: 0 }) };
  const monitor = new AuthLogMonitor(source, bruteForce as never, commands as never, () => NOW);
  return samples.map((s) => {
    current = [];
    monitor.onLine(s.journal ? journalLine(s.line) : { text: s.line });
    return current.filter((ev) => ev.weight !== 'evidence' && (mode === 'aggressive' || (ev.mode ?? 'normal') === 'normal'));
  });
}

function tallyFile(path: string, mode: Mode): Tally | null {
  const all = readSamples(path).filter((s) => s.modes.includes(mode));
  if (all.length === 0) return null;
  const counted = run(all, mode);
  const t: Tally = { must: 0, hit: 0, mustNamed: 0, mustNot: 0, wrong: 0, missed: [], wrongLines: [] };
  all.forEach((s, i) => {
    const got = counted[i]!;
    if (s.match) {
      // No host in the annotation: the line completes a failure of a connection named earlier.
      const want = s.host === null ? null : canonicalAddress(s.host);
      t.must++;
      if (s.host !== null && want === null) t.mustNamed++;
      const ok = s.host === null ? got.length > 0 : want !== null && got.some((ev) => ev.source === want);
      if (ok) t.hit++;
      if (!ok) t.missed.push(s.line);
    } else {
      t.mustNot++;
      if (got.length > 0) {
        t.wrong++;
        t.wrongLines.push(`${s.line}  → ${got.map((e) => e.source).join(', ')}`);
      }
    }
  });
  return t;
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  process.stderr.write('usage: node --import tsx bench/auth-log-corpus.ts DIR [DIR…]\n');
  process.exit(2);
}
const verbose = process.env.VERBOSE === '1';
const rows: string[][] = [['FILE', 'MODE', 'MUST-MATCH RECOGNISED', 'OF THEM BY ADDRESS', 'MUST-NOT COUNTED']];
const totals: Record<Mode, Tally> = {
  normal: { must: 0, hit: 0, mustNamed: 0, mustNot: 0, wrong: 0, missed: [], wrongLines: [] },
  aggressive: { must: 0, hit: 0, mustNamed: 0, mustNot: 0, wrong: 0, missed: [], wrongLines: [] },
};
const pct = (a: number, b: number) => (b === 0 ? '-' : `${Math.round((100 * a) / b)} %`);
for (const dir of dirs) {
  const files = statSync(dir).isDirectory() ? readdirSync(dir).sort().map((f) => join(dir, f)) : [dir];
  for (const file of files) {
    for (const mode of ['normal', 'aggressive'] as const) {
      const t = tallyFile(file, mode);
      if (t === null) continue;
      const tot = totals[mode];
      for (const k of ['must', 'hit', 'mustNamed', 'mustNot', 'wrong'] as const) tot[k] += t[k];
      const byAddress = t.must - t.mustNamed;
      rows.push([`${basename(dir)}/${basename(file)}`, mode, `${t.hit}/${t.must} (${pct(t.hit, t.must)})`, `${t.hit}/${byAddress}`, `${t.wrong}/${t.mustNot}`]);
      if (verbose) {
        for (const l of t.missed) process.stdout.write(`  MISS [${mode}] ${l}\n`);
        for (const l of t.wrongLines) process.stdout.write(`  WRONG [${mode}] ${l}\n`);
      }
    }
  }
}
for (const mode of ['normal', 'aggressive'] as const) {
  const t = totals[mode];
  rows.push(['total', mode, `${t.hit}/${t.must} (${pct(t.hit, t.must)})`, `${t.hit}/${t.must - t.mustNamed}`, `${t.wrong}/${t.mustNot}`]);
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
process.stdout.write(rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n') + '\n');
