/** The events auth-log messages are read into (types only; the parsers are beside them). */

export type AuthService = 'ssh' | 'ftp';

/**
 * Which lines count: 'normal' are failed logins; 'aggressive' adds what fail2ban's aggressive
 * mode adds — probes that never try a login (no identification string, a bad banner, no
 * common key exchange, a timeout or a close before authentication) and a valid user's failed
 * public key (a user with several keys makes those).
 */
export type AuthLogMode = 'normal' | 'aggressive';

/**
 * What one auth-log message says about a remote login attempt. `weight` says how it counts:
 * - 'attempt': one failed attempt (sshd "Failed password", vsftpd FAIL LOGIN, proftpd, PAM for FTP);
 * - 'connection': a failed connection that counts only when nothing else on the same connection
 *   was counted (Invalid user, closed by authenticating user, max attempts, probes);
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
  /** 'aggressive': counted only in the aggressive mode. Absent: normal. */
  mode?: AuthLogMode;
  /**
   * A connection-level line that stands for the connection's first attempt, for which the
   * daemon may still write a "Failed …" line (Invalid user, not allowed because …).
   */
  firstAttempt?: boolean;
  /** The daemon process that wrote it ("sshd[4242]"), when known: one connection. */
  connection?: string | null;
}

/** The parts of a failure a line gives when it does not name (or cannot be trusted to name) the source. */
export type FailureFacts = Omit<AuthFailure, 'kind' | 'source' | 'port' | 'connection'>;

/** A failure whose source the line does not name: the connection's earlier lines do (same pid). */
export interface UnplacedFailure {
  kind: 'unplaced';
  failure: FailureFacts;
}

/** A failure for which client-chosen text makes more than one address a possible source. */
export interface AmbiguousFailure {
  kind: 'ambiguous';
  failure: FailureFacts;
  candidates: { source: string; port: number | null }[];
}

/** A line naming the connection's client without failing (Connection from, a disconnect). */
export interface PeerLine {
  kind: 'peer';
  service: AuthService;
  source: string;
  port: number | null;
}

/** A successful login: the connection's pending failures are forgotten. */
export interface LoginAccepted {
  kind: 'accepted';
  service: AuthService;
  source: string;
  port: number | null;
  user: string | null;
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

export type AuthEvent = AuthFailure | UnplacedFailure | AmbiguousFailure | PeerLine | LoginAccepted | PrivilegedCommand;
