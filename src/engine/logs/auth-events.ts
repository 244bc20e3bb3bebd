import type { AuthEvent } from './auth-event.js';
import type { LogLine } from './log-line.js';
import { parsePamFailure } from './pam-messages.js';
import { parseProftpd } from './proftpd-messages.js';
import { parsePureFtpd } from './pureftpd-messages.js';
import { parseSshd } from './sshd-messages.js';
import { parseSudoCommand } from './sudo-messages.js';
import { parseVsftpd } from './vsftpd-messages.js';

export { canonicalAddress } from './address-slot.js';
export type { AmbiguousFailure, AuthEvent, AuthFailure, AuthLogMode, AuthService, FailureFacts, LoginAccepted, PeerLine, PrivilegedCommand, UnplacedFailure } from './auth-event.js';

/** Longer messages are not auth-daemon lines (sshd writes at most 1 KiB, vsftpd takes 4 KiB commands). */
export const MAX_MESSAGE_CHARS = 8192;

/** sshd's program names: OpenSSH 9.8+ logs as sshd-session, 10.0's pre-auth process as sshd-auth. */
const SSHD_PROGRAMS = new Set(['sshd', 'sshd-session', 'sshd-auth']);
const FTP_PROGRAMS = new Set(['vsftpd', 'proftpd', 'pure-ftpd']);

/** The daemon a program name belongs to, or null for programs that are not watched. */
export function daemonOf(program: string): 'sshd' | 'vsftpd' | 'proftpd' | 'pure-ftpd' | 'sudo' | null {
  if (SSHD_PROGRAMS.has(program)) return 'sshd';
  if (FTP_PROGRAMS.has(program)) return program as 'vsftpd' | 'proftpd' | 'pure-ftpd';
  if (program === 'sudo') return 'sudo';
  return null;
}

/**
 * Interprets one message; null when it says nothing about an attack (most lines). The program
 * decides which daemon's messages are looked for: a daemon's text is trusted only under its
 * own name. A line without any header (sshd -E) is read as sshd's.
 */
export function parseAuthEvent(line: LogLine): AuthEvent | null {
  const msg = line.message;
  if (msg.length > MAX_MESSAGE_CHARS) return null;
  const daemon = line.program === null ? 'sshd' : daemonOf(line.program);
  switch (daemon) {
    case 'sshd':
      return parseSshd(msg) ?? parsePamFailure(msg, 'ssh');
    case 'vsftpd':
      return parseVsftpd(msg) ?? parsePamFailure(msg, 'ftp');
    case 'proftpd':
      return parseProftpd(msg) ?? parsePamFailure(msg, 'ftp');
    case 'pure-ftpd':
      return parsePureFtpd(msg) ?? parsePamFailure(msg, 'ftp');
    case 'sudo':
      return msg.includes('COMMAND=') ? parseSudoCommand(msg) : null;
    default:
      return null;
  }
}
