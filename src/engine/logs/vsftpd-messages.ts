import { addressCandidates } from './address-slot.js';
import type { AuthEvent } from './auth-event.js';

// vsftpd writes "[pid N] [user] FAIL LOGIN: Client "address"" and, for some failures, a
// quoted detail after it: ', "User is not in the allow user list."' (for anonymous logins
// the detail is the password given). The user name and the detail are the client's text.
const MARKER = 'FAIL LOGIN: Client "';
const TAIL = /^"(?:, ".*")?\s*$/s;
const HEAD = /^(?:\[pid \d{1,10}\] ?)?(?:\[(.*)\])?$/s;

/**
 * vsftpd's FAIL LOGIN, in its own log or through syslog. The address is the one between the
 * daemon's quotes where the rest of the line is the daemon's; a user name or password that
 * imitates the line makes more than one reading possible, and then the line is ambiguous.
 */
export function parseVsftpd(msg: string): AuthEvent | null {
  if (!msg.includes(MARKER)) return null;
  // A space in front, so that a line without a user (starting with the marker) reads alike.
  const candidates = addressCandidates(` ${msg}`, ` ${MARKER}`, TAIL);
  if (candidates === 'hostile') return null;
  const valid = candidates.flatMap((c) => {
    const head = HEAD.exec(c.head.slice(1));
    return head === null ? [] : [{ source: c.address, user: head[1] === undefined || head[1] === '' ? null : head[1] }];
  });
  if (valid.length === 0) return null;
  const facts = { service: 'ftp' as const, weight: 'attempt' as const, user: valid[0]!.user, what: 'vsftpd_fail_login' };
  if (valid.length > 1) return { kind: 'ambiguous', failure: { ...facts, user: null }, candidates: valid.map((v) => ({ source: v.source, port: null })) };
  return { kind: 'failure', ...facts, source: valid[0]!.source, port: null };
}
