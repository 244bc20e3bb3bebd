import { spawnStream, type StreamSpawner, type StreamingProcess } from '../exec/spawn-stream.js';
import { LineSplitter } from './line-splitter.js';
import type { LogSource, SourceLine } from './log-source.js';

export const JOURNALCTL = '/usr/bin/journalctl';

/**
 * Auth messages from journald, for hosts without /var/log/auth.log or /var/log/secure:
 * `journalctl -f -n 0 -o json` for the auth and authpriv facilities, one JSON object per entry,
 * so time, program and pid come as fields and nothing has to be parsed out of a header.
 */
export class JournalSource implements LogSource {
  readonly description = 'journald (auth, authpriv)';
  private proc: StreamingProcess | null = null;
  private splitter: LineSplitter | null = null;
  private malformed = 0;

  constructor(
    private readonly onWarning: (line: string) => void,
    private readonly spawner: StreamSpawner = spawnStream,
  ) {}

  async start(onLine: (line: SourceLine) => void): Promise<void> {
    this.splitter = new LineSplitter((text) => {
      const line = journalEntry(text);
      if (line === null) this.malformed++;
      else onLine(line);
    }, 256 * 1024);
    let stderr = '';
    this.proc = this.spawner([JOURNALCTL, '-f', '-n', '0', '-o', 'json', 'SYSLOG_FACILITY=4', 'SYSLOG_FACILITY=10'], {
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

/** One `journalctl -o json` line; MESSAGE may be an array of bytes when it is not UTF-8. */
export function journalEntry(text: string): SourceLine | null {
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
  const pid = Number(e._PID ?? e.SYSLOG_PID);
  return {
    text: message,
    ...(Number.isFinite(micros) && micros > 0 ? { timeMicros: micros } : {}),
    program: typeof e.SYSLOG_IDENTIFIER === 'string' ? e.SYSLOG_IDENTIFIER : null,
    pid: Number.isInteger(pid) ? pid : null,
  };
}
