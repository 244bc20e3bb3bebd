import type { Alert } from '../model/alert.js';
import type { BlockRecord } from '../model/block-record.js';
import type { BlockEntry, HistoryEntry, UnblockEntry, UnblockReason } from '../model/history-entry.js';
import { HistoryOpenError } from './history/history-open-error.js';
import { HistoryStore } from './history/history-store.js';
import { DailyJsonLog } from './daily-log/daily-json-log.js';

export interface RunRecorderOptions {
  /** History file, or null for none (replays without --history). */
  historyFile: string | null;
  /** Directory of the daily JSON logs, or null for none. */
  logDir: string | null;
  /** One diagnostic line (warnings: quarantined history, lock held, log write failures). */
  warn(line: string): void;
}

/**
 * Everything a run keeps: alerts and blocks into the history file (lowdb, durable) and the
 * daily JSON logs. A store that cannot be opened (another instance holds the lock,
 * a read-only disk) is a warning, not a reason to stop detecting.
 */
export class RunRecorder {
  private history: HistoryStore | null = null;
  private daily: DailyJsonLog | null = null;
  /** Failed history writes (journal appends and file writes): history_write_errors. */
  historyWriteErrors = 0;
  private warnedAt = -Infinity;
  private unwarned = 0;

  private constructor(private readonly warn: (line: string) => void) {}

  /**
   * A failed write is said on stderr at once, then at most every 10 s with how many failed
   * meanwhile (a full disk fails every write): it never goes unnoticed, never floods.
   */
  private historyWriteFailed(problem: string): void {
    this.historyWriteErrors++;
    const now = Date.now();
    if (now - this.warnedAt < 10_000) {
      this.unwarned++;
      return;
    }
    const more = this.unwarned > 0 ? ` (${this.unwarned} more failed writes before this one)` : '';
    this.warnedAt = now;
    this.unwarned = 0;
    this.warn(`warning: history write failed: ${problem}${more}; alerts and blocks may not all be kept`);
  }

  static async open(options: RunRecorderOptions): Promise<RunRecorder> {
    const recorder = new RunRecorder(options.warn);
    let history: HistoryStore | null = null;
    if (options.historyFile !== null) {
      try {
        const opened = await HistoryStore.open(options.historyFile, { onWriteError: (problem) => recorder.historyWriteFailed(problem) });
        history = opened.store;
        if (opened.warning !== null) options.warn(opened.warning);
      } catch (e) {
        const why = e instanceof HistoryOpenError ? e.message : `cannot open history file ${options.historyFile}: ${(e as Error).message}`;
        options.warn(`${why}; running without a history file`);
      }
    }
    recorder.history = history;
    recorder.daily = options.logDir === null ? null : new DailyJsonLog(options.logDir, { onProblem: (line: string) => options.warn(line) });
    return recorder;
  }

  get hasHistory(): boolean {
    return this.history !== null;
  }

  /** New alerts go to both; updates replace the history entry (the daily log keeps the first line). */
  alert(alert: Alert, kind: 'new' | 'update'): void {
    this.history?.upsertAlert(alert);
    if (kind === 'new') this.daily?.logAlert(alert);
  }

  block(record: BlockRecord): void {
    const entry: BlockEntry = {
      kind: 'block',
      at: new Date(record.createdAt).toISOString(),
      address: record.address,
      reason: record.reason,
      durationSeconds: Math.round((record.expiresAt - record.createdAt) / 1000),
      action: record.action,
      network: record.network,
      port: record.port,
      ...(record.detail !== undefined ? { detail: record.detail } : {}),
      ...(record.alertId !== undefined ? { alertId: record.alertId } : {}),
      ...(record.attackType !== undefined ? { attackType: record.attackType } : {}),
      ...(record.origin !== undefined ? { origin: record.origin } : {}),
    };
    this.history?.add(entry);
    this.daily?.logBlock(entry);
    // Active blocks are what a restart reconciles the firewall with: write them now, not later.
    if (entry.action === 'blocked') this.history?.flush().catch(() => undefined);
  }

  unblock(record: BlockRecord, reason: UnblockReason): void {
    const entry: UnblockEntry = { kind: 'unblock', at: new Date().toISOString(), address: record.address, reason, network: record.network, port: record.port };
    this.history?.add(entry);
    this.daily?.logBlock(entry);
    this.history?.flush().catch(() => undefined);
  }

  /** Every history entry (archives included), oldest first; null when there is no history file. */
  async allEntries(): Promise<HistoryEntry[] | null> {
    if (this.history === null) return null;
    await this.history.flush();
    return this.history.readAll();
  }

  /** The newest `limit` entries of the history file and its archives, oldest first. */
  async recent(limit: number): Promise<HistoryEntry[]> {
    if (this.history === null) return [];
    await this.history.flush();
    const all = await this.history.readAll();
    return all.slice(Math.max(0, all.length - limit));
  }

  /** Writes what the history holds now (a failure is counted, not thrown). */
  async flushHistory(): Promise<void> {
    await this.history?.flush().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.history?.close(), this.daily?.close()]);
  }
}
