import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import stringWidth from 'string-width';
import type { AnalyzeReport } from '../../../src/reports/index.js';
import { alert, Capture, fakeGeo, report, sampleHistory, tempDir, writeHistory } from './report-fixture.js';

let dir: string;
let cleanup: () => Promise<void>;
let history: string;

before(async () => {
  ({ dir, cleanup } = await tempDir());
  history = join(dir, 'history.json');
  await writeHistory(history, sampleHistory());
});
after(() => cleanup());

async function analyzeJson(file = history, deps = {}): Promise<AnalyzeReport> {
  const run = await report('analyze', { historyFile: file }, { geoLoader: fakeGeo().loader, ...deps });
  assert.equal(run.status, 0, run.diagnostics.join('\n'));
  return JSON.parse(run.stdout) as AnalyzeReport;
}

describe('--analyze (json)', () => {
  test('totals, time span and alerts by UTC hour', async () => {
    const r = await analyzeJson();
    assert.equal(r.report, 'analyze');
    assert.equal(r.generated_at, '2026-11-22T00:00:00.000Z');
    assert.equal(r.history_file, history);
    assert.deepEqual(r.totals, { alerts: 8, attackers: 6, packets: 1208, blocks: 5, unblocks: 3 });
    // first evidence: a1's first_seen; last: a8's detection time
    assert.deepEqual(r.time_span, { first: '2026-11-20T03:09:00.000Z', last: '2026-11-21T14:10:00.000Z', seconds: 126_060 });
    const hours = r.by_hour_utc;
    assert.equal(hours.length, 24);
    assert.equal(hours[3], 4);
    assert.equal(hours[14], 3);
    assert.equal(hours[23], 1);
    assert.equal(hours.reduce((s, n) => s + n, 0), 8);
  });

  test('top attackers: most alerts first, then packets; countries from the geo database, LAN/RESERVED/?? labelled', async () => {
    const r = await analyzeJson();
    assert.deepEqual(
      r.top_attackers.map((a) => [a.attacker_ip, a.alerts, a.packets, a.country]),
      [
        ['81.2.69.142', 3, 1055, 'GB'],
        ['5.5.5.5', 1, 100, 'DE'],
        ['1.1.1.1', 1, 30, 'AU'],
        ['10.0.0.5', 1, 20, 'LAN'],
        ['9.9.9.9', 1, 3, '??'],
        ['192.0.2.9', 1, 0, 'RESERVED'],
      ],
    );
    const top = r.top_attackers[0]!;
    assert.deepEqual(top.attack_types, ['PORT_SCAN', 'SQL_INJECTION', 'SSH_BRUTE_FORCE']);
    assert.equal(top.region, 'ENG');
    assert.equal(top.city, 'London');
    assert.equal(top.first_seen, '2026-11-20T03:09:00.000Z');
    assert.equal(top.last_seen, '2026-11-20T14:00:00.000Z');
    assert.equal(top.blocks, 2);
    assert.equal(top.reverse_dns, null);
    assert.equal(r.attackers_omitted, 0);
  });

  test('targeted ports and services (SSH and ssh one row), scans counted apart', async () => {
    const r = await analyzeJson();
    assert.deepEqual(
      r.targets.ports.map((p) => [p.port, p.protocol, p.service, p.alerts, p.attackers, p.processes]),
      [
        [22, 'tcp', 'ssh', 2, 2, ['sshd']],
        [23, 'tcp', 'telnet', 1, 1, []],
        [80, 'tcp', 'http', 1, 1, ['python3']],
        [443, 'tcp', 'https', 1, 1, []],
      ],
    );
    assert.deepEqual(r.targets.ports[0]!.attack_types, ['SSH_BRUTE_FORCE']);
    assert.equal(r.targets.alerts_without_port, 1);
    assert.deepEqual(r.targets.scans, { alerts: 2, attackers: 2, ports_probed: 1100, by_scan_type: { FIN: 1, SYN: 1 } });
  });

  test('attack types with counts and severities', async () => {
    const r = await analyzeJson();
    assert.deepEqual(
      r.attack_types.map((t) => [t.attack_type, t.alerts, t.attackers, t.packets, t.severities]),
      [
        ['PORT_SCAN', 2, 2, 1100, { low: 0, medium: 1, high: 1, critical: 0 }],
        ['SSH_BRUTE_FORCE', 2, 2, 80, { low: 0, medium: 1, high: 1, critical: 0 }],
        ['MALICIOUS_IP', 1, 1, 3, { low: 1, medium: 0, high: 0, critical: 0 }],
        ['SQL_INJECTION', 1, 1, 5, { low: 0, medium: 0, high: 0, critical: 1 }],
        ['SUSPICIOUS_COMMAND', 1, 1, 0, { low: 1, medium: 0, high: 0, critical: 0 }],
        ['TELNET_ATTACK', 1, 1, 20, { low: 0, medium: 1, high: 0, critical: 0 }],
      ],
    );
  });

  test('blocks by action, how long attacks went on after the block, unblocks by reason', async () => {
    const r = await analyzeJson();
    assert.equal(r.blocks.total, 5);
    assert.deepEqual(r.blocks.by_action, { blocked: 2, dry_run: 1, suppressed: 1, block_failed: 1 });
    assert.deepEqual(r.blocks.unblocks, { total: 3, by_reason: { expired: 1, manual: 1, flush: 1 } });
    assert.deepEqual(r.blocks.blocked_attackers, [
      {
        // first block 03:10:30; its last evidence is a3 at 14:00:00 → 10 h 49 min 30 s later
        address: '81.2.69.142',
        action: 'blocked',
        blocked_at: '2026-11-20T03:10:30.000Z',
        blocks: 2,
        alerts: 3,
        alerts_after_block: 2,
        last_evidence: '2026-11-20T14:00:00.000Z',
        continued_seconds: 38_970,
      },
      {
        // a4's last evidence (first_seen 14:29:00 + 30 s, detected 14:30:00) is before the block
        address: '1.1.1.1',
        action: 'dry_run',
        blocked_at: '2026-11-20T15:00:00.000Z',
        blocks: 1,
        alerts: 1,
        alerts_after_block: 0,
        last_evidence: '2026-11-20T14:30:00.000Z',
        continued_seconds: 0,
      },
    ]);
  });

  test('keys come in a stable order', async () => {
    const r = await analyzeJson();
    assert.deepEqual(Object.keys(r), [
      'report',
      'generated_at',
      'history_file',
      'history_found',
      'totals',
      'time_span',
      'by_hour_utc',
      'top_attackers',
      'attackers_omitted',
      'targets',
      'attack_types',
      'blocks',
      'enrichment',
      'warnings',
    ]);
  });

  test('archives are read too, each alert once in its latest version', async () => {
    const file = join(dir, 'rotated.json');
    const entries = sampleHistory();
    // an update of a1 arrives after rotation moved the first version into an archive
    const a1 = entries[0]!;
    assert.equal(a1.kind, 'alert');
    const updated = { kind: 'alert' as const, alert: { ...(a1.kind === 'alert' ? a1.alert : alert('x', {})), packet_count: 500 } };
    await writeHistory(file, [...entries, updated], { maxEntries: 4 });
    const names = await readdir(dir);
    assert.ok(names.some((n) => n.startsWith('rotated') && n !== 'rotated.json' && !n.endsWith('.lock')), names.join(' '));
    const r = await analyzeJson(file);
    assert.equal(r.totals.alerts, 8);
    assert.equal(r.totals.blocks, 5);
    assert.equal(r.totals.packets, 1208 - 50 + 500);
  });

  test('a missing history file: one line naming it, no report, exit 1; an empty one: an empty report, exit 0', async () => {
    const missing = join(dir, 'nowhere', 'history.json');
    const run = await report('analyze', { historyFile: missing }, { geoLoader: fakeGeo().loader });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.deepEqual(run.diagnostics, [`no history file at ${missing} (nothing recorded there; --history FILE names another)`]);
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '{"version":1,"entries":[]}\n');
    const json = await report('analyze', { historyFile: empty }, { geoLoader: fakeGeo().loader });
    assert.equal(json.status, 0);
    const r = JSON.parse(json.stdout) as AnalyzeReport;
    assert.deepEqual(r.totals, { alerts: 0, attackers: 0, packets: 0, blocks: 0, unblocks: 0 });
    assert.deepEqual(r.time_span, { first: null, last: null, seconds: null });
    const table = await report('analyze', { historyFile: empty, format: 'table' });
    assert.equal(table.status, 0);
    assert.match(table.stdout, /Top attackers\n {2}\(none\)/);
  });

  test('a corrupt history: one clear line, exit 1, and the file is neither moved nor changed', async () => {
    const file = join(dir, 'corrupt.json');
    await writeFile(file, '{"version":1,"entries":[{"kind":');
    const run = await report('analyze', { historyFile: file });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.equal(run.diagnostics.length, 1);
    assert.match(run.diagnostics[0]!, new RegExp(`^history file ${file.replace(/[.]/g, '\\.')} is unreadable \\(not valid JSON`));
    assert.equal(await readFile(file, 'utf8'), '{"version":1,"entries":[{"kind":');
    assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('corrupt')), ['corrupt.json']);
  });

  test('a directory where the history file should be: exit 1', async () => {
    const run = await report('analyze', { historyFile: dir });
    assert.equal(run.status, 1);
    assert.equal(run.diagnostics.length, 1);
    assert.match(run.diagnostics[0]!, /unreadable|cannot read/);
  });

  test('invalid entries are skipped with a warning; the report goes on', async () => {
    const file = join(dir, 'partly.json');
    const good = JSON.stringify({ kind: 'alert', alert: alert('ok', { attacker_ip: '5.5.5.5' }) });
    await writeFile(file, `{"version":1,"entries":[${good},{"kind":"alert","alert":{"id":"broken"}}]}`);
    const run = await report('analyze', { historyFile: file }, { geoLoader: fakeGeo().loader });
    assert.equal(run.status, 0);
    assert.equal(run.diagnostics.length, 1);
    assert.match(run.diagnostics[0]!, /^warning: 1 invalid entries skipped/);
    const r = JSON.parse(run.stdout) as AnalyzeReport;
    assert.equal(r.totals.alerts, 1);
    assert.equal(r.warnings.length, 1);
  });
});

describe('--analyze (table)', () => {
  test('not a terminal: 80 columns at most, every line', async () => {
    for (const kind of ['analyze', 'geolocate'] as const) {
      const run = await report(kind, { historyFile: history, format: 'table' }, { geoLoader: fakeGeo().loader });
      assert.equal(run.status, 0);
      const wide = run.stdout.split('\n').filter((l) => [...l].length > 80);
      assert.deepEqual(wide, [], `${kind}: lines wider than 80 columns`);
    }
  });

  test('sections, headers and rows, no colour when not a terminal', async () => {
    const run = await report('analyze', { historyFile: history, format: 'table' }, { geoLoader: fakeGeo().loader, columns: 120 });
    assert.equal(run.status, 0);
    const t = run.stdout;
    for (const heading of ['Summary', 'Alerts by hour of day (UTC)', 'Top attackers', 'Most targeted services and ports', 'Attack types', 'Blocks']) {
      assert.match(t, new RegExp(`^${heading.replace(/[()]/g, '\\$&')}$`, 'm'), heading);
    }
    assert.match(t, /^ {2}#\s+Attacker\s+Alerts\s+Packets\s+Attack types\s+Country\s+Reverse DNS\s+Last seen\s+Blocks$/m);
    assert.match(t, /^ {2}1\s+81\.2\.69\.142\s+3\s+1055\s+PORT_SCAN SQL_INJECTION \S+\s+GB\s+-\s+2026-11-20 14:00:00Z\s+2$/m);
    assert.match(t, /^ {2}03 {2}#{50} {2}4$/m);
    assert.match(t, /^ {2}14 {2}#{38} +3$/m);
    assert.match(t, /^ +22\s+tcp\s+ssh\s+2\s+2\s+SSH_BRUTE_FORCE\s+sshd$/m);
    assert.match(t, /Scans \(counted apart\): 2 alerts from 2 attackers, 1100 ports probed \(FIN 1, SYN 1\)/);
    assert.match(t, /^ {2}SQL_INJECTION\s+1\s+1\s+5\s+0\s+0\s+0\s+1$/m);
    assert.match(t, /Blocks: 5 \(blocked 2, dry_run 1, suppressed 1, block_failed 1\)/);
    assert.match(t, /Unblocks: 3 \(expired 1, manual 1, flush 1\)/);
    assert.match(t, /^ {2}81\.2\.69\.142\s+blocked\s+2026-11-20 03:10:30Z\s+2026-11-20 14:00:00Z\s+10h 49m\s+2$/m);
    assert.doesNotMatch(t, /\x1b/);
  });

  test('fits the width: narrow terminals cut flexible columns and leave optional ones out', async () => {
    for (const columns of [72, 80, 100]) {
      const run = await report('analyze', { historyFile: history, format: 'table' }, { geoLoader: fakeGeo().loader, columns });
      const wide = run.stdout.split('\n').filter((l) => stringWidth(l) > columns);
      assert.deepEqual(wide, [], `width ${columns}`);
      assert.match(run.stdout, /81\.2\.69\.142/);
    }
    const narrow = await report('analyze', { historyFile: history, format: 'table' }, { geoLoader: fakeGeo().loader, columns: 72 });
    assert.doesNotMatch(narrow.stdout, /Last seen/);
    assert.match(narrow.stdout, /^ {2}1\s+81\.2\.69\.142\s+3\s/m, 'addresses are never cut');
  });

  test('bold headers on a terminal, none with NO_COLOR', async () => {
    const tty = await report('analyze', { historyFile: history, format: 'table' }, { geoLoader: fakeGeo().loader }, new Capture(true, 132));
    assert.match(tty.stdout, /\x1b\[1mSummary\x1b\[22m/);
    const noColor = await report('analyze', { historyFile: history, format: 'table' }, { geoLoader: fakeGeo().loader, env: { NO_COLOR: '1' } }, new Capture(true, 132));
    assert.doesNotMatch(noColor.stdout, /\x1b/);
  });

  test('the geo database failing: a warning, and the countries recorded with the alerts', async () => {
    const run = await report('analyze', { historyFile: history }, { geoLoader: () => Promise.reject(new Error('no data files')) });
    assert.equal(run.status, 0);
    assert.ok(run.diagnostics.some((l) => /^warning: geo database unavailable: no data files$/.test(l)), run.diagnostics.join('\n'));
    const r = JSON.parse(run.stdout) as AnalyzeReport;
    const country = Object.fromEntries(r.top_attackers.map((a) => [a.attacker_ip, a.country]));
    assert.equal(country['1.1.1.1'], 'AU'); // recorded
    assert.equal(country['81.2.69.142'], '??'); // nothing recorded
    assert.equal(country['10.0.0.5'], 'LAN'); // needs no database
    assert.equal(r.enrichment.geo, 'failed');
  });
});
