import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { safeJsonStringify, sanitizeLine } from '../../text/display-sanitizer.js';
import type { Alert } from '../../model/alert.js';

/** Runs a command given as an argv array (absolute path first); resolves with the exit code. */
export type CommandRunner = (argv: readonly string[]) => Promise<number>;

export interface SyslogWriterOptions {
  /** `logger` from util-linux; the sink is off when it is missing. */
  loggerPath?: string;
  /** Unix socket to write to instead of the system's (/dev/log); tests use their own. */
  socketPath?: string;
  /** At most this many messages a second; the rest are counted as dropped (a flood of alerts must not fork a flood of processes). */
  perSecond?: number;
  run?: CommandRunner;
}

const defaultRunner: CommandRunner = (argv) =>
  new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: 5000 }, (error) => resolve(error ? ((error as { code?: number }).code ?? 1) : 0));
  });

/**
 * Alerts to syslog (and so to journald, which reads /dev/log) through util-linux `logger`:
 * facility auth, priority by severity, tag snoopy-tui, the alert record as JSON. Arguments are
 * an argv array with an absolute path (no shell); the message is one line of JSON, so
 * attacker-controlled text cannot start a new syslog record.
 */
export class SyslogWriter {
  private readonly loggerPath: string;
  private readonly socketPath: string | null;
  private readonly perSecond: number;
  private readonly run: CommandRunner;
  private windowStart = 0;
  private sentInWindow = 0;
  readonly enabled: boolean;
  sent = 0;
  dropped = 0;
  failed = 0;

  constructor(options: SyslogWriterOptions = {}) {
    this.loggerPath = options.loggerPath ?? '/usr/bin/logger';
    this.socketPath = options.socketPath ?? null;
    this.perSecond = options.perSecond ?? 20;
    this.run = options.run ?? defaultRunner;
    this.enabled = options.run !== undefined || existsSync(this.loggerPath);
  }

  alert(alert: Alert): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.sentInWindow = 0;
    }
    if (this.sentInWindow >= this.perSecond) {
      this.dropped++;
      return;
    }
    this.sentInWindow++;
    void this.write(syslogMessage(alert), alert.severity).then((code) => {
      if (code === 0) this.sent++;
      else this.failed++;
    });
  }

  /**
   * One record at the priority of `severity`; resolves with logger's exit code. No rate limit
   * here: the notification dispatcher that calls it has its own per-channel limit and queue.
   */
  write(message: string, severity: string): Promise<number> {
    const argv = [this.loggerPath, '-t', 'snoopy-tui', '-p', `auth.${syslogLevel(severity)}`, ...(this.socketPath ? ['-u', this.socketPath] : []), '--', message];
    return this.run(argv);
  }
}

/**
 * One line: a newline in attacker text is escaped by JSON.stringify, so it cannot start a record;
 * C1 controls and bidi characters are escaped too (safeJsonStringify), for whoever reads the log
 * on a terminal.
 */
export function syslogMessage(alert: Alert): string {
  return `${alert.attack_type} from ${sanitizeLine(alert.attacker_ip, 64)}: ${safeJsonStringify(alert)}`;
}

export function syslogLevel(severity: string): string {
  switch (severity) {
    case 'critical':
      return 'crit';
    case 'high':
      return 'err';
    case 'medium':
      return 'warning';
    default:
      return 'notice';
  }
}
