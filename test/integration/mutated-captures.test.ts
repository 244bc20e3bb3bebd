import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FIXTURES, hasCommand, runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'snoopy-mutated-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const FILES = ['nmap-syn.pcap', 'nmap-syn.pcapng', 'nmap-udp.pcap', 'benign-http.pcap', 'nmap-syn-ipv6.pcap', 'nmap-syn-any-sll2.pcap'];

function expectCleanRun(args: string[]): Record<string, any> {
  const run = runCli(args);
  assert.ok(run.status === 0 || run.status === 2, `exit ${run.status}: ${run.stderr}`);
  assert.ok(!run.stderr.includes('internal error'), run.stderr);
  assert.ok(run.stderr.split('\n').filter(Boolean).length <= 1, `at most one error line: ${run.stderr}`);
  const stats = run.lines.at(-1)!;
  assert.equal(stats.event_type, 'stats');
  return stats;
}

describe('damaged captures: counted, never a crash', () => {
  test('editcap -E 0.05 mutations of the fixtures (several seeds) replay without crashing and count malformed packets', { skip: hasCommand('editcap') ? false : 'editcap not installed' }, () => {
    let malformed = 0;
    for (const file of FILES) {
      for (let seed = 1; seed <= 3; seed++) {
        const out = join(dir, `${seed}-${file}`);
        const r = spawnSync('editcap', ['-E', '0.05', '--seed', String(seed), `${FIXTURES}${file}`, out], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        malformed += expectCleanRun(['--replay', out, '--headless']).malformed;
      }
    }
    assert.ok(malformed > 0, 'mutations produce malformed packets that are counted');
  });

  test('a capture cut at every 97th byte ends with one error line naming the offset, and counts what came before', () => {
    const bytes = readFileSync(`${FIXTURES}nmap-syn.pcap`);
    let lastCount = -1;
    for (let cut = 30; cut < bytes.length; cut += 97 * 101) {
      const out = join(dir, `cut-${cut}.pcap`);
      writeFileSync(out, bytes.subarray(0, cut));
      const run = runCli(['--replay', out, '--headless']);
      const stats = run.lines.at(-1)!;
      assert.equal(stats.event_type, 'stats');
      assert.ok(stats.packets >= lastCount, 'a longer prefix never gives fewer packets');
      lastCount = stats.packets;
      if (run.status === 2) assert.match(run.stderr, /offset \d+/);
      else assert.equal(run.status, 0);
    }
    assert.ok(lastCount > 1000);
  });

  test('garbage and empty files are one clear error line, exit 1', () => {
    const garbage = join(dir, 'garbage.pcap');
    writeFileSync(garbage, Buffer.from('this is not a capture file at all, just text\n'));
    const g = runCli(['--replay', garbage, '--headless']);
    assert.equal(g.status, 1);
    assert.match(g.stderr, /^snoopy-tui: .*not a pcap or pcapng.*\n$/);
    const empty = join(dir, 'empty.pcap');
    writeFileSync(empty, Buffer.alloc(0));
    const e = runCli(['--replay', empty, '--headless']);
    assert.equal(e.status, 1);
    assert.match(e.stderr, /^snoopy-tui: .*empty.*\n$/);
    const missing = runCli(['--replay', join(dir, 'nope.pcap'), '--headless']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^snoopy-tui: .*nope\.pcap.*\n$/);
  });
});
