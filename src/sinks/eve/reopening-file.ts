import { closeSync, fstatSync, openSync, write as fdWrite } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Bytes waiting for the disk before new lines are dropped (counted) instead. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

/**
 * An append-only line file that follows log rotation: reopened on SIGHUP and, checked every
 * second, when the path no longer names the file we hold (moved away or deleted), so
 * logrotate works with or without a postrotate signal. Writes are queued in order and never
 * waited for; a full queue drops lines and counts them.
 */
export class ReopeningFile {
  dropped = 0;
  private fd: number;
  private ino = 0;
  private readonly pending: string[] = [];
  private pendingBytes = 0;
  private writing = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onHup = () => this.reopen();
  private closed = false;
  private failing = false;

  /** Opens (creates) the file now: a bad path is one error at start. */
  constructor(
    private readonly path: string,
    private readonly warn: (line: string) => void,
  ) {
    this.fd = this.open();
    this.timer = setInterval(() => void this.checkMoved(), 1000);
    this.timer.unref();
    process.on('SIGHUP', this.onHup);
  }

  write(line: string): void {
    if (this.closed) return;
    if (this.pendingBytes + line.length > MAX_PENDING_BYTES) {
      this.dropped++;
      return;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    this.pump();
  }

  /** Closes the file we hold and opens the path again (a new file after rotation). */
  reopen(): void {
    if (this.closed) return;
    try {
      const fd = this.open();
      const old = this.fd;
      this.fd = fd;
      // A write in flight keeps the old descriptor until it lands.
      if (!this.writing) closeSync(old);
      else this.closeLater = old;
      if (this.failing) this.warn(`eve: writing ${this.path} again`);
      this.failing = false;
    } catch (e) {
      this.problem(`cannot reopen ${this.path}: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    process.removeListener('SIGHUP', this.onHup);
    const deadline = Date.now() + 2000;
    while ((this.writing || this.pending.length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private closeLater: number | null = null;

  private open(): number {
    const fd = openSync(this.path, 'a', 0o640);
    this.ino = fstatSync(fd).ino;
    return fd;
  }

  private async checkMoved(): Promise<void> {
    if (this.closed) return;
    let ino: number | null;
    try {
      ino = (await stat(this.path)).ino;
    } catch {
      ino = null;
    }
    if (ino !== this.ino) this.reopen();
  }

  /** One write at a time, in order; the batch is everything queued so far. */
  private pump(): void {
    if (this.writing || this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending.join(''), 'utf8');
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.writing = true;
    const fd = this.fd;
    const done = (e: NodeJS.ErrnoException | null, written: number, rest: Buffer) => {
      if (e === null && written < rest.length) return fdWrite(fd, rest, written, rest.length - written, null, (e2, w2) => done(e2, w2, rest.subarray(written)));
      this.writing = false;
      if (this.closeLater !== null) {
        closeSync(this.closeLater);
        this.closeLater = null;
      }
      if (e !== null) this.problem(`writing ${this.path} failed: ${e.message}`);
      this.pump();
    };
    fdWrite(fd, chunk, 0, chunk.length, null, (e, w) => done(e, w, chunk));
  }

  private problem(why: string): void {
    if (!this.failing) this.warn(`eve: ${why}`);
    this.failing = true;
  }
}
