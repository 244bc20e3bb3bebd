import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Alert } from '../model/alert.js';
import { readHistoryFiles } from '../store/index.js';
import { type BlockEntry, type UnblockEntry } from '../model/history-entry.js';

/** What the reports read: every alert (latest version), block and unblock, archives first. */
export interface ReportHistory {
  /** Absolute path of the history file. */
  path: string;
  /** False when there is no history file (and no archive held anything). */
  found: boolean;
  alerts: Alert[];
  blocks: BlockEntry[];
  unblocks: UnblockEntry[];
  /** Problems that did not stop the report: invalid entries skipped, an unreadable archive. */
  warnings: string[];
}

/** The history file itself cannot be read (corrupt, not a file, no permission): the report stops. */
export class ReportHistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportHistoryError';
  }
}

/**
 * Reads the history file and its archives through the store's read-only view: no lock, no writes,
 * no quarantine (an engine may be running and owns the file). A missing file is an empty history;
 * an unreadable or corrupt current file is an error; trouble in archives is a warning.
 */
export async function loadReportHistory(historyFile: string): Promise<ReportHistory> {
  const path = resolve(historyFile);
  let exists = true;
  try {
    await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') exists = false;
    else throw new ReportHistoryError(`cannot read history file ${path}: ${firstLine(e)}`);
  }
  let read: Awaited<ReturnType<typeof readHistoryFiles>>;
  try {
    read = await readHistoryFiles(path);
  } catch (e) {
    throw new ReportHistoryError(`cannot read history file ${path}: ${firstLine(e)}`);
  }
  const warnings: string[] = [];
  if (read.warning !== null) {
    // readHistoryFiles joins its problems with '; '; one about the current file stops the report.
    const currentProblem = `history file ${path} is unreadable`;
    for (const part of splitProblems(read.warning)) {
      if (part.startsWith(currentProblem)) throw new ReportHistoryError(part);
      warnings.push(part);
    }
  }
  const alerts: Alert[] = [];
  const blocks: BlockEntry[] = [];
  const unblocks: UnblockEntry[] = [];
  for (const e of [...read.archived, ...read.entries]) {
    if (e.kind === 'alert') alerts.push(e.alert);
    else if (e.kind === 'block') blocks.push(e);
    else unblocks.push(e);
  }
  return { path, found: exists || alerts.length + blocks.length + unblocks.length > 0, alerts, blocks, unblocks, warnings };
}

/** Splits '; '-joined problems, keeping a '; ' inside a parenthesised detail with its problem. */
function splitProblems(warning: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < warning.length; i++) {
    const c = warning[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0 && warning[i + 1] === ' ') {
      out.push(warning.slice(start, i));
      start = i + 2;
    }
  }
  out.push(warning.slice(start));
  return out.filter((p) => p !== '');
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}
