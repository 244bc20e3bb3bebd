import { constants as fsConstants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alert } from '../../model/alert.js';
import type { BlockEntry, HistoryEntry, UnblockEntry } from '../../model/history-entry.js';
import { safeJsonStringify } from '../../text/display-sanitizer.js';
import { alertEventLine, attacksFileName, blockedFileName, blockEventLine, utcDate } from './log-lines.js';

/**
 * Appends one batch of text to a file; injectable so tests can fill the disk. An error thrown
 * after some bytes reached the file carries `partial: true`.
 */
export type AppendText = (path: string, text: string) => Promise<void>;

/** O_APPEND (each batch lands at the end even if logrotate or another writer moved it), created 0640. */
export const appendWithOAppend: AppendText = async (path, text) => {
  const fh = await open(path, fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o640);
  try {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    try {
      while (off < buf.length) {
        const { bytesWritten } = await fh.write(buf, off, buf.length - off);
        off += bytesWritten;
      }
    } catch (e) {
      if (off > 0 && e instanceof Error) Object.assign(e, { partial: true });
      throw e;
    }
  } finally {
    await fh.close();
  }
};

/** Lines pending past which a write starts at once. */
const FLUSH_AT_LINES = 50;

export interface DailyJsonLogOptions {
  /** Lines are batched and appended at most this often (ms). Default 250. */
  flushMs?: number;
  /** Lines waiting for a write; past this new lines are dropped and counted. Default 10,000. */
  maxPendingLines?: number;
  /** Called with one line when writing starts failing (once per run of failures). */
  onProblem?: (line: string) => void;
  append?: AppendText;
  now?: () => Date;
}

export interface DailyJsonLogStatus {
  linesWritten: number;
  /** Lines lost to a failed write (disk full, permissions …). */
  linesFailed: number;
  /** Lines dropped because too many were waiting. */
  linesDropped: number;
  /** The one-line description of the current failure, null while writes succeed. */
  problem: string | null;
}

/**
 * The daily logs in `--log-dir`: `attacks_YYYY-MM-DD.json` (alerts, by the alert's own
 * UTC date) and `blocked_ports_YYYY-MM-DD.json` (blocks and unblocks), one JSON object per line.
 * Never throws into the engine: failures are counted and reported as one line.
 * Each alert call appends a line; an alert updated three times gives three lines (the history
 * file keeps only the latest version).
 */
export class DailyJsonLog {
  private readonly pending = new Map<string, string[]>();
  private pendingLines = 0;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private dirReady = false;
  /** Files whose last write failed part-way: the next batch starts a fresh line. */
  private readonly torn = new Set<string>();
  private readonly flushMs: number;
  private readonly maxPendingLines: number;
  private readonly append: AppendText;
  private readonly now: () => Date;
  private readonly onProblem: ((line: string) => void) | undefined;
  private closed = false;
  private readonly counters: DailyJsonLogStatus = { linesWritten: 0, linesFailed: 0, linesDropped: 0, problem: null };

  constructor(
    readonly logDir: string,
    options: DailyJsonLogOptions = {},
  ) {
    this.flushMs = Math.max(0, options.flushMs ?? 250);
    this.maxPendingLines = Math.max(1, options.maxPendingLines ?? 10_000);
    this.append = options.append ?? appendWithOAppend;
    this.now = options.now ?? (() => new Date());
    this.onProblem = options.onProblem;
  }

  logAlert(alert: Alert): void {
    this.enqueue(attacksFileName(utcDate(alert.timestamp, this.now)), alertEventLine(alert));
  }

  logBlock(entry: BlockEntry | UnblockEntry): void {
    this.enqueue(blockedFileName(utcDate(entry.at, this.now)), blockEventLine(entry));
  }

  /** Routes a history entry to its daily file. */
  log(entry: HistoryEntry): void {
    if (entry.kind === 'alert') this.logAlert(entry.alert);
    else this.logBlock(entry);
  }

  private enqueue(file: string, value: unknown): void {
    if (this.closed) return;
    if (this.pendingLines >= this.maxPendingLines) {
      this.counters.linesDropped++;
      return;
    }
    let line: string;
    try {
      line = safeJsonStringify(value);
    } catch (e) {
      this.fail(1, e);
      return;
    }
    let lines = this.pending.get(file);
    if (!lines) this.pending.set(file, (lines = []));
    lines.push(line);
    this.pendingLines++;
    // A burst is written at once past 50 lines: a kill -9 loses at most 50 lines or flushMs.
    if (this.pendingLines >= FLUSH_AT_LINES) {
      void this.flush();
      return;
    }
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Appends everything pending now. Never rejects. */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.chain = this.chain.then(() => this.writePending());
    return this.chain;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  status(): DailyJsonLogStatus {
    return { ...this.counters };
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batches = [...this.pending];
    this.pending.clear();
    this.pendingLines = 0;
    for (const [file, lines] of batches) {
      const path = join(this.logDir, file);
      try {
        if (!this.dirReady) {
          await mkdir(this.logDir, { recursive: true, mode: 0o750 });
          this.dirReady = true;
        }
        const text = `${this.torn.has(path) ? '\n' : ''}${lines.join('\n')}\n`;
        await this.append(path, text);
        this.torn.delete(path);
        this.counters.linesWritten += lines.length;
        this.counters.problem = null;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') this.dirReady = false; // the directory went away
        if ((e as { partial?: unknown }).partial === true) this.torn.add(path);
        this.fail(lines.length, e, path);
      }
    }
  }

  private fail(lines: number, e: unknown, path?: string): void {
    this.counters.linesFailed += lines;
    if (this.counters.problem !== null) return;
    const err = e as NodeJS.ErrnoException;
    const why = (err?.message ?? String(e)).split('\n')[0];
    this.counters.problem = `daily JSON log ${path ?? this.logDir}: ${why}; ${lines} line${lines === 1 ? '' : 's'} not written (counting further failures)`;
    try {
      this.onProblem?.(this.counters.problem);
    } catch {
      // the reporter's failure is not ours to raise
    }
  }
}
