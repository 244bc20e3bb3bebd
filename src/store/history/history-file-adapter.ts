import { readFile, stat } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { writeFileDurably } from '../durable-write.js';
import { HISTORY_FORMAT_VERSION, parseHistoryText, serializeHistory, type HistoryFileData } from './history-entry.js';
import { type HistoryEntry } from '../../model/history-entry.js';

/** Writes a whole file's text durably; injectable so tests can count and fail writes. */
export type TextWriter = (path: string, text: string) => Promise<void>;

export const durableTextWriter: TextWriter = (path, text) => writeFileDurably(path, text);

/**
 * Beyond this the file cannot be a history we wrote (50,000 entries are ~30 MB) and V8 could not
 * hold it as one string anyway: it is treated as corrupt and kept aside rather than read.
 */
export const MAX_HISTORY_FILE_BYTES = 256 * 1024 * 1024;

/** The whole file is unusable (bad JSON, wrong shape, unknown version, far too large). */
export class CorruptHistoryError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'CorruptHistoryError';
  }
}

export function emptyHistory(): HistoryFileData {
  return { version: HISTORY_FORMAT_VERSION, entries: [] };
}

/**
 * lowdb adapter for one history (or archive) file. `read` validates: a broken file throws
 * CorruptHistoryError, invalid entries are dropped and counted in `lastDropped`. `write` goes
 * through the durable writer (unique temp file, fsync, rename, fsync of the directory).
 */
export class HistoryFileAdapter implements Adapter<HistoryFileData> {
  /** Entries dropped by the last read because they failed validation. */
  lastDropped = 0;
  /** Whether the last read found the file (false: missing, the default data stands). */
  lastFound = false;

  constructor(
    readonly path: string,
    private readonly writer: TextWriter = durableTextWriter,
    private readonly cache?: WeakMap<HistoryEntry, string>,
  ) {}

  async read(): Promise<HistoryFileData | null> {
    this.lastDropped = 0;
    this.lastFound = false;
    let size: number;
    try {
      const st = await stat(this.path);
      if (!st.isFile()) throw Object.assign(new Error(`${this.path} is not a regular file`), { code: 'EISDIR' });
      size = st.size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    if (size > MAX_HISTORY_FILE_BYTES) throw new CorruptHistoryError(this.path, `${size} bytes, larger than any history we write`);
    const text = await readFile(this.path, 'utf8');
    const parsed = parseHistoryText(text);
    if (!parsed.ok) throw new CorruptHistoryError(this.path, parsed.problem);
    this.lastDropped = parsed.dropped;
    this.lastFound = true;
    return { version: HISTORY_FORMAT_VERSION, entries: parsed.entries };
  }

  write(data: HistoryFileData): Promise<void> {
    // Serialised synchronously here, so later changes in memory go to the next write.
    const text = serializeHistory(data.entries, this.cache);
    return this.writer(this.path, text);
  }
}
