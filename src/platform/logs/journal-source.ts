import { spawnStream, type StreamSpawner, type StreamingProcess } from '../exec/spawn-stream.js';
import { LineSplitter } from './line-splitter.js';
import type { LogSource, SourceLine } from './log-source.js';

export const JOURNALCTL = '/usr/bin/journalctl';

/**
 * Auth messages from journald, for hosts without /var/log/auth.log or /var/log/secure:
 * `journalctl -f -n 0 -o json` for the auth, authpriv and ftp facilities, one JSON object per
 * entry, so time, program and pid come as fields set by journald (see trustedProgram) and
 * nothing has to be parsed out of a header.
 */
export class JournalSource implements LogSource {
  readonly description = 'journald (auth, authpriv, ftp)';
  private proc: StreamingProcess | null = null;
  private splitter: LineSplitter | null = null;
  private malformed = 0;
  /** Entries that claimed a watched daemon's name without journald's proof (read as no daemon's). */
  untrusted = 0;

  constructor(
    private readonly onWarning: (line: string) => void,
    private readonly spawner: StreamSpawner = spawnStream,
  ) {}

  async start(onLine: (line: SourceLine) => void): Promise<void> {
    this.splitter = new LineSplitter((text) => {
      const line = journalEntry(text);
      if (line === null) this.malformed++;
      else {
        if (line.untrusted) this.untrusted++;
        onLine(line);
      }
    }, 256 * 1024);
    let stderr = '';
    this.proc = this.spawner([JOURNALCTL, '-f', '-n', '0', '-o', 'json', 'SYSLOG_FACILITY=4', 'SYSLOG_FACILITY=10', 'SYSLOG_FACILITY=11'], {
      onStdout: (chunk) => this.splitter!.push(chunk),
      onStderr: (text) => {
        if (stderr.length < 1000) stderr += text;
      },
    });
    void this.proc.ended.then((end) => {
      if (end.signal === 'SIGTERM') return;
      const why = end.error ?? (stderr.trim().split('\n')[0] || `exited with ${end.code}`);
      this.onWarning(`auth log from journald: ${why}; detection from it stopped`);
    });
  }

  stop(): void {
    this.proc?.stop();
  }

  stats(): { lines: number; oversized: number; rotations: number; truncations: number } {
    return { lines: this.splitter?.lines ?? 0, oversized: this.splitter?.oversizedLines ?? 0, rotations: 0, truncations: 0 };
  }
}

/** Watched programs whose journal entries must prove they come from the daemon itself. */
const SSHD_COMMS = new Set(['sshd', 'sshd-session', 'sshd-auth']);
const FTP_UNITS: Record<string, RegExp> = {
  vsftpd: /^vsftpd(?:@[^/]*)?\.service$/,
  proftpd: /^proftpd(?:@[^/]*)?\.service$/,
  'pure-ftpd': /^pure-ftpd(?:-[\w-]+)?(?:@[^/]*)?\.service$/,
};

/**
 * The program an entry is read as. journald sets `_COMM`, `_UID` and `_SYSTEMD_UNIT` itself from
 * the sending process (the kernel's credentials, the cgroup); `SYSLOG_IDENTIFIER` is whatever
 * the sender wrote (`logger -t sshd` by any user), so it is never used. sshd logs only from
 * root processes (its unprivileged pre-auth child logs through the root monitor) and sudo runs
 * as root: their entries need `_UID=0`; an FTP daemon's need `_UID=0` or the daemon's own
 * service unit. An entry that names a watched program without that proof is `untrusted`.
 */
export function trustedProgram(e: Record<string, unknown>): { program: string; untrusted: boolean } {
  const comm = typeof e._COMM === 'string' ? e._COMM : '';
  const root = e._UID === '0' || e._UID === 0;
  const unit = typeof e._SYSTEMD_UNIT === 'string' ? e._SYSTEMD_UNIT : '';
  let trusted = true;
  if (SSHD_COMMS.has(comm) || comm === 'sudo') trusted = root;
  else if (FTP_UNITS[comm] !== undefined) trusted = root || FTP_UNITS[comm]!.test(unit);
  // A daemon's name claimed only by the sender's identifier, or an unproven daemon process.
  const claimed = typeof e.SYSLOG_IDENTIFIER === 'string' && (SSHD_COMMS.has(e.SYSLOG_IDENTIFIER) || e.SYSLOG_IDENTIFIER === 'sudo' || FTP_UNITS[e.SYSLOG_IDENTIFIER] !== undefined);
  if (!trusted) return { program: '', untrusted: true };
  return { program: comm, untrusted: claimed && comm !== e.SYSLOG_IDENTIFIER };
}

/** One `journalctl -o json` line; MESSAGE may be an array of bytes when it is not UTF-8. */
export function journalEntry(text: string): (SourceLine & { untrusted: boolean }) | null {
  let e: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
    e = v as Record<string, unknown>;
  } catch {
    return null;
  }
  let message = e.MESSAGE;
  if (Array.isArray(message)) message = new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(message.filter((b): b is number => typeof b === 'number')));
  if (typeof message !== 'string') return null;
  const micros = Number(e.__REALTIME_TIMESTAMP);
  const pid = Number(e._PID);
  const { program, untrusted } = trustedProgram(e);
  return {
    text: message,
    ...(Number.isFinite(micros) && micros > 0 ? { timeMicros: micros } : {}),
    program,
    pid: Number.isInteger(pid) && pid > 0 ? pid : null,
    untrusted,
  };
}
