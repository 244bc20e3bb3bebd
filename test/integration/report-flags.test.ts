import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FIXTURES, runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'snoopy-report-flags-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('snoopy-tui --analyze --json and --geolocate --format csv over a recorded history', () => {
  const history = join(dir, 'h.json');
  for (const f of ['nmap-syn-public.pcap', 'nmap-syn.pcap']) assert.equal(runCli(['--replay', `${FIXTURES}${f}`, '--headless', '--history', history]).status, 0);
  const analyze = runCli(['--analyze', '--json', '--history', history, '-c', writeConfig()], { jsonLines: false });
  assert.equal(analyze.status, 0, analyze.stderr);
  const report = JSON.parse(analyze.stdout) as Record<string, unknown>;
  assert.match(JSON.stringify(report), /81\.2\.69\.142/);
  assert.match(JSON.stringify(report), /"GB"/);
  const csv = runCli(['--geolocate', '--format', 'csv', '--history', history, '-c', writeConfig()], { jsonLines: false });
  assert.equal(csv.status, 0, csv.stderr);
  assert.equal(csv.stdout.trim().split('\n').length, 3, 'header and two alerts');
});

test('report flags are checked: one report at a time, known formats, no report flags without a report', () => {
  for (const [args, message] of [
    [['--analyze', '--geolocate'], /pick one/],
    [['--analyze', '--format', 'xml'], /--format must be one of table, json, csv, text/],
    [['--json'], /go with --analyze or --geolocate/],
  ] as const) {
    const r = runCli([...args], { jsonLines: false });
    assert.equal(r.status, 1);
    assert.match(r.stderr, message);
  }
});

/** Reports without reverse DNS: there is no network here. */
function writeConfig(): string {
  const path = join(dir, 'c.json');
  writeFileSync(path, JSON.stringify({ reverseDns: false }));
  return path;
}

