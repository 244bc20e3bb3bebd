import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AnalyzeReport } from '../../../src/reports/index.js';
import { csvCell, EXPORT_COLUMNS, toCsv } from '../../../src/reports/index.js';
import { alert, Capture, fakeGeo, report, sampleHistory, tempDir, writeHistory } from './report-fixture.js';

let dir: string;
let cleanup: () => Promise<void>;
let history: string;
let hostile: string;

const FORMULA = "=cmd|'/C calc'!A0";
const ESC_NAME = 'evil\x1b]52;c;cGF5bG9hZA==\x07\x1b[2J.example';
const BIDI_PROCESS = 'nginx\u202egpj.exe';
const C1_SERVICE = 'http\x9b31m';

before(async () => {
  ({ dir, cleanup } = await tempDir());
  history = join(dir, 'history.json');
  await writeHistory(history, sampleHistory());
  hostile = join(dir, 'hostile.json');
  await writeHistory(hostile, [
    {
      kind: 'alert',
      alert: alert('h1', {
        attacker_ip: '81.2.69.142',
        attack_type: 'SQL_INJECTION',
        timestamp: '2026-11-20T10:00:00.000Z',
        target_port: 8080,
        reverse_dns: ESC_NAME,
        process: BIDI_PROCESS,
        details: { service: C1_SERVICE },
      }),
    },
    {
      kind: 'alert',
      alert: alert('h2', {
        attacker_ip: '1.1.1.1',
        attack_type: 'COMMAND_INJECTION',
        timestamp: '2026-11-20T11:00:00.000Z',
        target_port: 80,
        process: FORMULA,
        reverse_dns: '+SUM(1,2)',
        country: '@x',
      }),
    },
    { kind: 'alert', alert: alert('h3', { attacker_ip: '-2+3', timestamp: '2026-11-20T12:00:00.000Z', process: 'a "quoted", name\r\nnext' }) },
    { kind: 'block', at: '2026-11-20T10:00:01.000Z', address: '81.2.69.142', reason: 'x', durationSeconds: 60, action: 'blocked', detail: '\x1b[31mred' },
  ]);
});
after(() => cleanup());

/** RFC 4180 reader for the tests: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
    i++;
  }
  assert.equal(field, '', 'the file ends with CRLF');
  return rows;
}

describe('alert export: CSV', () => {
  test('one row per alert with the contract fields, oldest first', async () => {
    const run = await report('analyze', { historyFile: history, format: 'csv' }, { geoLoader: fakeGeo().loader });
    assert.equal(run.status, 0);
    const rows = parseCsv(run.stdout);
    assert.deepEqual(rows[0], [...EXPORT_COLUMNS]);
    assert.equal(rows.length, 9);
    const byId = Object.fromEntries(rows.slice(1).map((r) => [r[0], Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, r[i]]))]));
    assert.deepEqual(rows.slice(1).map((r) => r[0]), ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8']);
    assert.deepEqual(byId['a2'], {
      id: 'a2',
      timestamp: '2026-11-20T03:20:00.000Z',
      attack_type: 'PORT_SCAN',
      severity: 'high',
      attacker_ip: '81.2.69.142',
      target_ip: '10.0.0.2',
      target_port: '',
      protocol: 'tcp',
      packet_count: '1000',
      duration: '1',
      reverse_dns: '',
      country: 'GB', // filled in from the geo lookup: nothing was recorded
      process: '',
      action: 'logged',
      scan_type: 'SYN',
      ports_count: '1000',
    });
    assert.equal(byId['a1']!['process'], 'sshd');
    assert.equal(byId['a1']!['target_port'], '22');
    assert.equal(byId['a7']!['country'], 'LAN');
  });

  test("formula injection is neutralised with a leading quote; RFC 4180 quoting round-trips", async () => {
    const run = await report('analyze', { historyFile: hostile, format: 'csv' }, { geoLoader: fakeGeo().loader });
    const rows = parseCsv(run.stdout);
    const col = (name: string, id: string): string => rows.find((r) => r[0] === id)![EXPORT_COLUMNS.indexOf(name as never)]!;
    assert.equal(col('process', 'h2'), `'${FORMULA}`);
    assert.ok(run.stdout.includes(`,'${FORMULA},`), 'no comma or double quote in it: left unquoted');
    assert.equal(col('reverse_dns', 'h2'), "'+SUM(1,2)");
    assert.equal(col('country', 'h2'), "'@x");
    assert.equal(col('attacker_ip', 'h3'), "'-2+3");
    assert.equal(col('process', 'h3'), 'a "quoted", name\r\nnext');
    assert.ok(run.stdout.includes('"a ""quoted"", name\r\nnext"'));
    // to a file or a pipe the data stays raw (escapes would corrupt it)
    assert.equal(col('reverse_dns', 'h1'), ESC_NAME);
  });

  test('every formula start is neutralised: = + - @ tab CR', () => {
    assert.equal(csvCell('=1+1'), "'=1+1");
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('-1'), "'-1");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\t=1'), "'\t=1");
    assert.equal(csvCell('\r=1'), `"'\r=1"`);
    assert.equal(csvCell('a=1'), 'a=1');
    assert.equal(csvCell(12.5), '12.5');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  });

  test('CSV printed to a terminal has its control characters escaped', async () => {
    const run = await report('analyze', { historyFile: hostile, format: 'csv' }, { geoLoader: fakeGeo().loader }, new Capture(true, 120));
    assert.doesNotMatch(run.stdout, /[\x1b\x07\x9b\u202e]/);
    assert.ok(run.stdout.includes('evil\\e]52;c;cGF5bG9hZA==\\a\\e[2J.example'));
    assert.equal(toCsv([], true), `${EXPORT_COLUMNS.join(',')}\r\n`);
  });
});

describe('alert export: text', () => {
  test('one line per alert, hostile strings escaped', async () => {
    const run = await report('analyze', { historyFile: hostile, format: 'text' }, { geoLoader: fakeGeo().loader });
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^2026-11-20T10:00:00\.000Z SQL_INJECTION medium 81\.2\.69\.142 -> 10\.0\.0\.2:8080 protocol=tcp packets=1 /);
    assert.ok(lines[0]!.includes('rdns=evil\\e]52;c;cGF5bG9hZA==\\a\\e[2J.example'));
    assert.ok(lines[0]!.includes('process=nginx\\u{202e}gpj.exe'));
    assert.ok(lines[2]!.includes('process=a "quoted", name\\r\\nnext'));
    assert.doesNotMatch(run.stdout, /[\x1b\x07\x9b\u202e\r]/);
  });
});

describe('hostile strings', () => {
  test('table output escapes ESC, C1 and bidi characters in names, services and processes', async () => {
    const run = await report('analyze', { historyFile: hostile, format: 'table' }, { geoLoader: fakeGeo().loader, columns: 200 });
    const t = run.stdout;
    assert.doesNotMatch(t, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    assert.ok(t.includes('evil\\e]52;c;cGF5bG9hZA==\\a\\e[2J.example'), 'recorded reverse DNS name, escaped');
    assert.ok(t.includes('nginx\\u{202e}gpj.exe'), 'process name, escaped');
    assert.ok(t.includes('http\\u{9b}31m'), 'service, escaped');
    const geo = await report('geolocate', { historyFile: hostile, format: 'table' }, { geoLoader: fakeGeo().loader });
    assert.doesNotMatch(geo.stdout, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
  });

  test('JSON keeps the raw data (JSON escapes it) and prints no terminal controls', async () => {
    const run = await report('analyze', { historyFile: hostile }, { geoLoader: fakeGeo().loader });
    assert.doesNotMatch(run.stdout, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    const r = JSON.parse(run.stdout) as AnalyzeReport;
    const gb = r.top_attackers.find((a) => a.attacker_ip === '81.2.69.142')!;
    assert.equal(gb.reverse_dns, ESC_NAME);
    const port = r.targets.ports.find((p) => p.port === 8080)!;
    assert.equal(port.service, C1_SERVICE);
    assert.deepEqual(port.processes, [BIDI_PROCESS]);
  });
});

describe('reverse DNS', () => {
  test('off: no lookups; recorded names are shown', async () => {
    let asked = 0;
    const resolveDns = async (): Promise<string[]> => {
      asked++;
      return ['x.example'];
    };
    const run = await report('analyze', { historyFile: hostile, reverseDns: false }, { geoLoader: fakeGeo().loader, resolveDns });
    assert.equal(asked, 0);
    const r = JSON.parse(run.stdout) as AnalyzeReport;
    assert.deepEqual(r.enrichment.reverse_dns, { enabled: false, asked: 0, answered: 0, named: 0 });
    assert.equal(r.top_attackers.find((a) => a.attacker_ip === '81.2.69.142')!.reverse_dns, ESC_NAME);
  });

  test('on: public attackers only; names that miss the deadline show as -', async () => {
    const asked: string[] = [];
    const resolveDns = (ip: string): Promise<string[]> => {
      asked.push(ip);
      if (ip === '81.2.69.142') return Promise.resolve(['scanner.example.net']);
      if (ip === '5.5.5.5') return Promise.reject(Object.assign(new Error('no name'), { code: 'ENOTFOUND' }));
      return new Promise<string[]>(() => undefined); // never answers
    };
    const started = Date.now();
    const run = await report('analyze', { historyFile: history, reverseDns: true, format: 'table' }, { geoLoader: fakeGeo().loader, resolveDns, dnsDeadlineMs: 300, columns: 120 });
    assert.ok(Date.now() - started < 2000, 'the deadline bounds the wait');
    assert.deepEqual(new Set(asked), new Set(['81.2.69.142', '5.5.5.5', '1.1.1.1', '9.9.9.9']), 'no PTR query for LAN or RESERVED');
    assert.match(run.stdout, /^ {2}1\s+81\.2\.69\.142\s.*\sGB\s+scanner\.example\.net\s/m);
    assert.match(run.stdout, /^ {2}3\s+1\.1\.1\.1\s.*\sAU\s+-\s/m);
    assert.match(run.stdout, /2 of 4 names did not arrive in time/);
    const json = JSON.parse(
      (await report('analyze', { historyFile: history, reverseDns: true }, { geoLoader: fakeGeo().loader, resolveDns, dnsDeadlineMs: 100 })).stdout,
    ) as AnalyzeReport;
    assert.deepEqual(json.enrichment.reverse_dns, { enabled: true, asked: 4, answered: 2, named: 1 });
    assert.equal(json.top_attackers[0]!.reverse_dns, 'scanner.example.net');
  });

  test('on: a hostile PTR name is escaped in the table', async () => {
    const resolveDns = async (): Promise<string[]> => ['a\u202eb\x1b[0m.example'];
    const run = await report('analyze', { historyFile: history, reverseDns: true, format: 'table' }, { geoLoader: fakeGeo().loader, resolveDns, dnsDeadlineMs: 500, columns: 200 });
    assert.ok(run.stdout.includes('a\\u{202e}b\\e[0m.example'), run.stdout);
    assert.doesNotMatch(run.stdout, /[\x1b\u202e]/);
  });
});

describe('--export FILE', () => {
  test('writes the chosen format to the file (0640), nothing to stdout', async () => {
    for (const format of ['csv', 'json', 'text', 'table'] as const) {
      const file = join(dir, `export.${format}`);
      await writeFile(file, 'old contents', { mode: 0o600 });
      const run = await report('analyze', { historyFile: history, format, export: file }, { geoLoader: fakeGeo().loader });
      assert.equal(run.status, 0);
      assert.equal(run.stdout, '');
      assert.deepEqual(run.diagnostics, [`wrote the analyze report (${format}) to ${file}`]);
      assert.equal((await stat(file)).mode & 0o777, 0o640, format);
      const text = await readFile(file, 'utf8');
      if (format === 'csv') assert.equal(parseCsv(text).length, 9);
      if (format === 'json') assert.equal((JSON.parse(text) as AnalyzeReport).totals.alerts, 8);
      if (format === 'text') assert.equal(text.trimEnd().split('\n').length, 8);
      if (format === 'table') assert.doesNotMatch(text, /\x1b/);
    }
  });

  test('an export that cannot be written: one line, exit 1', async () => {
    const file = join(dir, 'no-such-dir', 'out.csv');
    const run = await report('analyze', { historyFile: history, format: 'csv', export: file }, { geoLoader: fakeGeo().loader });
    assert.equal(run.status, 1);
    assert.equal(run.diagnostics.length, 1);
    assert.match(run.diagnostics[0]!, /^cannot write export file .*out\.csv: ENOENT/);
  });
});
