import { roundSeconds, type Alert, type AttackType } from '../../../model/alert.js';
import { sanitizeForDisplay } from '../../../text/display-sanitizer.js';
import type { AuthFailure, AuthLogMode, AuthService } from '../../logs/auth-events.js';
import type { DetectorContext } from '../detector.js';
import { newAlert } from '../new-alert.js';
import { oneOf, positiveInt, seconds } from '../../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from '../detector-descriptor.js';

export interface AuthBruteForceConfig {
  /** Failed attempts of one source on one service within the window that raise an alert. */
  failures: number;
  windowSeconds: number;
  /**
   * 'normal' counts failed logins; 'aggressive' also counts probes that never try one (no
   * identification string, bad banner, no common algorithm, closed or timed out before
   * authentication) and a valid user's failed public key. Absent: normal.
   */
  mode?: AuthLogMode;
  /** Bound on (service, source) entries; the least recently used are evicted past it. */
  maxSources?: number;
  /** Bound on the user names kept per alert (the rest are counted). */
  maxUsernames?: number;
}

const ATTACK_TYPE: Record<AuthService, AttackType> = { ssh: 'SSH_BRUTE_FORCE', ftp: 'FTP_BRUTE_FORCE' };
/** Connections (daemon process, else source + port) remembered to count each failed connection once. */
const MAX_CONNECTIONS = 4096;
/** An FTP daemon's own failure line follows its PAM line for the same attempt within this long. */
const PAM_PAIR_MICROS = 5e6;

/** Failures of one source on one service. */
class SourceEntry {
  /** Times of the failures still in the window, oldest first (at most `failures` kept). */
  readonly times: number[] = [];
  readonly usernames = new Set<string>();
  usernamesDropped = 0;
  total = 0;
  firstSeen: number;
  lastSeen: number;
  alert: Alert | null = null;
  constructor(
    readonly service: AuthService,
    readonly source: string,
    ts: number,
  ) {
    this.firstSeen = ts;
    this.lastSeen = ts;
  }
}

/**
 * SSH_BRUTE_FORCE / FTP_BRUTE_FORCE from auth-log lines, the way fail2ban counts them: failed
 * attempts per source and service in a sliding window (its default, 5 in 10 minutes, is the
 * balanced profile). Time is the log line's own.
 *
 * One alert per attacker and attack type: when the packet detector already raised
 * one for this attacker, the log's evidence (user names, failure count) is added to it.
 *
 * sshd writes several lines per failed attempt ("Invalid user", "Failed password", PAM,
 * "Connection closed … [preauth]"): `AuthFailure.weight` says which count, and per connection
 * (the daemon process, else the source port) the connection-level lines count only if nothing
 * else on it did. Lines of the aggressive mode count only when the settings say so; otherwise
 * they are evidence (their user name is kept).
 */
export class AuthBruteForceDetector {
  private readonly entries = new Map<string, SourceEntry>();
  /** "source|port" → the connection already had a counted failure (true) or only an Invalid user line (false). */
  private readonly connections = new Map<string, boolean>();
  /**
   * FTP sources → times of counted PAM failures no daemon line has answered yet. vsftpd,
   * proftpd and pure-ftpd write a PAM line and their own line for one failed attempt; where
   * both are read (journald), the daemon's line right after a counted PAM line is the same
   * attempt.
   */
  private readonly pamPending = new Map<string, number[]>();
  private windowMicros: number;
  private readonly maxSources: number;
  private readonly maxUsernames: number;
  evictedSources = 0;

  constructor(
    private config: AuthBruteForceConfig,
    private readonly ctx: DetectorContext,
  ) {
    this.windowMicros = config.windowSeconds * 1e6;
    this.maxSources = Math.max(1, config.maxSources ?? 16_384);
    this.maxUsernames = Math.max(1, config.maxUsernames ?? 20);
  }

  /** New thresholds (SIGHUP); sources keep their failures. */
  reconfigure(config: AuthBruteForceSettings): void {
    this.config = { ...this.config, ...config };
    this.windowMicros = config.windowSeconds * 1e6;
  }

  onFailure(ev: AuthFailure, ts: number): void {
    const entry = this.entry(ev.service, ev.source, ts);
    if (ev.user !== null && ev.user !== '') this.addUser(entry, ev.user);
    if ((ev.mode === 'aggressive' && this.config.mode !== 'aggressive') || !this.counts(ev, ts)) {
      if (entry.alert !== null) this.fill(entry);
      return;
    }
    entry.total++;
    if (ts > entry.lastSeen) entry.lastSeen = ts;
    entry.times.push(ts);
    const cutoff = ts - this.windowMicros;
    while (entry.times.length > 0 && entry.times[0]! < cutoff) entry.times.shift();
    if (entry.times.length > this.config.failures) entry.times.shift();
    if (entry.alert === null) {
      if (entry.times.length < this.config.failures) return;
      entry.firstSeen = entry.times[0]!;
      this.raise(entry, ts);
      return;
    }
    this.fill(entry);
  }

  /** Whether this line is a new failed attempt (see the class comment). */
  private counts(ev: AuthFailure, ts: number): boolean {
    if (ev.weight === 'evidence') return false;
    if (ev.service === 'ftp' && ev.weight === 'attempt') return this.pairFtp(ev, ts);
    const key = ev.connection != null ? ev.connection : ev.port !== null ? `${ev.source}|${ev.port}` : null;
    if (key === null) return true;
    const seen = this.connections.get(key);
    if (seen === undefined && this.connections.size >= MAX_CONNECTIONS) this.connections.delete(this.connections.keys().next().value as string);
    if (ev.weight === 'attempt') {
      this.connections.set(key, true);
      // "Invalid user" (or another first-attempt line) already counted this connection's first attempt.
      return seen !== false;
    }
    if (seen !== undefined) return false;
    // After "Invalid user" sshd still writes "Failed password" when a password was tried.
    this.connections.set(key, ev.firstAttempt !== true);
    return true;
  }

  /** A PAM failure counts; the daemon's line for the same attempt right after it does not. */
  private pairFtp(ev: AuthFailure, ts: number): boolean {
    let times = this.pamPending.get(ev.source);
    while (times !== undefined && times.length > 0 && times[0]! < ts - PAM_PAIR_MICROS) times.shift();
    if (ev.what === 'pam_failure') {
      if (times === undefined) {
        if (this.pamPending.size >= MAX_CONNECTIONS) this.pamPending.delete(this.pamPending.keys().next().value as string);
        this.pamPending.set(ev.source, (times = []));
      }
      times.push(ts);
      if (times.length > 16) times.shift();
      return true;
    }
    if (times !== undefined && times.length > 0) {
      times.shift();
      return false;
    }
    return true;
  }

  private entry(service: AuthService, source: string, ts: number): SourceEntry {
    const key = `${service}|${source}`;
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
    } else {
      if (this.entries.size >= this.maxSources) {
        this.entries.delete(this.entries.keys().next().value as string);
        this.evictedSources++;
      }
      entry = new SourceEntry(service, source, ts);
    }
    this.entries.set(key, entry);
    return entry;
  }

  private addUser(entry: SourceEntry, user: string): void {
    // Attacker-chosen text: control characters escaped, very long names cut.
    const name = sanitizeForDisplay(user, { maxWidth: 64 });
    if (entry.usernames.has(name)) return;
    if (entry.usernames.size >= this.maxUsernames) entry.usernamesDropped++;
    else entry.usernames.add(name);
  }

  private raise(entry: SourceEntry, ts: number): void {
    const attackType = ATTACK_TYPE[entry.service];
    const existing = this.ctx.find?.(attackType, entry.source) ?? null;
    if (existing !== null && lastEvidenceMicros(existing) >= ts - 10 * this.windowMicros) {
      // The packet detector saw this attack already: one alert, two kinds of evidence.
      entry.alert = existing;
      existing.attack_details.source = 'packets+auth_log';
      this.fill(entry);
      return;
    }
    entry.alert = newAlert(this.ctx, {
      attackType,
      severity: 'high',
      attacker: entry.source,
      nowMicros: ts,
      firstSeenMicros: entry.firstSeen,
      protocol: 'tcp',
      service: entry.service,
      details: { source: 'auth_log' },
    });
    this.fill(entry);
    this.ctx.raise(entry.alert, ts);
  }

  /** Writes the log's evidence into the alert (its own fields only when the alert is ours). */
  private fill(entry: SourceEntry): void {
    const a = entry.alert!;
    const d = a.attack_details;
    d.usernames = [...entry.usernames];
    if (entry.usernamesDropped > 0) d.usernames_dropped = entry.usernamesDropped;
    d.auth_failures = entry.total;
    d.auth_threshold = this.config.failures;
    d.auth_window_seconds = this.config.windowSeconds;
    if (d.source === 'auth_log') {
      a.packet_count = entry.total;
      a.duration = roundSeconds((entry.lastSeen - entry.firstSeen) / 1e6);
    }
    this.ctx.changed(a);
  }

  onTick(nowMicros: number): void {
    // Sources silent for ten windows start over: a later attack is a new alert.
    const cutoff = nowMicros - 10 * this.windowMicros;
    for (const [key, entry] of this.entries) {
      if (entry.lastSeen < cutoff) this.entries.delete(key);
    }
  }
}

function lastEvidenceMicros(alert: Alert): number {
  return Date.parse(alert.attack_details.first_seen) * 1000 + alert.duration * 1e6;
}

export type AuthBruteForceSettings = Pick<AuthBruteForceConfig, 'failures' | 'windowSeconds'> & { mode: AuthLogMode };

/** Failed logins in the auth log: fail2ban's defaults (5 in 10 minutes) for balanced, 3 for high-security. */
export const authBruteForceDescriptor: ConfiguredDetectorDescriptor<'authBruteForce', AuthBruteForceSettings, AuthBruteForceDetector> = {
  name: 'authBruteForce',
  stage: 'host',
  settings: {
    defaults: { 'high-security': { failures: 3, windowSeconds: 600, mode: 'normal' }, balanced: { failures: 5, windowSeconds: 600, mode: 'normal' }, development: { failures: 10, windowSeconds: 300, mode: 'normal' } },
    schema: { failures: positiveInt, windowSeconds: seconds, mode: oneOf(['normal', 'aggressive']) },
  },
  create: (settings, inputs) => (inputs.authLog ? new AuthBruteForceDetector(settings, inputs.context) : null),
  reconfigure: (detector, settings) => (detector.reconfigure(settings), []),
};
