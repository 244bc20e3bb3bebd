/**
 * The monitor with the real brute-force detector: what an attacker who reads our patterns
 * would write into the log, and input that is no log at all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthBruteForceDetector } from '../../../src/engine/detectors/auth-log/auth-brute-force-detector.js';
import { SuspiciousCommandDetector } from '../../../src/engine/detectors/auth-log/suspicious-command-detector.js';
import { compileCommandPatterns } from '../../../src/engine/detectors/host/suspicious-commands.js';
import { AuthLogMonitor } from '../../../src/engine/logs/auth-log-monitor.js';
import type { LogSource } from '../../../src/platform/logs/log-source.js';
import { recordingContext } from '../../support/recording-context.js';

const NOW = Date.UTC(2026, 2, 4, 12) * 1000;
const INNOCENT = '192.0.2.66';

function monitor(mode: 'normal' | 'aggressive' = 'normal') {
  const { ctx, raised } = recordingContext();
  const source: LogSource = { description: 't', start: async () => undefined, stop: () => undefined, stats: () => ({ lines: 0, oversized: 0, rotations: 0, truncations: 0 }) };
  const m = new AuthLogMonitor(source, new AuthBruteForceDetector({ failures: 5, windowSeconds: 600, mode }, ctx), new SuspiciousCommandDetector(compileCommandPatterns([]), ctx), () => NOW);
  return { m, raised, feed: (lines: string[]) => lines.forEach((text) => m.onLine({ text })) };
}

test('user names that imitate sshd\'s text name the attacker, never the address they quote', () => {
  const { feed, raised } = monitor();
  const lines: string[] = [];
  for (let i = 0; i < 6; i++) {
    const pid = 9000 + i;
    const port = 40000 + i;
    lines.push(`Mar  4 11:00:0${i} gate sshd[${pid}]: Invalid user x from ${INNOCENT} port 22 from 203.0.113.200 port ${port}`);
    lines.push(`Mar  4 11:00:0${i} gate sshd[${pid}]: Failed password for invalid user x from ${INNOCENT} port 22 ssh2 from 203.0.113.200 port ${port} ssh2`);
    lines.push(`Mar  4 11:00:0${i} gate sshd[${pid}]: Failed password for invalid user x from ${INNOCENT} port 22 ssh2: from 203.0.113.200 port ${port} ssh2`);
    lines.push(`Mar  4 11:00:0${i} gate sshd[${pid}]: Connection closed by invalid user x from ${INNOCENT} port 22 203.0.113.200 port ${port} [preauth]`);
  }
  feed(lines);
  assert.deepEqual(
    raised.map((a) => [a.attack_type, a.attacker_ip]),
    [['SSH_BRUTE_FORCE', '203.0.113.200']],
  );
  // Invalid user stands for the first password of each connection: 2 per connection.
  assert.equal(raised[0]!.attack_details.auth_failures, 12);
});

test('multi-line: too many failures of a valid user\'s keys count once per connection in the normal mode', () => {
  const { feed, raised, m } = monitor();
  const lines: string[] = [];
  for (let i = 0; i < 5; i++) {
    lines.push(`Mar  4 11:01:0${i} gate sshd[${9100 + i}]: Connection from 203.0.113.201 port ${41000 + i} on 198.51.100.1 port 22 rdomain ""`);
    for (let k = 0; k < 3; k++) lines.push(`Mar  4 11:01:0${i} gate sshd[${9100 + i}]: Failed publickey for deploy from 203.0.113.201 port ${41000 + i} ssh2: RSA SHA256:k${k}`);
    lines.push(`Mar  4 11:01:0${i} gate sshd[${9100 + i}]: Disconnecting: Too many authentication failures for deploy [preauth]`);
  }
  feed(lines);
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.attacker_ip, '203.0.113.201');
  assert.equal(raised[0]!.attack_details.auth_failures, 5);
  assert.equal(m.lines, 25);
});

test('a user\'s several keys on one connection are no brute force in the normal mode, one in the aggressive mode', () => {
  const keys = (i: number) => [0, 1, 2].map((k) => `Mar  4 11:02:0${i} gate sshd[${9200 + i}]: Failed publickey for alice from 203.0.113.202 port ${42000 + i} ssh2: ED25519 SHA256:k${k}`);
  const normal = monitor('normal');
  normal.feed([...keys(0), ...keys(1)]);
  assert.equal(normal.raised.length, 0);
  const aggressive = monitor('aggressive');
  aggressive.feed([...keys(0), ...keys(1)]);
  assert.equal(aggressive.raised.length, 1);
});

test('probes count only in the aggressive mode', () => {
  const probes = Array.from({ length: 6 }, (_, i) => `Mar  4 11:03:0${i} gate sshd[${9300 + i}]: banner exchange: Connection from 203.0.113.203 port ${43000 + i}: invalid format`);
  const normal = monitor('normal');
  normal.feed(probes);
  assert.equal(normal.raised.length, 0);
  const aggressive = monitor('aggressive');
  aggressive.feed(probes);
  assert.deepEqual(aggressive.raised.map((a) => a.attacker_ip), ['203.0.113.203']);
});

test('ambiguous lines are counted as such; unresolved ones and over-long ones count nothing', () => {
  const { m, feed, raised } = monitor();
  feed([
    `Mar  4 11:04:00 ftp vsftpd[9400]: [x] FAIL LOGIN: Client "${INNOCENT}", "] FAIL LOGIN: Client "203.0.113.204"`,
    `Mar  4 11:04:00 gate sshd[9401]: Disconnecting: Too many authentication failures [preauth]`,
    `Mar  4 11:04:00 gate sshd[9402]: Failed password for root from 203.0.113.205 port 1 ssh2 ${'x'.repeat(9000)}`,
  ]);
  assert.equal(m.ambiguous, 1);
  assert.equal(m.oversized, 1);
  assert.equal(m.failures, 0);
  assert.equal(raised.length, 0);
});

test('random and hostile bytes: never a throw, never a failure for a made-up address', () => {
  const { m, feed, raised } = monitor('aggressive');
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pieces = ['Failed password for ', ' from ', ' port ', ' ssh2', ': ', 'invalid user ', '[preauth]', 'sshd[', ']: ', 'Mar  4 11:05:00 ', 'rhost=', ' user=', 'FAIL LOGIN: Client "', '"', '(', '[', ')', '1.2.3.4', '::ffff:', '<38>1 ', '- ', '\u0000', '\u001b[2J', '\uFFFD', 'Disconnecting: Too many authentication failures', 'kernel:[ 1.0]: '];
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    const n = 1 + Math.floor(rnd() * 14);
    for (let k = 0; k < n; k++) s += pieces[Math.floor(rnd() * pieces.length)];
    lines.push(s);
  }
  assert.doesNotThrow(() => feed(lines));
  assert.equal(m.lines, 20_000);
  for (const a of raised) assert.equal(a.attacker_ip, '1.2.3.4');
});
