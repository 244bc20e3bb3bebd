import { formatAddress, parseAddress } from '../../net/address.js';
import type { LogLine } from './log-line.js';

export type AuthService = 'ssh' | 'ftp';

/**
 * What one auth-log message says about a remote login attempt. `weight` says how it counts:
 * - 'attempt': one failed attempt (sshd "Failed password", vsftpd FAIL LOGIN, proftpd, PAM for FTP);
 * - 'connection': a failed connection that counts only when nothing else on the same connection
 *   (source port) was counted (Invalid user, closed by authenticating user, max attempts);
 * - 'evidence': adds the user name only (PAM lines of sshd, which always logs Failed password too).
 */
export interface AuthFailure {
  kind: 'failure';
  service: AuthService;
  weight: 'attempt' | 'connection' | 'evidence';
  /** Canonical address (::ffff:a.b.c.d becomes a.b.c.d). */
  source: string;
  /** Source port when the line has one (sshd). */
  port: number | null;
  user: string | null;
  /** Which message it was, for attack_details and tests. */
  what: string;
}

/** A command run through sudo (its COMMAND= field). */
export interface PrivilegedCommand {
  kind: 'command';
  program: string;
  /** Who ran it. */
  user: string;
  /** As whom (USER=). */
  runAs: string | null;
  command: string;
}

export type AuthEvent = AuthFailure | PrivilegedCommand;

// sshd (OpenSSH 7-9, also logged as sshd-session by 9.8+).
const SSH_FAILED = /^Failed (password|keyboard-interactive\/pam|publickey|none) for (invalid user )?(.*) from (\S+) port (\d+)/s;
const SSH_INVALID_USER = /^Invalid user (.*) from (\S+) port (\d+)/s;
const SSH_CLOSED = /^(?:Connection closed|Disconnected) (?:by|from) (authenticating|invalid) user (.*) (\S+) port (\d+) \[preauth\]/s;
const SSH_MAX_ATTEMPTS = /^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(.*) from (\S+) port (\d+)/s;
// PAM: "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1  user=root"
const PAM_FAILURE = /^pam_\w+\(([\w.-]+):auth\): authentication failure;.*?\bruser=(\S*) rhost=(\S+)(?:\s+user=(\S+))?/s;
// vsftpd (own log after "[pid N] ", or syslog): "[root] FAIL LOGIN: Client "::ffff:10.0.0.1""
const VSFTPD_FAIL = /^(?:\[pid \d+\] )?\[([^\]]*)\] FAIL LOGIN: Client "([^"]+)"/s;
// proftpd: "host (name[1.2.3.4]) - USER bob (Login failed): Incorrect password"
const PROFTPD_FAILED = /\(([^[()]*)\[([^\]]+)\]\) - USER (.+?) \(Login failed\)/s;
// proftpd: "host (name[1.2.3.4]) - USER bob: no such user found from name [1.2.3.4] to …"
const PROFTPD_NO_USER = /\(([^[()]*)\[([^\]]+)\]\) - USER (.+?): no such user found/s;

const FTP_PAM_SERVICES = new Set(['vsftpd', 'proftpd', 'pure-ftpd', 'ftp', 'ftpd']);

/** Interprets one message; null when it says nothing about an attack (most lines). */
export function parseAuthEvent(line: LogLine): AuthEvent | null {
  const msg = line.message;
  const prog = line.program;
  if (prog === null || prog.startsWith('sshd')) {
    const ssh = parseSsh(msg);
    if (ssh !== null) return ssh;
  }
  if (msg.includes('COMMAND=') && (prog === null || prog === 'sudo')) {
    const command = parseSudoCommand(msg);
    if (command !== null) return command;
  }
  if (msg.includes('authentication failure;')) {
    const m = PAM_FAILURE.exec(msg);
    if (m !== null) {
      const [, pamService, ruser, rhost, user] = m;
      const source = canonicalAddress(rhost!);
      if (source === null) return null; // local logins (rhost empty or a host name we do not resolve)
      const name = user ?? (ruser !== '' ? ruser! : null);
      if (pamService === 'sshd') return { kind: 'failure', service: 'ssh', weight: 'evidence', source, port: null, user: name, what: 'pam_failure' };
      if (FTP_PAM_SERVICES.has(pamService!)) return { kind: 'failure', service: 'ftp', weight: 'attempt', source, port: null, user: name, what: 'pam_failure' };
      return null;
    }
  }
  if (msg.includes('FAIL LOGIN')) {
    const m = VSFTPD_FAIL.exec(msg);
    const source = m === null ? null : canonicalAddress(m[2]!);
    if (source !== null) return { kind: 'failure', service: 'ftp', weight: 'attempt', source, port: null, user: m![1] || null, what: 'vsftpd_fail_login' };
  }
  if (msg.includes(' - USER ')) {
    const m = PROFTPD_FAILED.exec(msg) ?? PROFTPD_NO_USER.exec(msg);
    const source = m === null ? null : canonicalAddress(m[2]!);
    if (source !== null) return { kind: 'failure', service: 'ftp', weight: 'attempt', source, port: null, user: m![3]!, what: 'proftpd_login_failed' };
  }
  return null;
}

/**
 * sudo: "    root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/ls -l" (also "user NOT in
 * sudoers ; …"). Split by hand rather than one regex: the command is free text, may itself
 * contain " ; ", and a backtracking pattern over a 64 KiB line is a cost we do not need.
 */
function parseSudoCommand(msg: string): PrivilegedCommand | null {
  const colon = msg.indexOf(' : ');
  const at = msg.indexOf('COMMAND=');
  if (colon < 0 || at < colon) return null;
  const user = msg.slice(0, colon).trim();
  if (user === '' || /\s/.test(user)) return null;
  const runAs = / ; USER=(\S+) ; /.exec(msg.slice(colon, at + 1));
  return { kind: 'command', program: 'sudo', user, runAs: runAs === null ? null : runAs[1]!, command: msg.slice(at + 'COMMAND='.length) };
}

function parseSsh(msg: string): AuthFailure | null {
  let m = SSH_FAILED.exec(msg);
  if (m !== null) return sshFailure('attempt', m[4]!, m[5]!, m[3]!, m[2] !== undefined ? 'failed_password_invalid_user' : `failed_${m[1]!.split('/')[0]!.replace('-', '_')}`);
  m = SSH_INVALID_USER.exec(msg);
  if (m !== null) return sshFailure('connection', m[2]!, m[3]!, m[1]!, 'invalid_user');
  m = SSH_CLOSED.exec(msg);
  if (m !== null) return sshFailure('connection', m[3]!, m[4]!, m[2]!, 'closed_preauth');
  m = SSH_MAX_ATTEMPTS.exec(msg);
  if (m !== null) return sshFailure('connection', m[3]!, m[4]!, m[2]!, 'max_auth_attempts');
  return null;
}

function sshFailure(weight: AuthFailure['weight'], address: string, port: string, user: string, what: string): AuthFailure | null {
  const source = canonicalAddress(address);
  if (source === null) return null;
  return { kind: 'failure', service: 'ssh', weight, source, port: Number(port), user, what };
}

/** The address in the form packet alerts use, so both kinds of alert meet on one key; null if not an address. */
export function canonicalAddress(text: string): string | null {
  const words = parseAddress(text);
  return words === null ? null : formatAddress(words[0], words[1], words[2], words[3]);
}
