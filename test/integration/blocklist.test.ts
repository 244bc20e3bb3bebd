import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
