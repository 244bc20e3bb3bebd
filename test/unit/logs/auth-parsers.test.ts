/**
 * Parsers over REAL log lines: fixtures/auth/*.log were written by sshd, PAM, vsftpd and sudo
 * under attack by hydra/ssh/curl in network namespaces (scripts/record-auth-logs.sh).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAuthEvent, type AuthEvent } from '../../../src/engine/logs/auth-events.js';
import { parseLogLine } from '../../../src/engine/logs/log-line.js';

const FIXTURES = new URL('../../../fixtures/auth/', import.meta.url).pathname;
const NOW = Date.UTC(2026, 11, 1) * 1000;

function lines(name: string): string[] {
  return readFileSync(FIXTURES + name, 'utf8').split('\n').filter((l) => l !== '');
}
function events(name: string): AuthEvent[] {
  return lines(name).flatMap((l) => {
    const e = parseAuthEvent(parseLogLine(l, NOW));
    return e === null ? [] : [e];
  });
}
function firstLine(name: string, includes: string): string {
  const l = lines(name).find((x) => x.includes(includes));
  assert.ok(l !== undefined, `${name} has a line with ${includes}`);
  return l;
}

test('ISO header (rsyslog on Debian 12): time with microseconds, program, pid', () => {
  const l = parseLogLine(firstLine('auth-iso.log', 'Failed password for root'), NOW);
  assert.equal(l.program, 'sshd');
  assert.ok(l.pid !== null && l.pid > 0);
  assert.match(l.message, /^Failed password for root from 10\.79\.0\.1 port \d+ ssh2$/);
  const m = /^(\S+) /.exec(firstLine('auth-iso.log', 'Failed password for root'))!;
  assert.equal(l.timeMicros, Date.parse(m[1]!) * 1000 + (Number(/\.(\d{6})/.exec(m[1]!)![1]) % 1000));
});

test('classic header: local time in the reference year, program without pid', () => {
  const raw = firstLine('auth-classic.log', 'sudo:');
  const l = parseLogLine(raw, NOW);
  assert.equal(l.program, 'sudo');
  assert.equal(l.pid, null);
  const d = new Date(l.timeMicros / 1000);
  assert.equal(d.getFullYear(), 2026);
  assert.equal(`${d.getHours()}`.padStart(2, '0') + ':' + `${d.getMinutes()}`.padStart(2, '0'), raw.slice(7, 12));
});

test('classic header from December read in January belongs to the previous year', () => {
  const jan = new Date(2027, 0, 1, 0, 5).getTime() * 1000;
  const l = parseLogLine('Dec 31 23:59:58 host sshd[1]: Invalid user a from 10.0.0.1 port 2', jan);
  assert.equal(new Date(l.timeMicros / 1000).getFullYear(), 2026);
});

test('sshd -E lines have no header: the time of reading, no program', () => {
  const l = parseLogLine(firstLine('sshd-e.log', 'Failed password'), NOW);
  assert.equal(l.program, null);
  assert.equal(l.timeMicros, NOW);
});

test('sshd: Failed password (valid and invalid user), Invalid user, closed [preauth], max attempts; IPv4 and IPv6', () => {
  const ev = events('auth-iso.log').filter((e) => e.kind === 'failure' && e.service === 'ssh');
  const what = new Set(ev.map((e) => (e.kind === 'failure' ? e.what : '')));
  for (const w of ['failed_password', 'failed_password_invalid_user', 'invalid_user', 'closed_preauth', 'max_auth_attempts', 'pam_failure']) assert.ok(what.has(w), `saw ${w}`);
  const sources = new Set(ev.map((e) => (e.kind === 'failure' ? e.source : '')));
  assert.deepEqual([...sources].sort(), ['10.79.0.1', 'fd79::1']);
  const users = new Set(ev.flatMap((e) => (e.kind === 'failure' && e.user !== null ? [e.user] : [])));
  for (const u of ['root', 'admin', 'oracle', 'test']) assert.ok(users.has(u), `user ${u}`);
  const fp = parseAuthEvent(parseLogLine(firstLine('auth-iso.log', 'Failed password for invalid user admin'), NOW));
  assert.equal(fp?.kind, 'failure');
  if (fp?.kind === 'failure') {
    assert.equal(fp.user, 'admin');
    assert.equal(fp.weight, 'attempt');
    assert.ok(fp.port !== null && fp.port > 1024);
  }
});

test('sshd -E file gives the same events without a header', () => {
  const ev = events('sshd-e.log');
  assert.ok(ev.filter((e) => e.kind === 'failure' && e.what === 'failed_password').length >= 3);
  assert.ok(ev.some((e) => e.kind === 'failure' && e.what === 'max_auth_attempts'));
});

test('PAM authentication failure: rhost and user; sshd lines are evidence, vsftpd lines count', () => {
  const ssh = parseAuthEvent(parseLogLine(firstLine('auth-iso.log', 'pam_unix(sshd:auth): authentication failure'), NOW));
  assert.equal(ssh?.kind === 'failure' && ssh.weight, 'evidence');
  const ftp = events('auth-iso.log').filter((e) => e.kind === 'failure' && e.service === 'ftp');
  assert.ok(ftp.length >= 10);
  // vsftpd listens on IPv6: IPv4 clients appear as ::ffff:10.79.0.1, reported as 10.79.0.1.
  assert.ok(firstLine('auth-iso.log', 'rhost=::ffff:10.79.0.1'));
  assert.ok(ftp.some((e) => e.kind === 'failure' && e.source === '10.79.0.1' && e.user === 'root'));
  assert.ok(ftp.some((e) => e.kind === 'failure' && e.source === 'fd79::1'));
  // Unknown users: no user=, the name is in ruser=.
  assert.ok(ftp.some((e) => e.kind === 'failure' && e.user === 'oracle'));
});

test('vsftpd own log: FAIL LOGIN with the user and the mapped client address', () => {
  const ev = events('vsftpd.log');
  assert.ok(ev.length >= 10);
  for (const e of ev) {
    assert.equal(e.kind, 'failure');
    if (e.kind !== 'failure') continue;
    assert.equal(e.service, 'ftp');
    assert.equal(e.what, 'vsftpd_fail_login');
    assert.ok(e.source === '10.79.0.1' || e.source === 'fd79::1', e.source);
  }
  const users = new Set(ev.map((e) => (e.kind === 'failure' ? e.user : '')));
  for (const u of ['root', 'admin', 'oracle', 'test']) assert.ok(users.has(u), `user ${u}`);
});

test('sudo COMMAND= lines: user, run-as, the command text', () => {
  const cmds = events('auth-classic.log').filter((e) => e.kind === 'command');
  assert.equal(cmds.length, 3);
  assert.deepEqual(cmds[0], { kind: 'command', program: 'sudo', user: 'root', runAs: 'nobody', command: '/bin/echo rm -rf /' });
});

test('proftpd lines (from proftpd documentation format; proftpd was not recorded here)', () => {
  const a = parseAuthEvent(parseLogLine('Nov 21 22:15:03 host proftpd[812]: host.example (client.example[::ffff:203.0.113.5]) - USER bob (Login failed): Incorrect password', NOW));
  assert.deepEqual(a && a.kind === 'failure' ? [a.service, a.source, a.user] : null, ['ftp', '203.0.113.5', 'bob']);
  const b = parseAuthEvent(parseLogLine('Nov 21 22:15:04 host proftpd[812]: host.example (client.example[2001:db8::5]) - USER eve: no such user found from client.example [2001:db8::5] to ::ffff:10.0.0.2:21', NOW));
  assert.deepEqual(b && b.kind === 'failure' ? [b.source, b.user] : null, ['2001:db8::5', 'eve']);
});

test('hostile and broken lines give null, never a throw', () => {
  const bad = ['', '\u0000\u00ff', 'Failed password for root from not-an-ip port 22 ssh2', 'Nov 99 99:99:99 x y', '2026-13-45T99:99:99Z h p: m', 'x'.repeat(70_000), 'sudo: : COMMAND=', '\u001b[31mInvalid user x from 1.2.3.4.5 port 1'];
  for (const l of bad) assert.doesNotThrow(() => parseAuthEvent(parseLogLine(l, NOW)));
  assert.equal(parseAuthEvent(parseLogLine('Failed password for root from not-an-ip port 22 ssh2', NOW)), null);
});
