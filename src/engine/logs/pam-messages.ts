import { addressCandidates } from './address-slot.js';
import type { AuthEvent, AuthService } from './auth-event.js';

// "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1  user=root",
// and the old "(pam_unix) authentication failure; …" (also written as the tag "vsftpd(pam_unix)[pid]").
const HEAD = /^(?:pam_[\w-]{1,32}\([^()\s]{1,64}:auth\):|\(pam_\w{1,32}\)) ?\s*authentication failure;\s*(?:logname=\S*\s+)?(?:uid=\d*\s+)?(?:euid=\d*\s+)?(?:tty=\S*\s+)?ruser=(.*)$/s;
// What pam_unix writes after rhost: optionally the user name.
const TAIL = /^(?:\s+user=(.*?))?\s*$/s;

/**
 * A PAM "authentication failure" with a remote host, from the program `service` runs as. The
 * client-chosen ruser comes before rhost= and the user name after it, so rhost= is looked for
 * where pam writes it (see address-slot.ts). A host name (UseDNS) is not an address: no verdict.
 * For sshd the line is evidence only: sshd writes a "Failed …" line for the same attempt.
 */
export function parsePamFailure(msg: string, service: AuthService): AuthEvent | null {
  if (!msg.includes('authentication failure;')) return null;
  const candidates = addressCandidates(msg, ' rhost=', TAIL);
  if (candidates === 'hostile') return null;
  let valid = candidates.flatMap((c) => {
    const head = HEAD.exec(c.head);
    if (head === null) return [];
    const ruser = head[1]!;
    const named = c.tail[1] ?? '';
    return [{ source: c.address, user: named !== '' ? named : ruser !== '' ? ruser : null, same: ruser !== '' && ruser === named }];
  });
  if (valid.length === 0) return null;
  // FTP daemons give PAM the client's name as both ruser and user: when the name imitates
  // "rhost=…", the reading where both agree is the daemon's.
  if (valid.length > 1 && valid.filter((v) => v.same).length === 1) valid = valid.filter((v) => v.same);
  const facts = { service, weight: service === 'ssh' ? ('evidence' as const) : ('attempt' as const), user: valid[0]!.user, what: 'pam_failure' };
  if (valid.length > 1) return { kind: 'ambiguous', failure: facts, candidates: valid.map((v) => ({ source: v.source, port: null })) };
  return { kind: 'failure', ...facts, user: valid[0]!.user, source: valid[0]!.source, port: null };
}
