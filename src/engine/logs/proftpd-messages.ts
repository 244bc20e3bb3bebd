import { canonicalAddress } from './address-slot.js';
import type { AuthEvent } from './auth-event.js';

// proftpd starts every session line with "server (client-name[client-address])" followed by
// " - " or ": ": the address comes before anything the client typed, so it is read there.
const PREFIX = /^\S{1,255} \([^\s[\]()]{0,255}\[([^\s[\]()]{2,64})\]\)(?::| -) (.*)$/s;
const LOGIN_FAILED = /^USER (.*?) \(Login failed\):/s;
const NO_SUCH_USER = /^USER (.*?): no such user found from /s;
const SECURITY = /^SECURITY VIOLATION: (.*?) login attempted/s;
const MAX_ATTEMPTS = /^Maximum login attempts \(\d{1,9}\) exceeded/;

/**
 * proftpd's failed logins: "USER bob (Login failed): Incorrect password", "USER eve: no such
 * user found from …", "SECURITY VIOLATION: root login attempted." and "Maximum login attempts
 * (3) exceeded" (the connection's end after its failures).
 */
export function parseProftpd(msg: string): AuthEvent | null {
  const p = PREFIX.exec(msg);
  if (p === null) return null;
  const source = canonicalAddress(p[1]!);
  if (source === null) return null;
  const content = p[2]!;
  let m = LOGIN_FAILED.exec(content);
  if (m !== null) return failure(source, m[1]!, 'proftpd_login_failed', 'attempt');
  m = NO_SUCH_USER.exec(content);
  if (m !== null) return failure(source, m[1]!, 'proftpd_no_such_user', 'attempt');
  m = SECURITY.exec(content);
  if (m !== null) return failure(source, m[1]!, 'proftpd_security_violation', 'attempt');
  if (MAX_ATTEMPTS.test(content)) return failure(source, null, 'proftpd_max_attempts', 'connection');
  return null;
}

function failure(source: string, user: string | null, what: string, weight: 'attempt' | 'connection'): AuthEvent {
  return { kind: 'failure', service: 'ftp', weight, source, port: null, user: user === '' ? null : user, what };
}
