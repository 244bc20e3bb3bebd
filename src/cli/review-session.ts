import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import type { Alert } from '../model/alert.js';
import type { BlockRecord } from '../model/block-record.js';
import type { HistoryEntry } from '../model/history-entry.js';
import { historyBlockState } from '../response/history-blocks.js';
import { defaultHistoryPath, readHistoryFiles } from '../store/index.js';
import { runUnblock } from './run-unblock.js';

/** The history file of a review cannot be read: one line, and the review does not start. */
export class ReviewOpenError extends Error {
  override readonly name = 'ReviewOpenError';
}

/** What a review shows: the alerts, the blocks still in force, and what reading the file left out. */
export interface ReviewContents {
  alerts: Alert[];
  blocks: BlockRecord[];
  warning: string | null;
}

/**
 * `--review`: the terminal UI over a history file alone. Reads through the store's read-only
 * view (no lock: a running snoopy-tui may own the file and keeps writing it), re-read when the
 * file changes. Nothing is captured or blocked; `u` lifts a block as `--unblock` does, which
 * needs root.
 */
export class ReviewSession {
  readonly path: string;
  private entries: HistoryEntry[] = [];
  private mtimeMs = -1;
  private size = -1;

  constructor(private readonly config: RunConfig) {
    this.path = resolve(config.historyFile ?? defaultHistoryPath());
  }

  /** Reads the file when it changed since the last read; null when it did not. Throws ReviewOpenError on the first read. */
  async reload(): Promise<ReviewContents | null> {
    const first = this.mtimeMs < 0;
    let info;
    try {
      info = await stat(this.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      if (first) throw new ReviewOpenError(`cannot review ${this.path}: ${why}`);
      return null;
    }
    if (!info.isFile()) {
      if (first) throw new ReviewOpenError(`cannot review ${this.path}: not a file`);
      return null;
    }
    if (!first && info.mtimeMs === this.mtimeMs && info.size === this.size) return null;
    const read = await readHistoryFiles(this.path);
    if (first && read.warning !== null && read.warning.includes('is unreadable')) throw new ReviewOpenError(`cannot review: ${read.warning}`);
    this.mtimeMs = info.mtimeMs;
    this.size = info.size;
    this.entries = [...read.archived, ...read.entries];
    const alerts: Alert[] = [];
    for (const e of this.entries) if (e.kind === 'alert') alerts.push(e.alert);
    return { alerts, blocks: this.activeBlocks(), warning: read.warning };
  }

  /** The blocks the history holds in force now. */
  activeBlocks(nowMs = Date.now()): BlockRecord[] {
    const state = historyBlockState(this.entries, nowMs);
    return [...state.active.values()].map((b) => ({
      address: b.address,
      network: b.network,
      port: b.port,
      reason: b.reason,
      createdAt: b.createdAt,
      expiresAt: b.expiresAt,
      action: 'blocked' as const,
      offense: state.offenses.get(b.address) ?? 1,
      firewall: 'none' as const,
      ...(b.alertId !== undefined ? { alertId: b.alertId } : {}),
      ...(b.attackType !== undefined ? { attackType: b.attackType } : {}),
    }));
  }

  history(limit: number): { available: boolean; entries: HistoryEntry[] } {
    return { available: true, entries: this.entries.slice(Math.max(0, this.entries.length - limit)) };
  }

  /** Lifts the block of `address` in the firewall and records it, as `--unblock` does. */
  async unblock(address: string): Promise<BlockRecord> {
    if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error('unblocking changes the firewall: review as root (sudo snoopy-tui --review) to lift blocks');
    const block = this.activeBlocks().find((b) => b.address === address);
    const errors: string[] = [];
    const code = await runUnblock(this.config, [address], { out: () => undefined, err: (line) => errors.push(line.replace(/^snoopy-tui: /, '')) });
    if (code !== 0) throw new Error(errors[0] ?? `unblock of ${address} failed`);
    await this.reload();
    const now = Date.now();
    return block ?? { address, network: address, port: null, reason: 'manual', createdAt: now, expiresAt: now, action: 'blocked', offense: 1, firewall: 'none' };
  }
}
