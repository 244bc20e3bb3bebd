import { canonicalAddress } from './address-slot.js';
import type { AuthEvent } from './auth-event.js';

// pure-ftpd: "(?@192.0.2.7) [WARNING] Authentication failed for user [bob]". The parenthesis
// at the start is the daemon's (account@client; the account is "?" before a login), the user
// name at the end is the client's.
const FAILED = /^\([^\s()]{0,255}@([^\s@()]{2,64})\) \[WARNING\] Authentication failed for user \[(.*)\]\s*$/s;

/** pure-ftpd's failed login. */
export function parsePureFtpd(msg: string): AuthEvent | null {
  const m = FAILED.exec(msg);
  if (m === null) return null;
  const source = canonicalAddress(m[1]!);
  if (source === null) return null;
  return { kind: 'failure', service: 'ftp', weight: 'attempt', source, port: null, user: m[2] === '' ? null : m[2]!, what: 'pureftpd_auth_failed' };
}
