/**
 * Detection accuracy over the recorded fixtures: every fixture of fixtures/manifest.json is
 * replayed through the built CLI (`--replay FILE --headless --profile balanced` plus the entry's
 * `args`) and the alerts it raised are matched against the entry's expectations. Used by
 * `npm run accuracy` (bench/accuracy.ts, prints the table) and test/integration/accuracy.test.ts
 * (CI fails on a regression) — one implementation for both.
 */
import { readFileSync } from 'node:fs';
import { shapeFiles, tallyShapes, type ShapeTally } from './auth-shapes.js';
import { FIXTURES, runCli } from './run-cli.js';

export interface ExpectedAlert {
  attack_type: string;
  /** "*": any attacker (a DDOS names the top spoofed source, which is random). */
  attacker_ip: string;
}

export interface ManifestEntry {
  file: string;
  format: 'pcap' | 'pcapng';
  expect: { port_scan: null | { attacker_ip: string; scan_type: string }; alerts?: ExpectedAlert[] };
  /** Extra command-line arguments the replay needs (e.g. --home-net for exfiltration). */
  args?: string[];
  packets: number;
  description: string;
}

/** An alert kind: attack type (PORT_SCAN with its scan type, "PORT_SCAN/SYN") and attacker. */
export interface AlertKey {
  attack_type: string;
  attacker_ip: string;
}

export interface FiredAlert extends AlertKey {
  /** New alerts (event_type "alert") of this kind; updates are not counted. */
  count: number;
}

export type Verdict = 'OK' | 'MISS' | 'FALSE';

export interface FixtureResult {
  file: string;
  args: string[];
  benign: boolean;
  expected: AlertKey[];
  fired: FiredAlert[];
  /** One row per expected alert (OK or MISS) and per fired kind nothing expected (FALSE). */
  rows: { verdict: Verdict; expected: AlertKey | null; fired: FiredAlert | null }[];
  /** Non-empty when the replay itself failed (exit status, stderr). */
  error: string;
  ok: boolean;
}

export interface AccuracySummary {
  fixtures: number;
  benign_fixtures: number;
  expected: number;
  detected: number;
  missed: number;
  /** Alert kinds raised on benign fixtures. */
  false_on_benign: number;
  /** Alert kinds nothing expected on attack fixtures (a wrong type or attacker). */
  false_on_attacks: number;
  errors: number;
  ok: boolean;
}

export interface AccuracyReport {
  profile: 'balanced';
  results: FixtureResult[];
  summary: AccuracySummary;
  /** Auth-log shape fixtures: every line's verdict, per file and mode (empty when not checked). */
  auth_shapes?: ShapeTally[];
}

export function loadManifest(): ManifestEntry[] {
  return JSON.parse(readFileSync(`${FIXTURES}manifest.json`, 'utf8')) as ManifestEntry[];
}

/** What the manifest entry expects: its port scan (as PORT_SCAN/<scan type>) and its other alerts. */
export function expectedAlerts(entry: ManifestEntry): AlertKey[] {
  const scan = entry.expect.port_scan;
  return [...(scan ? [{ attack_type: `PORT_SCAN/${scan.scan_type}`, attacker_ip: scan.attacker_ip }] : []), ...(entry.expect.alerts ?? [])];
}

function keyOf(alert: Record<string, any>): AlertKey {
  const type = alert.attack_type === 'PORT_SCAN' ? `PORT_SCAN/${alert.attack_details?.scan_type}` : String(alert.attack_type);
  return { attack_type: type, attacker_ip: String(alert.attacker_ip) };
}

function matches(expected: AlertKey, fired: AlertKey): boolean {
  return expected.attack_type === fired.attack_type && (expected.attacker_ip === '*' || expected.attacker_ip === fired.attacker_ip);
}

/** Matches what fired (the CLI's JSON lines) against what the entry expects. */
export function judgeFixture(entry: ManifestEntry, lines: Record<string, any>[], error = ''): FixtureResult {
  const expected = expectedAlerts(entry);
  const fired: FiredAlert[] = [];
  for (const line of lines) {
    if (line.event_type !== 'alert') continue;
    const k = keyOf(line);
    const same = fired.find((f) => f.attack_type === k.attack_type && f.attacker_ip === k.attacker_ip);
    if (same) same.count++;
    else fired.push({ ...k, count: 1 });
  }
  const rows: FixtureResult['rows'] = [];
  const used = new Set<FiredAlert>();
  for (const e of expected) {
    const f = fired.find((x) => matches(e, x));
    if (f) used.add(f);
    rows.push({ verdict: f ? 'OK' : 'MISS', expected: e, fired: f ?? null });
  }
  for (const f of fired) if (!used.has(f)) rows.push({ verdict: 'FALSE', expected: null, fired: f });
  return {
    file: entry.file,
    args: entry.args ?? [],
    benign: expected.length === 0,
    expected,
    fired,
    rows,
    error,
    ok: error === '' && rows.every((r) => r.verdict === 'OK'),
  };
}

/** Replays one fixture through the built CLI (npm run build first) and judges it. */
export function checkFixture(entry: ManifestEntry): FixtureResult {
  const run = runCli(['--replay', `${FIXTURES}${entry.file}`, '--headless', '--profile', 'balanced', ...(entry.args ?? [])]);
  const error = run.status !== 0 ? `exit status ${run.status}: ${run.stderr.trim()}` : run.stderr.trim();
  return judgeFixture(entry, run.lines, error);
}

export function summarize(results: FixtureResult[]): AccuracySummary {
  const count = (pred: (r: FixtureResult['rows'][number], res: FixtureResult) => boolean) =>
    results.reduce((n, res) => n + res.rows.filter((r) => pred(r, res)).length, 0);
  const expected = results.reduce((n, r) => n + r.expected.length, 0);
  const detected = count((r) => r.verdict === 'OK');
  const falseOnBenign = count((r, res) => r.verdict === 'FALSE' && res.benign);
  const falseOnAttacks = count((r, res) => r.verdict === 'FALSE' && !res.benign);
  const errors = results.filter((r) => r.error !== '').length;
  return {
    fixtures: results.length,
    benign_fixtures: results.filter((r) => r.benign).length,
    expected,
    detected,
    missed: expected - detected,
    false_on_benign: falseOnBenign,
    false_on_attacks: falseOnAttacks,
    errors,
    ok: detected === expected && falseOnBenign === 0 && falseOnAttacks === 0 && errors === 0,
  };
}

/**
 * Auth-log replays: a benign capture with a written auth log of SSH and FTP attacks beside
 * benign logins, probes and hostile user names (fixtures/auth/brute-mixed.log), in the normal
 * mode and, with fixtures/auth/aggressive.json, the aggressive mode. Paths under auth/ are
 * relative to fixtures/.
 */
export const AUTH_LOG_REPLAYS: ManifestEntry[] = [
  {
    file: 'benign-ssh.pcap',
    format: 'pcap',
    args: ['--auth-log', 'auth/brute-mixed.log'],
    expect: {
      port_scan: null,
      alerts: [
        { attack_type: 'SSH_BRUTE_FORCE', attacker_ip: '203.0.113.201' },
        { attack_type: 'FTP_BRUTE_FORCE', attacker_ip: '198.51.100.150' },
        { attack_type: 'FTP_BRUTE_FORCE', attacker_ip: '198.51.100.151' },
        { attack_type: 'FTP_BRUTE_FORCE', attacker_ip: '2001:db8:151::9' },
        { attack_type: 'FTP_BRUTE_FORCE', attacker_ip: '198.51.100.152' },
      ],
    },
    packets: 0,
    description: 'auth log: sshd, vsftpd, proftpd and pure-ftpd brute force with hostile user names; parallel logins and probes raise nothing',
  },
  {
    file: 'benign-ssh.pcap',
    format: 'pcap',
    args: ['--auth-log', 'auth/brute-mixed.log', '-c', 'auth/aggressive.json'],
    expect: {
      port_scan: null,
      alerts: [
        { attack_type: 'SSH_BRUTE_FORCE', attacker_ip: '203.0.113.201' },
        { attack_type: 'SSH_BRUTE_FORCE', attacker_ip: '198.51.100.180' },
        { attack_type: 'SSH_BRUTE_FORCE', attacker_ip: '198.51.100.181' },
        { attack_type: 'SSH_BRUTE_FORCE', attacker_ip: '198.51.100.182' },
        { attack_type: 'FTP_BRUTE_FORCE', attacker_ip: '198.51.100.150' },
        { attack_type: 'FTP_BRUTE_FORCE', attacker_ip: '198.51.100.151' },
        { attack_type: 'FTP_BRUTE_FORCE', attacker_ip: '2001:db8:151::9' },
        { attack_type: 'FTP_BRUTE_FORCE', attacker_ip: '198.51.100.152' },
      ],
    },
    packets: 0,
    description: 'the same log in the aggressive mode: the probers and the user with too many keys count too',
  },
];

/** An auth-log replay: its auth/ paths resolved under fixtures/. */
export function checkAuthLogReplay(entry: ManifestEntry): FixtureResult {
  const args = (entry.args ?? []).map((a) => (a.startsWith('auth/') ? `${FIXTURES}${a}` : a));
  const run = runCli(['--replay', `${FIXTURES}${entry.file}`, '--headless', '--profile', 'balanced', ...args]);
  const error = run.status !== 0 ? `exit status ${run.status}: ${run.stderr.trim()}` : run.stderr.trim();
  return judgeFixture(entry, run.lines, error);
}

export function checkAllFixtures(manifest: ManifestEntry[] = loadManifest()): AccuracyReport {
  const results = [...manifest.map(checkFixture), ...AUTH_LOG_REPLAYS.map(checkAuthLogReplay)];
  const authShapes = shapeFiles().flatMap(tallyShapes);
  const summary = summarize(results);
  summary.ok = summary.ok && authShapes.every(shapeOk);
  return { profile: 'balanced', results, summary, auth_shapes: authShapes };
}

function shapeOk(t: ShapeTally): boolean {
  return t.counted === t.mustCount && t.wronglyCounted === 0;
}

const label = (k: AlertKey | null) => (k ? `${k.attack_type} ${k.attacker_ip}` : '-');

/** The report as a plain-text table (one line per expected or unexpected alert) and a summary line. */
export function formatAccuracyTable(report: AccuracyReport): string {
  const rows: string[][] = [['FIXTURE', 'EXPECTED', 'FIRED (count)', 'RESULT']];
  for (const r of report.results) {
    const name = r.args.length > 0 ? `${r.file} ${r.args.join(' ')}` : r.file;
    if (r.rows.length === 0) rows.push([name, '- (benign)', '-', r.error ? 'ERROR' : 'OK']);
    r.rows.forEach((row, i) => {
      const fired = row.fired ? `${label(row.fired)} (${row.fired.count})` : '-';
      rows.push([i === 0 ? name : '', row.expected ? label(row.expected) : r.benign ? '- (benign)' : '-', fired, row.verdict]);
    });
    if (r.error) rows.push(['', `error: ${r.error}`, '', 'ERROR']);
  }
  for (const t of report.auth_shapes ?? []) {
    const verdict = t.counted < t.mustCount ? 'MISS' : t.wronglyCounted > 0 ? 'FALSE' : 'OK';
    rows.push([`auth/shapes/${t.file} (${t.mode})`, `${t.mustCount} lines count, ${t.mustNot} none`, `${t.counted} counted, ${t.wronglyCounted} wrongly`, verdict]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const text = rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n');
  const s = report.summary;
  return (
    `${text}\n\n` +
    `detected ${s.detected}/${s.expected} expected alerts (${s.missed} missed) on ${s.fixtures - s.benign_fixtures} attack fixtures; ` +
    `false alerts: ${s.false_on_benign} on ${s.benign_fixtures} benign fixtures, ${s.false_on_attacks} unexpected on attack fixtures; ` +
    `${s.errors} replay errors — ${s.ok ? 'PASS' : 'FAIL'} (profile ${report.profile})` +
    authShapeSummary(report.auth_shapes ?? [])
  );
}

function authShapeSummary(tallies: ShapeTally[]): string {
  if (tallies.length === 0) return '';
  const sum = (mode: ShapeTally['mode'], k: 'counted' | 'mustCount' | 'wronglyCounted' | 'mustNot') => tallies.filter((t) => t.mode === mode).reduce((n, t) => n + t[k], 0);
  const part = (mode: ShapeTally['mode']) => `${mode}: ${sum(mode, 'counted')}/${sum(mode, 'mustCount')} lines that must count recognised, ${sum(mode, 'wronglyCounted')}/${sum(mode, 'mustNot')} that must not wrongly counted`;
  return `\nauth-log shapes — ${part('normal')}; ${part('aggressive')}`;
}
