import type { LogSource, SourceLine } from '../../platform/logs/log-source.js';
import type { AuthBruteForceDetector } from '../detectors/auth-log/auth-brute-force-detector.js';
import type { SuspiciousCommandDetector } from '../detectors/auth-log/suspicious-command-detector.js';
import { parseAuthEvent } from './auth-events.js';
import { parseLogLine, type LogLine } from './log-line.js';

/**
 * Auth-log lines → parsed events → the detectors. Counts what it read so the stats can say
 * whether the log is being seen at all.
 */
export class AuthLogMonitor {
  lines = 0;
  failures = 0;
  commands = 0;

  constructor(
    readonly source: LogSource,
    private readonly bruteForce: AuthBruteForceDetector,
    private readonly suspiciousCommands: SuspiciousCommandDetector,
    private readonly nowMicros: () => number = () => Date.now() * 1000,
  ) {}

  /** Resolves once a finite source (a replay's log) was read; a followed file keeps going. */
  start(): Promise<void> {
    return this.source.start((line) => this.onLine(line));
  }

  stop(): void {
    this.source.stop();
  }

  onLine(line: SourceLine): void {
    this.lines++;
    const parsed: LogLine =
      line.program !== undefined
        ? { timeMicros: line.timeMicros ?? this.nowMicros(), program: line.program, pid: line.pid ?? null, message: line.text }
        : parseLogLine(line.text, this.nowMicros());
    const ev = parseAuthEvent(parsed);
    if (ev === null) return;
    if (ev.kind === 'failure') {
      this.failures++;
      this.bruteForce.onFailure(ev, parsed.timeMicros);
    } else {
      this.commands++;
      this.suspiciousCommands.onCommand(ev, parsed.timeMicros);
    }
  }
}
