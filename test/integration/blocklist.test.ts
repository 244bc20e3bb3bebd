import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FIXTURES, runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'snoopy-blocklist-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('--blocklist: a listed address gives one MALICIOUS_IP alert naming the list; bad lines are one warning', () => {
  const list = join(dir, 'bad-hosts.txt');
  writeFileSync(list, '# a test list\n192.0.2.0/24 ; documentation\n81.2.69.0/24\nnot-an-address\n');
  const run = runCli(['--replay', `${FIXTURES}nmap-syn-public.pcap`, '--headless', '--blocklist', list]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /^snoopy-tui: blocklist .*bad-hosts\.txt: 1 unreadable line\(s\) skipped \(first: line 4\)\n$/);
  const malicious = run.lines.filter((l) => l.event_type === 'alert' && l.attack_type === 'MALICIOUS_IP');
  assert.equal(malicious.length, 1);
  assert.equal(malicious[0]!.attacker_ip, '81.2.69.142');
  assert.equal(malicious[0]!.attack_details.list, 'bad-hosts.txt');
});

test('a missing blocklist is one error line and exit 1', () => {
  const run = runCli(['--replay', `${FIXTURES}nmap-syn.pcap`, '--headless', '--blocklist', join(dir, 'nope.txt')]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^snoopy-tui: cannot read blocklist .*nope\.txt: no such file\n$/);
});

test('--blocklist-export merges lists of different formats into one minimal CIDR list, which loads back as the same set', () => {
  const plain = join(dir, 'plain.txt');
  const netset = join(dir, 'firehol.netset');
  const out = join(dir, 'merged.txt');
  writeFileSync(plain, '# plain list\n10.0.0.0/24\n10.0.1.0/24\n2001:db8::/33\n');
  writeFileSync(netset, '10.0.2.5\n10.0.2.4\n2001:db8:8000::/33\n');
  const run = runCli(['--blocklist', `${plain},${netset}`, '--blocklist-export', out], { jsonLines: false });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /3 CIDRs in /);
  const lines = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  assert.deepEqual(lines, ['10.0.0.0/23', '10.0.2.4/31', '2001:db8::/32']);
  const again = runCli(['--blocklist', out, '--blocklist-export', join(dir, 'again.txt')], { jsonLines: false });
  assert.equal(again.status, 0, again.stderr);
  assert.equal(readFileSync(join(dir, 'again.txt'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).join(','), lines.join(','));
  const none = runCli(['--blocklist-export', out], { jsonLines: false });
  assert.equal(none.status, 1);
  assert.equal(none.stderr.trim().split('\n').length, 1);
});
