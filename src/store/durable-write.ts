import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Durable replacement of a whole file: write a temp file with a unique name in the same
 * directory, fsync it, rename it over the target, fsync the directory. A crash (kill -9, power
 * loss) at any moment leaves either the old or the new complete file, never a mix or a torn one.
 *
 * Why not lowdb's own JSONFile: its writer (steno 4) writes a fixed temp name `.<file>.tmp`
 * (two writers collide), never fsyncs the temp file (after a power cut the rename can be on disk
 * while the data is not: an empty or partial file) and never fsyncs the directory (the rename
 * itself can be lost).
 */

/** A unique temp name next to `path`: `.<name>.<pid>.<random>.tmp`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Errors some platforms and file systems give for fsync on a directory; the rename is still done. */
const DIR_FSYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP', 'EACCES']);

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

export interface DurableWriteOptions {
  /** File mode of a newly written file (default 0o600: the history names addresses and processes). */
  mode?: number;
}

export async function writeFileDurably(path: string, data: string | Uint8Array, options: DurableWriteOptions = {}): Promise<void> {
  const temp = tempPathFor(path);
  let renamed = false;
  try {
    const fh = await open(temp, 'wx', options.mode ?? 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, path);
    renamed = true;
    await syncDirectory(dirname(path));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (e) {
    if (!DIR_FSYNC_UNSUPPORTED.has(code(e) ?? '')) throw e;
  } finally {
    await fh?.close();
  }
}

/** The same, synchronously: for the last write in a process 'exit' handler. */
export function writeFileDurablySync(path: string, data: string | Uint8Array, options: DurableWriteOptions = {}): void {
  const temp = tempPathFor(path);
  let renamed = false;
  try {
    const fd = openSync(temp, 'wx', options.mode ?? 0o600);
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    renamed = true;
    syncDirectorySync(dirname(path));
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // the temp file was never created, or is already gone
      }
    }
  }
}

export function syncDirectorySync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    if (!DIR_FSYNC_UNSUPPORTED.has(code(e) ?? '')) throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
