/**
 * A replay with --auth-log: the recorded log is read once from its start together with the
 * capture (replays follow no log unless told). Built CLI (npm run build first).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIXTURES, runCli } from '../support/run-cli.js';

test('replay + --auth-log fixture: SSH and FTP brute force from the log, SUSPICIOUS_COMMAND from sudo lines', () => {
  const r = runCli(['--replay', `${FIXTURES}benign-ssh.pcap`, '--headless', '--auth-log', `${FIXTURES}auth/auth-iso.log`]);
  assert.equal(r.status, 0, r.stderr);
  const alerts = r.lines.filter((l) => l.event_type === 'alert');
  const ssh = alerts.filter((a) => a.attack_type === 'SSH_BRUTE_FORCE').map((a) => a.attacker_ip).sort();
  assert.deepEqual(ssh, ['10.79.0.1', 'fd79::1']);
  const ftp = alerts.filter((a) => a.attack_type === 'FTP_BRUTE_FORCE');
  assert.equal(ftp.length, 1);
  assert.equal(ftp[0]!.attacker_ip, '10.79.0.1', '::ffff:10.79.0.1 is reported as the IPv4 address');
  assert.equal(ftp[0]!.attack_details.source, 'auth_log');
  // The last update of each alert carries every user name seen.
  const last = new Map<string, any>();
  for (const l of r.lines) if (l.event_type === 'alert' || l.event_type === 'alert_update') last.set(l.id, l);
  const sshV4 = [...last.values()].find((a) => a.attack_type === 'SSH_BRUTE_FORCE' && a.attacker_ip === '10.79.0.1');
  assert.deepEqual([...sshV4.attack_details.usernames].sort(), ['admin', 'oracle', 'root', 'test']);
  const cmds = alerts.filter((a) => a.attack_type === 'SUSPICIOUS_COMMAND').map((a) => a.attack_details.pattern).sort();
  assert.deepEqual(cmds, ['chmod_777', 'rm_rf']);
});

test('replay without --auth-log reads no log; a missing --auth-log file is one warning, the replay goes on', () => {
  const plain = runCli(['--replay', `${FIXTURES}benign-ssh.pcap`, '--headless']);
  assert.equal(plain.lines.filter((l) => l.event_type === 'alert').length, 0);
  const r = runCli(['--replay', `${FIXTURES}benign-ssh.pcap`, '--headless', '--auth-log', '/nonexistent/auth.log']);
  assert.equal(r.status, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /auth log \/nonexistent\/auth\.log: no such file/);
  assert.equal(r.lines.at(-1)!.event_type, 'stats');
});
