/**
 * Syslog headers around auth messages: traditional (with and without host), ISO 8601 with and
 * without a zone, proftpd's "YYYY-MM-DD HH:MM:SS,mmm", RFC 5424 (structured data with quoted
 * brackets, nil values), RFC 3164 with its priority, BSD "[prog]" tags, old PAM tags, and the
 * kernel and Solaris prefixes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLogLine } from '../../../src/engine/logs/log-line.js';
import { parseRfc5424 } from '../../../src/engine/logs/rfc5424.js';

const NOW = Date.UTC(2026, 5, 1) * 1000;
const MSG = 'Failed password for root from 198.51.100.1 port 2 ssh2';

test('traditional header with and without the host name, one- and two-digit days', () => {
  for (const line of [`Mar  4 09:15:01 gate sshd[4301]: ${MSG}`, `Mar  4 09:15:01 sshd[4301]: ${MSG}`, `Mar 4 09:15:01 gate sshd[4301]: ${MSG}`]) {
    const l = parseLogLine(line, NOW);
    assert.deepEqual([l.program, l.pid, l.message], ['sshd', 4301, MSG], line);
    assert.equal(l.timeMicros, new Date(2026, 2, 4, 9, 15, 1).getTime() * 1000, line);
  }
});

test('ISO 8601: zone, Z, no zone (local time), space and comma (proftpd own log)', () => {
  assert.equal(parseLogLine(`2026-03-04T09:15:04.123456+01:00 gate sshd[1]: ${MSG}`, NOW).timeMicros, Date.UTC(2026, 2, 4, 8, 15, 4) * 1000 + 123456);
  assert.equal(parseLogLine(`2026-03-04T09:15:04Z gate sshd[1]: ${MSG}`, NOW).timeMicros, Date.UTC(2026, 2, 4, 9, 15, 4) * 1000);
  assert.equal(parseLogLine(`2026-03-04T09:15:04.5 gate sshd[1]: ${MSG}`, NOW).timeMicros, new Date(2026, 2, 4, 9, 15, 4).getTime() * 1000 + 500000);
  const p = parseLogLine('2026-03-04 11:01:08,121 ftp proftpd[6108] localhost (c[203.0.113.96]): USER nils: no such user found', NOW);
  assert.deepEqual([p.program, p.pid, p.message], ['proftpd', 6108, 'localhost (c[203.0.113.96]): USER nils: no such user found']);
  assert.equal(p.timeMicros, new Date(2026, 2, 4, 11, 1, 8).getTime() * 1000 + 121000);
});

test('RFC 5424: fields, structured data with quoted brackets and escapes, nil values, BOM', () => {
  const l = parseLogLine(`<38>1 2026-03-04T09:15:09.954167-04:00 gate.example.net sshd 4309 - [a b="x ] \\" ["][c@1 d="e"] ${MSG}`, NOW);
  assert.deepEqual([l.program, l.pid, l.message], ['sshd', 4309, MSG]);
  assert.equal(l.timeMicros, Date.UTC(2026, 2, 4, 13, 15, 9) * 1000 + 954167);
  const nil = parseLogLine(`<38>1 - - sshd - - - \uFEFF${MSG}`, NOW);
  assert.deepEqual([nil.program, nil.pid, nil.message, nil.timeMicros], ['sshd', null, MSG, NOW]);
  assert.equal(parseRfc5424('2026-03-04T09:15:09Z h a 1 - [unclosed x="y"'), null);
  assert.equal(parseRfc5424('2026-13-99 h a 1 - - m'), null);
});

test('RFC 3164 with a priority; BSD [prog] tags; proftpd tag without colon; old PAM tag', () => {
  assert.deepEqual(pick(parseLogLine(`<38>Mar  4 09:15:10 gate sshd[4310]: ${MSG}`, NOW)), ['sshd', 4310, MSG]);
  assert.deepEqual(pick(parseLogLine('Mar  4 09:15:02 [sshd]: User root from 198.51.100.61 not allowed', NOW)), ['sshd', null, 'User root from 198.51.100.61 not allowed']);
  assert.deepEqual(pick(parseLogLine('Mar  4 09:15:03 gate [sshd] User root', NOW)), ['sshd', null, 'User root']);
  assert.deepEqual(pick(parseLogLine('Mar  4 11:01:02 ftp proftpd[6102] ftp.example.net (a[1.2.3.4]): USER k', NOW)), ['proftpd', 6102, 'ftp.example.net (a[1.2.3.4]): USER k']);
  assert.deepEqual(pick(parseLogLine('Mar  4 10:01:10 ftp vsftpd(pam_unix)[5110]: authentication failure; rhost=1.2.3.4', NOW)), ['vsftpd', 5110, '(pam_unix) authentication failure; rhost=1.2.3.4']);
});

test('kernel-style and Solaris prefixes are dropped; a header without a readable tag is no bare sshd line', () => {
  assert.equal(parseLogLine(`Mar  4 09:15:11 gate sshd[1]: kernel:[ 1970.699396]: ${MSG}`, NOW).message, MSG);
  assert.equal(parseLogLine(`Mar  4 09:15:11 gate sshd[1]: kernel: [ 1970.699397] ${MSG}`, NOW).message, MSG);
  assert.equal(parseLogLine(`Mar  4 09:15:13 gate sshd[1]: [ID 800047 auth.info] ${MSG}`, NOW).message, MSG);
  assert.equal(parseLogLine(`Mar  4 09:15:13 gate ${MSG}`, NOW).program, '');
  assert.equal(parseLogLine(MSG, NOW).program, null);
});

function pick(l: { program: string | null; pid: number | null; message: string }): [string | null, number | null, string] {
  return [l.program, l.pid, l.message];
}
