import { closeSync, constants as fsConstants, existsSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Low } from 'lowdb';
import type { Alert } from '../../model/alert.js';
import { writeFileDurablySync } from '../durable-write.js';
import { archiveName, compactStamp, sortArchiveNames } from './archive-names.js';
import { isHistoryEntry, serializeHistory, type HistoryFileData } from './history-entry.js';
import { type AlertEntry, type HistoryEntry } from '../../model/history-entry.js';
import { CorruptHistoryError, durableTextWriter, emptyHistory, HistoryFileAdapter, type TextWriter } from './history-file-adapter.js';
import { HistoryOpenError } from './history-open-error.js';
import { LockFile } from './lock-file.js';

export { HistoryOpenError };

export interface HistoryStoreOptions {
  /** Entries kept in the current file; past this the oldest half goes to an archive. Default 50,000. */
  maxEntries?: number;
  /** Writes happen at most this often (ms); adds in between share one write. Default 500. */
  debounceMs?: number;
  /** Where rotated archives go. Default: the history file's directory. */
  archiveDir?: string;
  /** Archives kept; older ones are deleted, oldest first. Default 20. */
  maxArchives?: number;
  /** Clock for archive and quarantine names. */
  now?: () => Date;
  /** Whole-file durable writer; tests wrap it to count or fail writes. */
  writer?: TextWriter;
  /** On process exit, write what is pending synchronously and release the lock. Default true. */
  flushOnExit?: boolean;
  /**
   * Keep `<file>.journal`: every change appended (one JSON line, synchronously) the moment it
   * is made, replayed at the next open and emptied by each full write. A `kill -9` then loses
   * nothing that was recorded. Default true.
   */
  journal?: boolean;
  /** Each failed write (journal append or file write), with why: the run says so. */
  onWriteError?: (problem: string) => void;
}

export interface HistoryStatus {
  /** Completed writes of the current file. */
  writes: number;
  /** Failed write attempts (each is retried at the next tick). */
  writeFailures: number;
  lastWriteError: string | null;
  /** Entries moved into archives since open. */
  rotated: number;
  /** Archives deleted because there were more than maxArchives. */
  archivesDeleted: number;
  /** Entries add() refused because they failed validation (a bug upstream; they would not load). */
  rejected: number;
  /** Rotated entries dropped because archives could not be written for too long. */
  lost: number;
  /** Archive files readArchives() found unreadable, and invalid entries it skipped in them. */
  archiveProblems: number;
  /** Journal appends that failed (disk full …); the change is still in memory and in the next full write. */
  journalFailures: number;
  /** Entries recovered from the journal at open (changes a killed run made after its last full write). */
  journalReplayed: number;
}

const DEFAULT_MAX_ENTRIES = 50_000;
const DEFAULT_DEBOUNCE_MS = 500;
const DEFAULT_MAX_ARCHIVES = 20;

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/**
 * The history file: every alert (an updated alert replaces its entry), block
 * decision and unblock, kept with lowdb in `{ "version": 1, "entries": [...] }`.
 *
 * - Changes are in memory at once and written at most every `debounceMs`, each write durable
 *   (unique temp file, fsync, rename, fsync of the directory); a `kill -9` leaves the old or the
 *   new complete file.
 * - Bounded: past `maxEntries` the oldest half is written to a dated archive first, then dropped
 *   from the current file; archives beyond `maxArchives` are deleted oldest first.
 * - A corrupt file is moved aside (`<file>.corrupt-<time>`), never deleted; a file with some
 *   invalid entries loads without them, and a byte-for-byte copy of it is kept the same way.
 * - One process at a time: `<file>.lock` holds the owner's pid.
 */
export class HistoryStore {
  private readonly alertIndex = new Map<string, AlertEntry>();
  /** Rotated chunks not yet written to their archive, oldest first. */
  private readonly pendingArchives: HistoryEntry[][] = [];
  private readonly db: Low<HistoryFileData>;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private lastWriteMs = 0;
  private lastWriteFailed = false;
  private readonly exitHandler: (() => void) | null;
  private readonly counters: HistoryStatus = {
    writes: 0,
    writeFailures: 0,
    lastWriteError: null,
    rotated: 0,
    archivesDeleted: 0,
    rejected: 0,
    lost: 0,
    archiveProblems: 0,
    journalFailures: 0,
    journalReplayed: 0,
  };
  private readonly journalPath: string;
  private journalFd: number | null = null;
  /** Bytes appended to the journal since it was last emptied. */
  private journalBytes = 0;
  /** The last append stopped part-way: the next one starts a fresh line. */
  private journalTorn = false;
  private readonly journalOn: boolean;
  private readonly onWriteError: ((problem: string) => void) | undefined;

  private constructor(
    readonly path: string,
    readonly archiveDir: string,
    private readonly lock: LockFile,
    private readonly adapter: HistoryFileAdapter,
    /** Each entry's JSON, shared with the adapter so unchanged entries are not re-stringified. */
    private readonly cache: WeakMap<HistoryEntry, string>,
    private readonly writer: TextWriter,
    private readonly maxEntries: number,
    private readonly debounceMs: number,
    private readonly maxArchives: number,
    private readonly now: () => Date,
    flushOnExit: boolean,
    journal: boolean,
    onWriteError: ((problem: string) => void) | undefined,
  ) {
    this.db = new Low<HistoryFileData>(adapter, emptyHistory());
    this.exitHandler = flushOnExit ? () => this.onExit() : null;
    this.journalPath = `${path}.journal`;
    this.journalOn = journal;
    this.onWriteError = onWriteError;
  }

  static async open(path: string, options: HistoryStoreOptions = {}): Promise<{ store: HistoryStore; warning: string | null }> {
    const file = resolve(path);
    const dir = dirname(file);
    const archiveDir = resolve(options.archiveDir ?? dir);
    const maxEntries = Math.max(2, Math.floor(options.maxEntries ?? DEFAULT_MAX_ENTRIES));
    const now = options.now ?? (() => new Date());
    const writer = options.writer ?? durableTextWriter;
    for (const d of new Set([dir, archiveDir])) {
      try {
        await mkdir(d, { recursive: true, mode: 0o700 });
      } catch (e) {
        throw new HistoryOpenError(`cannot create history directory ${d}: ${message(e)}`);
      }
    }
    const lock = await LockFile.acquire(`${file}.lock`);
    try {
      await removeStaleTempFiles(file, dir);
      if (archiveDir !== dir) await removeStaleTempFiles(file, archiveDir);
      const cache = new WeakMap<HistoryEntry, string>();
      const adapter = new HistoryFileAdapter(file, writer, cache);
      const store = new HistoryStore(
        file,
        archiveDir,
        lock,
        adapter,
        cache,
        writer,
        maxEntries,
        Math.max(0, options.debounceMs ?? DEFAULT_DEBOUNCE_MS),
        Math.max(1, Math.floor(options.maxArchives ?? DEFAULT_MAX_ARCHIVES)),
        now,
        options.flushOnExit ?? true,
        options.journal ?? true,
        options.onWriteError,
      );
      const warning = await store.load();
      store.openJournal();
      if (store.exitHandler) process.on('exit', store.exitHandler);
      return { store, warning };
    } catch (e) {
      await lock.release();
      if (e instanceof HistoryOpenError) throw e;
      throw new HistoryOpenError(`cannot open history file ${file}: ${message(e)}`);
    }
  }

  /** Reads the file into memory; returns the warning line, if any. */
  private async load(): Promise<string | null> {
    let warning: string | null = null;
    let found = true;
    try {
      await this.db.read();
      found = this.adapter.lastFound;
      if (this.adapter.lastDropped > 0) {
        const kept = await this.keepAside('copy');
        const n = this.adapter.lastDropped;
        warning = `history file ${this.path}: ${n} invalid ${n === 1 ? 'entry' : 'entries'} dropped; the original is kept as ${kept}`;
        this.dirty = true;
      }
    } catch (e) {
      if (!(e instanceof CorruptHistoryError)) throw e;
      const kept = await this.keepAside('move');
      warning = `history file ${this.path} was corrupt (${e.problem}); kept as ${kept}, started a new one`;
      this.db.data = emptyHistory();
      found = false;
    }
    if (!found) this.dirty = true;
    await this.finishInterruptedRotation();
    this.reindex();
    const replayed = this.replayJournal();
    if (replayed > 0) {
      this.counters.journalReplayed = replayed;
      this.dirty = true;
      const note = `history file ${this.path}: ${replayed} ${replayed === 1 ? 'change' : 'changes'} recovered from ${this.journalPath} (the last run ended before writing ${replayed === 1 ? 'it' : 'them'})`;
      warning = warning === null ? note : `${warning}; ${note}`;
    }
    this.rotateIfNeeded();
    if (this.dirty || this.pendingArchives.length > 0) {
      try {
        await this.enqueueWrite();
      } catch (e) {
        throw new HistoryOpenError(`cannot write history file ${this.path}: ${message(e)}`);
      }
    }
    return warning;
  }

  /**
   * Rotation writes the archive, then the current file without the archived head. A crash
   * between the two leaves the head in both; the newest archive then equals the head of the
   * current file entry for entry, and the head is dropped here.
   */
  private async finishInterruptedRotation(): Promise<void> {
    const entries = this.db.data.entries;
    if (entries.length === 0) return;
    const newest = (await this.archiveNames().catch(() => [] as string[])).at(-1);
    if (newest === undefined) return;
    const archived = await new HistoryFileAdapter(newest).read().catch(() => null);
    const n = archived ? archivedHeadLength(archived.entries, entries) : 0;
    if (n > 0) {
      entries.splice(0, n);
      this.dirty = true;
    }
  }

  private async exists(p: string): Promise<boolean> {
    try {
      await lstat(p);
      return true;
    } catch {
      return false;
    }
  }

  /** Moves (corrupt file) or copies (file with dropped entries) the file to `<file>.corrupt-<time>`. */
  private async keepAside(how: 'move' | 'copy'): Promise<string> {
    const stamp = `${compactStamp(this.now())}Z`;
    for (let seq = 0; seq < 1000; seq++) {
      const target = `${this.path}.corrupt-${stamp}${seq > 0 ? `-${seq}` : ''}`;
      if (await this.exists(target)) continue;
      if (how === 'copy') await copyFile(this.path, target, fsConstants.COPYFILE_EXCL);
      else await rename(this.path, target);
      return target;
    }
    throw new Error(`too many ${this.path}.corrupt-${stamp}* files`);
  }

  /**
   * Applies the journal's entries (validated like the file's) on top of what the file holds:
   * an alert replaces its entry by id; a block or unblock is added unless the file already has
   * that very entry (the run was killed after a full write, before the journal was emptied).
   */
  private replayJournal(): number {
    if (!this.journalOn) return 0;
    let text: string;
    try {
      text = readFileSync(this.journalPath, 'utf8');
    } catch {
      return 0;
    }
    const entries = this.db.data.entries;
    const known = new Set<string>();
    for (const e of entries) if (e.kind !== 'alert') known.add(JSON.stringify(e));
    let n = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // a line torn by a full disk or a kill mid-write
      }
      if (!isHistoryEntry(entry)) continue;
      if (entry.kind === 'alert') {
        const existing = this.alertIndex.get(entry.alert.id);
        if (existing !== undefined && JSON.stringify(existing.alert) === JSON.stringify(entry.alert)) continue;
        if (existing !== undefined) existing.alert = entry.alert;
        else {
          const added: AlertEntry = { kind: 'alert', alert: entry.alert };
          this.alertIndex.set(entry.alert.id, added);
          entries.push(added);
        }
      } else {
        const key = JSON.stringify(entry);
        if (known.has(key)) continue;
        known.add(key);
        entries.push(entry);
      }
      n++;
    }
    return n;
  }

  private openJournal(): void {
    if (!this.journalOn) return;
    try {
      this.journalFd = openSync(this.journalPath, fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
      // What it held was replayed and written with the file at open.
      ftruncateSync(this.journalFd, 0);
      this.journalBytes = 0;
    } catch (e) {
      this.journalFd = null;
      this.writeFailed(`cannot open history journal ${this.journalPath}: ${message(e)}`);
    }
  }

  /** Appends one change to the journal now (write(2): it survives a kill -9 of this process). */
  private journal(entry: HistoryEntry): void {
    if (this.journalFd === null) return;
    const buf = Buffer.from(`${this.journalTorn ? '\n' : ''}${JSON.stringify(entry)}\n`, 'utf8');
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(this.journalFd, buf, off, buf.length - off);
      this.journalTorn = false;
    } catch (e) {
      this.journalTorn = off > 0 || this.journalTorn;
      this.counters.journalFailures++;
      this.writeFailed(`history journal ${this.journalPath}: ${message(e)}`);
    } finally {
      this.journalBytes += off;
    }
  }

  /** After a full write that holds the journal's first `mark` bytes: drop them from it. */
  private trimJournal(mark: number): void {
    if (this.journalFd === null || mark === 0) return;
    try {
      if (this.journalBytes === mark) {
        ftruncateSync(this.journalFd, 0);
        this.journalBytes = 0;
        return;
      }
      // Changes came in while the file was written: keep those, atomically.
      const tail = readFileSync(this.journalPath).subarray(mark);
      writeFileDurablySync(this.journalPath + '.new', tail);
      renameSync(this.journalPath + '.new', this.journalPath);
      closeSync(this.journalFd);
      this.journalFd = openSync(this.journalPath, fsConstants.O_WRONLY | fsConstants.O_APPEND, 0o600);
      this.journalBytes = tail.length;
    } catch (e) {
      this.writeFailed(`history journal ${this.journalPath}: ${message(e)}`);
    }
  }

  private writeFailed(problem: string): void {
    this.counters.lastWriteError = problem;
    this.onWriteError?.(problem);
  }

  /** Index alerts by id; if a file somehow holds one id twice, the later version wins. */
  private reindex(): void {
    const entries = this.db.data.entries;
    this.alertIndex.clear();
    let duplicates = false;
    for (const e of entries) {
      if (e.kind !== 'alert') continue;
      if (this.alertIndex.has(e.alert.id)) duplicates = true;
      this.alertIndex.set(e.alert.id, e);
    }
    if (duplicates) {
      this.db.data.entries = entries.filter((e) => e.kind !== 'alert' || this.alertIndex.get(e.alert.id) === e);
      this.dirty = true;
    }
  }

  /** Adds an entry (an alert with a known id replaces that entry). In memory at once, written debounced. */
  add(entry: HistoryEntry): void {
    if (this.closed) throw new Error('history store is closed');
    if (!isHistoryEntry(entry)) {
      this.counters.rejected++;
      return;
    }
    if (entry.kind === 'alert') {
      this.upsert(entry.alert);
      return;
    }
    const copy = { ...entry };
    this.db.data.entries.push(copy);
    this.journal(copy);
    this.changed();
  }

  /** Records an alert, replacing the entry of the same id if there is one. */
  upsertAlert(alert: Alert): void {
    if (this.closed) throw new Error('history store is closed');
    const entry: HistoryEntry = { kind: 'alert', alert };
    if (!isHistoryEntry(entry)) {
      this.counters.rejected++;
      return;
    }
    this.upsert(alert);
  }

  private upsert(alert: Alert): void {
    // A copy: the engine may keep updating its own object; the store changes only on upsert.
    const copy: Alert = { ...alert, attack_details: { ...alert.attack_details } };
    const existing = this.alertIndex.get(alert.id);
    let entry: AlertEntry;
    if (existing) {
      existing.alert = copy;
      this.cache.delete(existing);
      entry = existing;
    } else {
      entry = { kind: 'alert', alert: copy };
      this.alertIndex.set(alert.id, entry);
      this.db.data.entries.push(entry);
    }
    this.journal(entry);
    this.changed();
  }

  private changed(): void {
    this.rotateIfNeeded();
    this.dirty = true;
    this.schedule();
  }

  private rotateIfNeeded(): void {
    const entries = this.db.data.entries;
    if (entries.length <= this.maxEntries) return;
    const n = entries.length - Math.floor(this.maxEntries / 2);
    const chunk = entries.splice(0, n);
    for (const e of chunk) {
      if (e.kind === 'alert' && this.alertIndex.get(e.alert.id) === e) this.alertIndex.delete(e.alert.id);
    }
    this.pendingArchives.push(chunk);
    this.counters.rotated += n;
    this.dirty = true;
    // Bounded even when archives cannot be written (disk full): then keep at most maxEntries
    // pending. While writes succeed, a burst between two writes is kept whole.
    if (!this.lastWriteFailed) return;
    let pending = this.pendingArchives.reduce((s, c) => s + c.length, 0);
    while (pending > this.maxEntries && this.pendingArchives.length > 1) {
      const dropped = this.pendingArchives.shift()!;
      pending -= dropped.length;
      this.counters.lost += dropped.length;
    }
  }

  private schedule(): void {
    if (this.timer !== null || this.closed) return;
    // At most every debounceMs, and never more than ~20% of the time spent writing big files
    // (the journal holds every change meanwhile), capped so the file is never long behind.
    const delay = Math.min(Math.max(this.debounceMs, this.lastWriteMs * 4), 10_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.enqueueWrite().catch(() => {
        // Counted in status(); retried at the next tick while there is something to write.
        if (this.dirty || this.pendingArchives.length > 0) this.schedule();
      });
    }, delay);
    this.timer.unref();
  }

  /** Writes are serialised: each waits for the one before. */
  private enqueueWrite(): Promise<void> {
    return this.queued(() => this.writeIfDirty());
  }

  private async writeIfDirty(): Promise<void> {
    if (!this.dirty && this.pendingArchives.length === 0) return;
    const started = Date.now();
    this.dirty = false;
    // Everything journalled so far is in memory, so in the file this write makes.
    const journalled = this.journalBytes;
    try {
      // Archives first: the current file drops rotated entries only once they are safe elsewhere.
      // All chunks rotated since the last write go to one archive.
      if (this.pendingArchives.length > 0) {
        const taken = new Set(this.pendingArchives);
        await this.writer(await this.nextArchivePath(), serializeHistory(this.pendingArchives.flat()));
        for (let i = this.pendingArchives.length - 1; i >= 0; i--) {
          if (taken.has(this.pendingArchives[i]!)) this.pendingArchives.splice(i, 1);
        }
        await this.pruneArchives();
      }
      await this.db.write();
      this.counters.writes++;
      this.lastWriteFailed = false;
      this.trimJournal(journalled);
    } catch (e) {
      this.lastWriteFailed = true;
      this.dirty = true;
      this.counters.writeFailures++;
      this.writeFailed(`cannot write history file ${this.path}: ${message(e)}`);
      throw e;
    } finally {
      this.lastWriteMs = Date.now() - started;
    }
  }

  private async nextArchivePath(): Promise<string> {
    const at = this.now();
    for (let seq = 0; ; seq++) {
      const p = join(this.archiveDir, archiveName(this.path, at, seq));
      if (!(await this.exists(p))) return p;
    }
  }

  private async archiveNames(): Promise<string[]> {
    return sortArchiveNames(this.path, await readdir(this.archiveDir)).map((a) => join(this.archiveDir, a.name));
  }

  private async pruneArchives(): Promise<void> {
    const names = await this.archiveNames();
    for (let i = 0; i < names.length - this.maxArchives; i++) {
      await unlink(names[i]!).catch(() => undefined);
      this.counters.archivesDeleted++;
    }
  }

  /** The current file's entries, oldest first (a copy). */
  entries(): readonly HistoryEntry[] {
    return this.db.data.entries.slice();
  }

  /** Rotated entries, oldest first: archive files, then chunks rotated but not yet written. */
  readArchives(): Promise<HistoryEntry[]> {
    return this.queued(() => this.readArchivesNow(false));
  }

  /** Runs `fn` in the write queue, so no write moves a chunk from memory to a file meanwhile. */
  private queued<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  private async readArchivesNow(withCurrent: boolean): Promise<HistoryEntry[]> {
    const out: HistoryEntry[] = [];
    for (const p of await this.archiveNames()) {
      const adapter = new HistoryFileAdapter(p);
      try {
        const data = await adapter.read();
        if (data) for (const e of data.entries) out.push(e);
        this.counters.archiveProblems += adapter.lastDropped;
      } catch {
        this.counters.archiveProblems++;
      }
    }
    // Pending chunks and (for readAll) the current entries in one synchronous step: an add()
    // that rotates cannot make entries fall between the two.
    for (const chunk of this.pendingArchives) for (const e of chunk) out.push(e);
    if (withCurrent) for (const e of this.db.data.entries) out.push(e);
    return out;
  }

  /** Archives then the current file, with each alert once (its latest version). */
  readAll(): Promise<HistoryEntry[]> {
    return this.queued(async () => latestVersions(await this.readArchivesNow(true)));
  }

  status(): HistoryStatus {
    return { ...this.counters };
  }

  /** Writes what is pending now (and waits for a write in progress). Throws if the write fails. */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.enqueueWrite();
  }

  /** Flushes, then releases the lock. Further adds throw. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      if (this.exitHandler) process.removeListener('exit', this.exitHandler);
      this.closeJournal();
      await this.lock.release();
    }
  }

  private closeJournal(): void {
    if (this.journalFd === null) return;
    try {
      closeSync(this.journalFd);
    } catch {
      // closed already
    }
    this.journalFd = null;
  }

  /** Last chance at exit without close(): write synchronously what is pending, release the lock. */
  private onExit(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      for (const chunk of this.pendingArchives) {
        let seq = 0;
        const at = this.now();
        let p = join(this.archiveDir, archiveName(this.path, at, seq));
        while (existsSyncSafe(p)) p = join(this.archiveDir, archiveName(this.path, at, ++seq));
        writeFileDurablySync(p, serializeHistory(chunk));
      }
      if (this.dirty || this.pendingArchives.length > 0) writeFileDurablySync(this.path, serializeHistory(this.db.data.entries, this.cache));
      if (this.journalFd !== null) ftruncateSync(this.journalFd, 0);
    } catch {
      // nothing more can be done at exit; the last durable write (and the journal) stand
    }
    this.closeJournal();
    this.lock.releaseSync();
  }
}

function existsSyncSafe(p: string): boolean {
  try {
    return existsSync(p);
  } catch {
    return false;
  }
}

/**
 * How many entries at the head of `current` (the file on disk) are already in the newest
 * archive. Rotation writes the archive (the head of the entries in memory, which starts with
 * the file's head) and then the file without it; a crash in between leaves the head in both.
 * The overlap must cover the shorter of the two exactly, else it is not that case and 0 is
 * returned (an alert updated in between can defeat the match: then an entry shows twice,
 * and readAll() keeps one version of each alert anyway; nothing is lost either way).
 */
export function archivedHeadLength(archived: readonly HistoryEntry[], current: readonly HistoryEntry[]): number {
  const n = Math.min(archived.length, current.length);
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(archived[i]) !== JSON.stringify(current[i])) return 0;
  }
  return n;
}

/**
 * Read-only access for reports (`--analyze`, `--geolocate`) while an engine may be running: no
 * lock, no writes, no quarantine. Every write is an atomic rename, so the files read are always
 * complete. Alerts appear once, in their latest version.
 */
export async function readHistoryFiles(
  path: string,
  options: { archiveDir?: string } = {},
): Promise<{ entries: HistoryEntry[]; archived: HistoryEntry[]; warning: string | null }> {
  const file = resolve(path);
  const archiveDir = resolve(options.archiveDir ?? dirname(file));
  const problems: string[] = [];
  let entries: HistoryEntry[] = [];
  const current = new HistoryFileAdapter(file);
  try {
    entries = (await current.read())?.entries ?? [];
    if (current.lastDropped > 0) problems.push(`${current.lastDropped} invalid entries skipped in ${file}`);
  } catch (e) {
    problems.push(`history file ${file} is unreadable (${e instanceof CorruptHistoryError ? e.problem : message(e)})`);
  }
  const archived: HistoryEntry[] = [];
  let names: string[] = [];
  try {
    names = sortArchiveNames(file, await readdir(archiveDir)).map((a) => join(archiveDir, a.name));
  } catch {
    // no archive directory: no archives
  }
  let newest: HistoryEntry[] = [];
  for (const p of names) {
    const a = new HistoryFileAdapter(p);
    try {
      newest = (await a.read())?.entries ?? [];
      for (const e of newest) archived.push(e);
      if (a.lastDropped > 0) problems.push(`${a.lastDropped} invalid entries skipped in ${p}`);
    } catch (e) {
      newest = [];
      problems.push(`archive ${p} is unreadable (${e instanceof CorruptHistoryError ? e.problem : message(e)})`);
    }
  }
  entries = entries.slice(archivedHeadLength(newest, entries));
  const all = latestVersions([...archived, ...entries]);
  const keep = new Set(all);
  return {
    entries: entries.filter((e) => keep.has(e)),
    archived: archived.filter((e) => keep.has(e)),
    warning: problems.length > 0 ? problems.join('; ') : null,
  };
}

/** Keeps each alert id once, at the position of its last (latest) version. */
export function latestVersions(entries: readonly HistoryEntry[]): HistoryEntry[] {
  const last = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.kind === 'alert') last.set(e.alert.id, i);
  });
  return entries.filter((e, i) => e.kind !== 'alert' || last.get(e.alert.id) === i);
}

/**
 * Temp files of earlier writers that died mid-write (kill -9 between create and rename). We hold
 * the lock, so no live writer owns a temp of the history file or its archives; a lock's temp
 * file belongs to a process starting right now unless its pid is dead.
 */
async function removeStaleTempFiles(file: string, dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const base = basename(file);
  for (const name of names) {
    const m = /^\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    if (!m) continue;
    const inner = m[1]!;
    const ours = inner === base || sortArchiveNames(file, [inner]).length === 1;
    const deadLock = inner.startsWith(`${base}.lock`) && !pidAlive(Number(m[2]));
    if (ours || deadLock) await unlink(join(dir, name)).catch(() => undefined);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
