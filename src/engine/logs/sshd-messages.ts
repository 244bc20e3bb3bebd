import { addressCandidates, canonicalAddress } from './address-slot.js';
import type { AuthEvent, AuthFailure, FailureFacts } from './auth-event.js';

/*
 * OpenSSH's messages about failed logins, the shapes fail2ban's sshd filter matches in its
 * normal and aggressive modes. The client's address is read only where sshd writes it:
 * - lines whose end is sshd's fixed text ("Invalid user U from A port N") take the address
 *   right before that end, so a user name imitating it cannot move it;
 * - lines where the address comes first ("Received disconnect from A …") take it there;
 * - "Failed …"/"Accepted …" lines may carry client-chosen text on both sides of the address
 *   (the user name before, a key's certificate ID or a host-based client name after): every
 *   " from " is tried and the rest must be exactly what sshd writes after the address for that
 *   method (address-slot.ts);
 * - lines without an address ("Disconnecting: Too many authentication failures") belong to the
 *   connection the same sshd[pid] named earlier (the monitor knows it).
 */

// An address token: a dot or colon within its first five characters (so a port number is none).
const A = '((?=[0-9A-Fa-f]{0,4}[:.])[0-9A-Fa-f:.]{2,45}(?:%[\\w.-]{1,16})?)';
const PORT = '(?: port (\\d{1,5}))?';
const ON = '(?: on \\S{1,64}(?: port \\d{1,5})?)?';
const PREAUTH = '(?: \\[preauth\\])?';
const re = (source: string) => new RegExp(source, 's');

// sshd's optional prefixes: "error: ", "fatal: ", "error: PAM: ".
const PREFIX = /^(?:(?:error|fatal): (?:PAM: )?)?/;

const INVALID_USER = re(`^[iI](?:llegal|nvalid) user (.*) from ${A}${PORT}${ON}${PREAUTH}\\s*$`);
const NOT_ALLOWED = re(`^User (.*) from ${A} not allowed because (?:not listed in AllowUsers|listed in DenyUsers|not in any group|a group is listed in DenyGroups|none of user's groups are listed in AllowGroups)${PREAUTH}\\s*$`);
const ACCOUNT_LOCKED = re(`^User (.*) not allowed because account is locked${PREAUTH}\\s*$`);
const NOT_KNOWN = re(`^User not known to the underlying authentication module for (.*) from ${A}${PREAUTH}\\s*$`);
const AUTH_FAILURE = re(`^[aA]uthentication (?:failure|error|failed) for (.*) from ${A}(?: via \\S{1,255})?${PREAUTH}\\s*$`);
const ROOT_REFUSED = re(`^ROOT LOGIN REFUSED FROM ${A}${PORT}${PREAUTH}\\s*$`);
const REFUSED_CONNECT = re(`^refused connect from \\S{1,255} \\(${A}\\)${PREAUTH}\\s*$`);
const RECEIVED_DISCONNECT = re(`^Received disconnect from ${A}${PORT}:\\s*(\\d{1,3}): (.*)$`);
const AUTH_FAIL_REASON = /: Auth fail(?: \[preauth\])?\s*$/;
const NO_METHODS_REASON = /^No(?: supported)? authentication methods available/;
const MAX_ATTEMPTS = re(`^maximum authentication attempts exceeded for (?:invalid user )?(.*) from ${A}${PORT}${ON}(?: ssh\\d?)?${PREAUTH}\\s*$`);
const TOO_MANY = /^Disconnecting: Too many authentication failures(?: for (.*?))?(?: \[preauth\])?\s*$/s;
const CHANGE_OF_USER = /^Disconnecting (?:invalid|authenticating) user .* port \d{1,5}: Change of username or service not allowed: /s;
const NO_IDENTIFICATION = re(`^Did not receive identification string from ${A}${PORT}${ON}\\s*$`);
const BAD_VERSION = re(`^Bad protocol version identification '.*' from ${A}${PORT}${ON}\\s*$`);
const BANNER = re(`^banner exchange: Connection from ${A}${PORT}: (?:invalid format|could not read protocol version)${PREAUTH}\\s*$`);
const KEX_IDENTIFICATION = /^kex_exchange_identification: /;
const CLOSED = re(`^(Connection (?:closed|reset)|Disconnected) (?:by|from)(?: (?:authenticating|invalid) user (.*))? ${A}${PORT}${ON}( \\[preauth\\])?\\s*$`);
const READ_FAILED = /^Read from socket failed: Connection reset by peer/;
const NEGOTIATE_WITH = re(`^Unable to negotiate with ${A}${PORT}: no matching [\\w -]{1,64} found`);
const NEGOTIATE_A = /^Unable to negotiate a [\w -]{1,64}/;
const NO_MATCHING = /^no matching [\w -]{1,64} found:/;
const TIMEOUT = re(`^Timeout before authentication for (?:connection from )?${A}${PORT}(?: to \\S{1,64}, pid = \\d{1,10})?\\s*$`);
const CONNECTION_FROM = re(`^Connection from ${A}${PORT}(?: on \\S{1,64}(?: port \\d{1,5})?)?(?: rdomain .*)?\\s*$`);
const SSH_SERVER_REMOTE = re(`^SSH: Server;Ltype: (?:Authname|Version|Kex);Remote: ${A}-(\\d{1,5});`);

// "Failed <method> for [invalid user ]<user> from <address> port <n> ssh2[: <detail>]" and
// "Accepted …": what may follow the address, and the detail sshd writes per method.
const AFTER_ADDRESS = /^(?: port (\d{1,5}))?(?: (ssh\d?)(?:: (.*))?)?\s*$/s;
const FAILED_HEAD = /^Failed (\S{1,64}) for (invalid user )?(.*)$/s;
const ACCEPTED_HEAD = /^Accepted (\S{1,64}) for (.*)$/s;
const KEY_DETAIL = /^\S{1,64} \S{1,256}$/s;
const CERT_DETAIL = /^\S{1,64} \S{1,256} ID .* \(serial \d{1,20}\) CA \S{1,64} \S{1,256}$/s;
const HOSTBASED_DETAIL = /^\S{1,64} \S{1,256}, client user ".*", client host ".*"$/s;

/** One sshd message (any "error: "/"fatal: " prefix allowed); null when it is none of the shapes. */
export function parseSshd(message: string): AuthEvent | null {
  const msg = message.slice(PREFIX.exec(message)![0].length);
  let m: RegExpExecArray | null;
  switch (msg[0]) {
    case 'F':
      return msg.startsWith('Failed ') ? failedOrAccepted(msg, FAILED_HEAD) : null;
    case 'A':
      if (msg.startsWith('Accepted ')) return failedOrAccepted(msg, ACCEPTED_HEAD);
      if ((m = AUTH_FAILURE.exec(msg))) return placed(m[2]!, null, m[1]!, 'pam_auth_failure', 'connection', { firstAttempt: true });
      return null;
    case 'a':
      if ((m = AUTH_FAILURE.exec(msg))) return placed(m[2]!, null, m[1]!, 'pam_auth_failure', 'connection', { firstAttempt: true });
      return null;
    case 'I':
    case 'i':
      if ((m = INVALID_USER.exec(msg))) return placed(m[2]!, m[3], m[1]!, 'invalid_user', 'connection', { firstAttempt: true });
      return null;
    case 'U':
      if ((m = NOT_ALLOWED.exec(msg))) return placed(m[2]!, null, m[1]!, 'user_not_allowed', 'connection', { firstAttempt: true });
      if ((m = NOT_KNOWN.exec(msg))) return placed(m[2]!, null, m[1]!, 'user_not_known', 'connection', { firstAttempt: true });
      if ((m = ACCOUNT_LOCKED.exec(msg))) return unplaced(m[1]!, 'account_locked', { firstAttempt: true });
      if ((m = NEGOTIATE_WITH.exec(msg))) return placed(m[1]!, m[2], null, 'no_matching_algorithm', 'connection', AGGRESSIVE);
      if (NEGOTIATE_A.test(msg)) return unplaced(null, 'no_matching_algorithm', AGGRESSIVE);
      return null;
    case 'R':
      if ((m = ROOT_REFUSED.exec(msg))) return placed(m[1]!, m[2], 'root', 'root_login_refused', 'connection', { firstAttempt: true });
      if ((m = RECEIVED_DISCONNECT.exec(msg))) return receivedDisconnect(m);
      if (READ_FAILED.test(msg)) return unplaced(null, 'connection_reset', AGGRESSIVE);
      return null;
    case 'r':
      if ((m = REFUSED_CONNECT.exec(msg))) return placed(m[1]!, null, null, 'refused_connect', 'connection');
      return null;
    case 'm':
      if ((m = MAX_ATTEMPTS.exec(msg))) return placed(m[2]!, m[3], m[1]!, 'max_auth_attempts', 'connection');
      return null;
    case 'D':
      if ((m = TOO_MANY.exec(msg))) return unplaced(m[1] ?? null, 'too_many_failures');
      if (CHANGE_OF_USER.test(msg)) return unplaced(null, 'change_of_user');
      if ((m = NO_IDENTIFICATION.exec(msg))) return placed(m[1]!, m[2], null, 'no_identification', 'connection', AGGRESSIVE);
      if ((m = CLOSED.exec(msg))) return closed(m);
      return null;
    case 'B':
      if ((m = BAD_VERSION.exec(msg))) return placed(m[1]!, m[2], null, 'bad_protocol_version', 'connection', AGGRESSIVE);
      return null;
    case 'b':
      if ((m = BANNER.exec(msg))) return placed(m[1]!, m[2], null, 'bad_banner', 'connection', AGGRESSIVE);
      return null;
    case 'k':
      return KEX_IDENTIFICATION.test(msg) ? unplaced(null, 'kex_identification', AGGRESSIVE) : null;
    case 'C':
      if ((m = CLOSED.exec(msg))) return closed(m);
      if ((m = CONNECTION_FROM.exec(msg))) return peer(m[1]!, m[2]);
      return null;
    case 'n':
      return NO_MATCHING.test(msg) ? unplaced(null, 'no_matching_algorithm', AGGRESSIVE) : null;
    case 'T':
      if ((m = TIMEOUT.exec(msg))) return placed(m[1]!, m[2], null, 'timeout_before_auth', 'connection', AGGRESSIVE);
      return null;
    case 'S':
      if ((m = SSH_SERVER_REMOTE.exec(msg))) return peer(m[1]!, m[2]);
      return null;
    default:
      return null;
  }
}

const AGGRESSIVE = { mode: 'aggressive' } as const;
type Extra = Pick<AuthFailure, 'mode' | 'firstAttempt'>;

function placed(address: string, port: string | undefined | null, user: string | null, what: string, weight: AuthFailure['weight'], extra: Extra = {}): AuthFailure | null {
  const source = canonicalAddress(address);
  if (source === null) return null;
  return { kind: 'failure', service: 'ssh', weight, source, port: port == null ? null : Number(port), user, what, ...extra };
}

function unplaced(user: string | null, what: string, extra: Extra = {}): AuthEvent {
  return { kind: 'unplaced', failure: { service: 'ssh', weight: 'connection', user, what, ...extra } };
}

function peer(address: string, port: string | undefined): AuthEvent | null {
  const source = canonicalAddress(address);
  return source === null ? null : { kind: 'peer', service: 'ssh', source, port: port === undefined ? null : Number(port) };
}

function receivedDisconnect(m: RegExpExecArray): AuthEvent | null {
  const [, address, port, code, reason] = m;
  if (code === '3' && AUTH_FAIL_REASON.test(reason!)) return placed(address!, port, null, 'disconnect_auth_fail', 'connection');
  if (code === '14' && NO_METHODS_REASON.test(reason!)) return placed(address!, port, null, 'no_auth_methods', 'connection', AGGRESSIVE);
  return peer(address!, port);
}

/** "Connection closed by [authenticating user U ]A port N [preauth]": a failure (aggressive) before authentication, else only the peer. */
function closed(m: RegExpExecArray): AuthEvent | null {
  const [, , user, address, port, preauth] = m;
  if (preauth === undefined) return peer(address!, port);
  return placed(address!, port, user ?? null, 'closed_preauth', 'connection', AGGRESSIVE);
}

/** "Failed …" and "Accepted …": the address where the rest of the line is sshd's own (see the file comment). */
function failedOrAccepted(msg: string, head: RegExp): AuthEvent | null {
  const candidates = addressCandidates(msg, ' from ', AFTER_ADDRESS);
  if (candidates === 'hostile') return null;
  const readings = candidates.flatMap((c) => {
    const h = head.exec(c.head);
    if (h === null) return [];
    const [, port, protocol, detail] = c.tail;
    const method = h[1]!;
    if (detail !== undefined && !detailFits(method, protocol!, detail)) return [];
    return [{ source: c.address, port: port === undefined ? null : Number(port), full: port !== undefined && protocol !== undefined, method, invalid: head === FAILED_HEAD && h[2] !== undefined, user: head === FAILED_HEAD ? h[3]! : h[2]! }];
  });
  // sshd has written "port N sshX" since OpenSSH 3.x: a reading with it beats an old bare one.
  const best = readings.some((r) => r.full) ? readings.filter((r) => r.full) : readings;
  if (best.length === 0) return null;
  const r = best[0]!;
  if (head === ACCEPTED_HEAD) return best.length === 1 ? { kind: 'accepted', service: 'ssh', source: r.source, port: r.port, user: r.user } : null;
  const base = r.method.split('/')[0]!.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
  const facts: FailureFacts = {
    service: 'ssh',
    weight: 'attempt',
    user: r.user,
    what: r.invalid ? `failed_${base}_invalid_user` : `failed_${base}`,
    // A valid user's failed key is what several keys in an agent make: aggressive mode only.
    ...(base === 'publickey' && !r.invalid ? AGGRESSIVE : {}),
  };
  if (best.length > 1) return { kind: 'ambiguous', failure: { ...facts, user: null }, candidates: best.map((b) => ({ source: b.source, port: b.port })) };
  return { kind: 'failure', ...facts, source: r.source, port: r.port };
}

/** Whether `detail` is what sshd writes after "sshX: " for this method. */
function detailFits(method: string, protocol: string, detail: string): boolean {
  // SSH-1 era: "ssh1: ruser <name>".
  if (protocol === 'ssh1' && detail.startsWith('ruser ')) return true;
  if (method === 'publickey') return KEY_DETAIL.test(detail) || CERT_DETAIL.test(detail);
  if (method === 'hostbased') return HOSTBASED_DETAIL.test(detail);
  return false;
}
