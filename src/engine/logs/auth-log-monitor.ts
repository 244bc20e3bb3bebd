import type { LogSource, SourceLine } from '../../platform/logs/log-source.js';
import type { AuthBruteForceDetector } from '../detectors/auth-log/auth-brute-force-detector.js';
import type { SuspiciousCommandDetector } from '../detectors/auth-log/suspicious-command-detector.js';
import type { AuthFailure, FailureFacts } from './auth-event.js';
import { MAX_MESSAGE_CHARS, parseAuthEvent } from './auth-events.js';
import { ConnectionTable } from './connection-table.js';
import { normalizeMessage, parseLogLine, type LogLine } from './log-line.js';

/**
 * Auth-log lines → parsed events → the detectors. Keeps what each daemon process (one
 * connection) said, so that a line without an address ("Disconnecting: Too many authentication
 * failures") is counted for the client its earlier lines named, and a line whose client text
 * makes the address ambiguous is settled by that client or not counted. Counts what it read so
 * the stats can say whether the log is being seen at all, and what it could not use.
 */
export class AuthLogMonitor {
  lines = 0;
  failures = 0;
  commands = 0;
  /** Lines longer than any auth daemon writes. */
  oversized = 0;
  /** Failures whose address client-chosen text made ambiguous, with no known client to settle it. */
  ambiguous = 0;
  /** Failures without an address from a process whose client no line named. */
  unplaced = 0;
  private readonly connections = new ConnectionTable();

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

  /** Connections forgotten to stay within the table's bound. */
  get evictedConnections(): number {
    return this.connections.evicted;
  }

  onLine(line: SourceLine): void {
    this.lines++;
    const parsed: LogLine =
      line.program !== undefined
        ? { timeMicros: line.timeMicros ?? this.nowMicros(), program: line.program, pid: line.pid ?? null, message: normalizeMessage(line.text) }
        : parseLogLine(line.text, this.nowMicros());
    if (parsed.message.length > MAX_MESSAGE_CHARS) {
      this.oversized++;
      return;
    }
    const ev = parseAuthEvent(parsed);
    if (ev === null) return;
    const ts = parsed.timeMicros;
    // One daemon process is one connection (sshd, proftpd and vsftpd fork one per client).
    const key = parsed.pid !== null && parsed.program !== null && parsed.program !== '' ? `${parsed.program}[${parsed.pid}]` : null;
    switch (ev.kind) {
      case 'command':
        this.commands++;
        this.suspiciousCommands.onCommand(ev, ts);
        return;
      case 'failure':
        this.place(key, ev.source, ev.port, ts);
        this.emit({ ...ev, connection: key }, ts);
        return;
      case 'peer':
        this.place(key, ev.source, ev.port, ts);
        return;
      case 'accepted':
        // A success ends what the connection was waiting for; its address is known.
        if (key !== null) this.connections.touch(key).pending = [];
        this.place(key, ev.source, ev.port, ts);
        return;
      case 'unplaced': {
        const c = key === null ? undefined : this.connections.get(key);
        if (c !== undefined && c.peer !== null) this.emitFacts(ev.failure, c.peer, c.port, key, ts);
        else if (key !== null) this.connections.hold(key, ev.failure);
        else this.unplaced++;
        return;
      }
      case 'ambiguous': {
        const c = key === null ? undefined : this.connections.get(key);
        const known = c?.peer == null ? undefined : ev.candidates.find((x) => x.source === c.peer);
        if (known !== undefined) this.emitFacts(ev.failure, known.source, known.port ?? c!.port, key, ts);
        else this.ambiguous++;
        return;
      }
    }
  }

  /** Records the client a line named for its connection; failures that waited for it count now. */
  private place(key: string | null, source: string, port: number | null, ts: number): void {
    if (key === null) return;
    for (const f of this.connections.place(key, source, port)) this.emitFacts(f, source, port, key, ts);
  }

  private emitFacts(f: FailureFacts, source: string, port: number | null, connection: string | null, ts: number): void {
    this.emit({ kind: 'failure', ...f, source, port, connection }, ts);
  }

  private emit(ev: AuthFailure, ts: number): void {
    this.failures++;
    this.bruteForce.onFailure(ev, ts);
  }
}
