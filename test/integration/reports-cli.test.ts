import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES, REPO_ROOT, runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'snoopy-reports-cli-'));
const history = join(dir, 'history.json');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs runReport in a fresh Node process, as the CLI will, with the real geoip-lite and stdout. */
function report(kind: 'analyze' | 'geolocate', options: Record<string, unknown>): { status: number | null; stdout: string; stderr: string } {
  const script = `
    import { runReport } from ${JSON.stringify(join(REPO_ROOT, 'src/reports/run-report.ts'))};
    process.exitCode = await runReport(${JSON.stringify(kind)}, ${JSON.stringify({ reverseDns: false, format: 'json', ...options })}, {
      stdout: process.stdout,
      diagnostic: (line) => process.stderr.write(line + '\\n'),
    });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('reports over a history recorded by replays', () => {
  before(() => {
    for (const pcap of ['nmap-syn-public.pcap', 'nmap-syn.pcap']) {
      const run = runCli(['--replay', `${FIXTURES}${pcap}`, '--headless', '--history', history]);
      assert.equal(run.status, 0, run.stderr);
    }
  });

  test('--analyze --json names both attackers with their countries and attack counts', () => {
    const r = report('analyze', { historyFile: history });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const json = JSON.parse(r.stdout) as {
      totals: { alerts: number; attackers: number };
      top_attackers: { attacker_ip: string; country: string; alerts: number; attack_types: string[] }[];
      attack_types: { attack_type: string; alerts: number }[];
      targets: { scans: { alerts: number; by_scan_type: Record<string, number> } };
      by_hour_utc: number[];
    };
    assert.equal(json.totals.alerts, 2);
    assert.equal(json.totals.attackers, 2);
    const byIp = Object.fromEntries(json.top_attackers.map((a) => [a.attacker_ip, a]));
    assert.deepEqual(Object.keys(byIp).sort(), ['10.77.0.1', '81.2.69.142']);
    assert.equal(byIp['81.2.69.142']!.country, 'GB');
    assert.equal(byIp['10.77.0.1']!.country, 'LAN');
    for (const a of json.top_attackers) {
      assert.equal(a.alerts, 1);
      assert.deepEqual(a.attack_types, ['PORT_SCAN']);
    }
    assert.deepEqual(json.attack_types.map((t) => [t.attack_type, t.alerts]), [['PORT_SCAN', 2]]);
    assert.deepEqual(json.targets.scans.by_scan_type, { SYN: 2 });
    assert.equal(json.by_hour_utc.reduce((s, n) => s + n, 0), 2);
  });

  test('--analyze as a table names both attackers', () => {
    const r = report('analyze', { historyFile: history, format: 'table' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}#\s+Attacker\s+Alerts/m);
    assert.match(r.stdout, /^ {2}\d\s+81\.2\.69\.142\s+1\s+1000\s+PORT_SCAN\s+GB\s/m);
    assert.match(r.stdout, /^ {2}\d\s+10\.77\.0\.1\s+1\s+1000\s+PORT_SCAN\s+LAN\s/m);
    assert.doesNotMatch(r.stdout, /\x1b/);
  });

  test('--geolocate: GB and LAN, half each', () => {
    const r = report('geolocate', { historyFile: history });
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { countries: { country: string; alerts: number; share_pct: number }[] };
    assert.deepEqual(json.countries.map((c) => [c.country, c.alerts, c.share_pct]), [
      ['GB', 1, 50],
      ['LAN', 1, 50],
    ]);
  });

  test('--format csv --export FILE writes the alert list (0640)', () => {
    const out = join(dir, 'alerts.csv');
    const r = report('analyze', { historyFile: history, format: 'csv', export: out });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(statSync(out).mode & 0o777, 0o640);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\r\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^id,timestamp,attack_type,severity,attacker_ip,/);
    assert.ok(lines.some((l) => l.includes(',81.2.69.142,') && l.includes(',GB,')));
  });

  test('no history file: one line on stderr, no report, exit 1; a corrupt one: exit 1', () => {
    const missing = join(dir, 'missing.json');
    const r = report('analyze', { historyFile: missing });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `no history file at ${missing} (nothing recorded there; --history FILE names another)\n`);
    assert.equal(r.stdout, '');
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"entries": "not a history"}');
    const bad = report('analyze', { historyFile: corrupt });
    assert.equal(bad.status, 1);
    assert.equal(bad.stdout, '');
    assert.equal(bad.stderr, `history file ${corrupt} is unreadable (unknown format version undefined)\n`);
    assert.equal(readFileSync(corrupt, 'utf8'), '{"entries": "not a history"}', 'reports never rewrite or move the history');
  });
});
