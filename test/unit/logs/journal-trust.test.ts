/**
 * journald entries: the program is what journald itself proves (_COMM with _UID, or an FTP
 * daemon's unit), never SYSLOG_IDENTIFIER, which any local user sets with `logger -t sshd`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthLogMonitor } from '../../../src/engine/logs/auth-log-monitor.js';
import type { AuthFailure } from '../../../src/engine/logs/auth-events.js';
import { journalEntry, JournalSource, trustedProgram } from '../../../src/platform/logs/journal-source.js';
import type { LogSource } from '../../../src/platform/logs/log-source.js';
import type { StreamSpawner } from '../../../src/platform/exec/spawn-stream.js';

const FAILED = 'Failed password for root from 10.0.0.1 port 2 ssh2';

test('journald JSON entries: message, program, pid, time; byte-array messages decoded', () => {
  const e = journalEntry(JSON.stringify({ MESSAGE: FAILED, SYSLOG_IDENTIFIER: 'sshd', _COMM: 'sshd', _UID: '0', _PID: '77', __REALTIME_TIMESTAMP: '1795300000123456' }));
  assert.deepEqual(e, { text: FAILED, timeMicros: 1795300000123456, program: 'sshd', pid: 77, untrusted: false });
  assert.equal(journalEntry(JSON.stringify({ MESSAGE: [104, 105, 255] }))?.text, 'hi\uFFFD');
  assert.equal(journalEntry('not json'), null);
  assert.equal(journalEntry('[1,2]'), null);
  assert.equal(journalEntry(JSON.stringify({ MESSAGE: 5 })), null);
});

test('SYSLOG_IDENTIFIER is never the program: logger -t sshd reads as logger', () => {
  assert.deepEqual(trustedProgram({ SYSLOG_IDENTIFIER: 'sshd', _COMM: 'logger', _UID: '1000' }), { program: 'logger', untrusted: true });
  assert.deepEqual(trustedProgram({ SYSLOG_IDENTIFIER: 'sshd' }), { program: '', untrusted: true });
  // Root running logger is still logger.
  assert.deepEqual(trustedProgram({ SYSLOG_IDENTIFIER: 'sshd', _COMM: 'logger', _UID: '0' }), { program: 'logger', untrusted: true });
});

test('a process named like a daemon needs root (sshd, sudo) or the daemon unit (FTP daemons)', () => {
  assert.deepEqual(trustedProgram({ _COMM: 'sshd', _UID: '0', SYSLOG_IDENTIFIER: 'sshd' }), { program: 'sshd', untrusted: false });
  assert.deepEqual(trustedProgram({ _COMM: 'sshd-session', _UID: '0', SYSLOG_IDENTIFIER: 'sshd-session' }), { program: 'sshd-session', untrusted: false });
  assert.deepEqual(trustedProgram({ _COMM: 'sshd', _UID: '1000', _SYSTEMD_UNIT: 'ssh.service' }), { program: '', untrusted: true }, 'a user process left in ssh.service');
  assert.deepEqual(trustedProgram({ _COMM: 'sudo', _UID: '1000' }), { program: '', untrusted: true });
  assert.deepEqual(trustedProgram({ _COMM: 'vsftpd', _UID: '65534', _SYSTEMD_UNIT: 'vsftpd.service' }), { program: 'vsftpd', untrusted: false });
  assert.deepEqual(trustedProgram({ _COMM: 'vsftpd', _UID: '1000', _SYSTEMD_UNIT: 'user@1000.service' }), { program: '', untrusted: true });
  assert.deepEqual(trustedProgram({ _COMM: 'pure-ftpd', _UID: '1000', _SYSTEMD_UNIT: 'pure-ftpd-mysql.service' }), { program: 'pure-ftpd', untrusted: false });
  assert.deepEqual(trustedProgram({ _COMM: 'cron', _UID: '0' }), { program: 'cron', untrusted: false });
});

test('through the monitor: a forged sshd line counts nothing, the real one counts', () => {
  const seen: AuthFailure[] = [];
  const source: LogSource = { description: 't', start: async () => undefined, stop: () => undefined, stats: () => ({ lines: 0, oversized: 0, rotations: 0, truncations: 0 }) };
  const m = new AuthLogMonitor(source, { onFailure: (ev: AuthFailure) => seen.push(ev) } as never, { onCommand: () => undefined } as never, () => 0);
  m.onLine(journalEntry(JSON.stringify({ MESSAGE: 'Failed password for root from 192.0.2.66 port 22 ssh2', SYSLOG_IDENTIFIER: 'sshd', _COMM: 'logger', _UID: '1000', _PID: '5' }))!);
  assert.equal(seen.length, 0);
  m.onLine(journalEntry(JSON.stringify({ MESSAGE: 'Failed password for root from 203.0.113.9 port 22 ssh2', SYSLOG_IDENTIFIER: 'sshd', _COMM: 'sshd', _UID: '0', _PID: '6' }))!);
  assert.deepEqual(
    seen.map((e) => [e.source, e.connection]),
    [['203.0.113.9', 'sshd[6]']],
  );
});

test('the journal source asks journalctl for auth, authpriv and ftp and counts forged entries', async () => {
  let argv: readonly string[] = [];
  let push: (chunk: Buffer) => void = () => undefined;
  const spawner: StreamSpawner = (args, handlers) => {
    argv = args;
    push = handlers.onStdout;
    return { ended: new Promise(() => undefined), stop: () => undefined } as never;
  };
  const src = new JournalSource(() => undefined, spawner);
  const lines: string[] = [];
  await src.start((l) => lines.push(`${l.program}:${l.text}`));
  assert.deepEqual(argv.slice(-3), ['SYSLOG_FACILITY=4', 'SYSLOG_FACILITY=10', 'SYSLOG_FACILITY=11']);
  push(Buffer.from(`${JSON.stringify({ MESSAGE: 'a', SYSLOG_IDENTIFIER: 'sshd', _COMM: 'logger', _UID: '1000' })}\n${JSON.stringify({ MESSAGE: 'b', _COMM: 'sshd', _UID: '0' })}\n`));
  assert.deepEqual(lines, ['logger:a', 'sshd:b']);
  assert.equal(src.untrusted, 1);
});
