import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { tempPathFor } from '../durable-write.js';
import { HistoryOpenError, LockHeldError } from './history-open-error.js';

export { LockHeldError };

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return mayBeUs(pid);
}

/**
 * Pids are reused: a live pid whose command line (Linux /proc) names neither node nor
 * snoopy-tui is some other program, so the lock is stale. Where /proc cannot tell, assume it is us.
 */
function mayBeUs(pid: number): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return true;
  }
  return cmdline === '' || /node|snoopy/i.test(cmdline);
}

interface LockContent {
  pid: number;
  boot: string;
}

function parseLock(text: string): LockContent | null {
  const [pidLine, bootLine] = text.split('\n');
  if (pidLine === undefined || !/^\d{1,10}$/.test(pidLine)) return null;
  const pid = Number(pidLine);
  return pid > 0 ? { pid, boot: (bootLine ?? '').trim() } : null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * An exclusive lock file holding `<pid>\n<boot id>\n`, created atomically with its content
 * (written to a temp file and hard-linked into place: link fails if the name exists). A lock
 * left by a dead process is stale and taken over; so is one whose pid was reused: recorded in
 * an earlier boot, or now running a program that is not node / snoopy-tui.
 */
export class LockFile {
  private released = false;

  private constructor(
    readonly path: string,
    private readonly content: string,
  ) {}

  static async acquire(path: string): Promise<LockFile> {
    const content = `${process.pid}\n${bootId()}\n`;
    const myBoot = content.split('\n')[1] ?? '';
    const takeover = `${path}.takeover`;
    for (let attempt = 0; attempt < 300; attempt++) {
      if (await createExclusive(path, content)) return new LockFile(path, content);
      const text = await readLock(path);
      if (text === null) continue; // released meanwhile
      const held = parseLock(text);
      if (held === null && attempt < 3) {
        // Only the fallback (no hard links) creates an empty lock before writing it: wait a moment.
        await sleep(30);
        continue;
      }
      if (held !== null && isAlive(held.pid) && (held.boot === '' || myBoot === '' || held.boot === myBoot)) {
        throw new LockHeldError(path, held.pid);
      }
      // Stale. Only the holder of `<lock>.takeover` may remove a stale lock, and only after
      // checking it is still the one judged stale, so two processes starting at once can never
      // remove each other's fresh lock.
      if (!(await createExclusive(takeover, content))) {
        await removeIfOlderThan(takeover, 10_000); // its holder died mid-takeover
        await sleep(5 + Math.random() * 20);
        continue;
      }
      try {
        if ((await readLock(path)) === text) await unlink(path).catch(() => undefined);
      } finally {
        await unlink(takeover).catch(() => undefined);
      }
    }
    throw new HistoryOpenError(`cannot take the lock ${path}: it keeps changing (another snoopy-tui starting?)`);
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const text = await readFile(this.path, 'utf8').catch(() => null);
    if (text === this.content) await unlink(this.path).catch(() => undefined);
  }

  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    try {
      if (readFileSync(this.path, 'utf8') === this.content) unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}

async function readLock(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new HistoryOpenError(`cannot read lock file ${path}: ${(e as Error).message}`);
  }
}

async function removeIfOlderThan(path: string, ms: number): Promise<void> {
  try {
    if (Date.now() - (await stat(path)).mtimeMs > ms) await unlink(path);
  } catch {
    // gone already
  }
}

/** Creates `path` with `content` unless it exists; false when it exists. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = tempPathFor(path);
  try {
    const fh = await open(temp, 'wx', 0o644);
    try {
      await fh.writeFile(content);
    } finally {
      await fh.close();
    }
    try {
      await link(temp, path);
      return true;
    } catch (e) {
      const c = (e as NodeJS.ErrnoException).code;
      if (c === 'EEXIST') return false;
      if (c !== 'EPERM' && c !== 'ENOTSUP' && c !== 'EOPNOTSUPP' && c !== 'ENOSYS') throw e;
    }
  } catch (e) {
    throw new HistoryOpenError(`cannot create lock file ${path}: ${(e as Error).message}`);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  // File systems without hard links: O_EXCL create, then write.
  try {
    const fh = await open(path, 'wx', 0o644);
    try {
      await fh.writeFile(content);
    } finally {
      await fh.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new HistoryOpenError(`cannot create lock file ${path}: ${(e as Error).message}`);
  }
}
