import { open, stat, type FileHandle } from 'node:fs/promises';
import { LineSplitter } from './line-splitter.js';
import type { LogSource, SourceLine } from './log-source.js';

export interface FileFollowerOptions {
  /** Follow (live, like `tail -F`, from the end) or read once from the start (replays). */
  mode: 'follow' | 'read-once';
  pollMs?: number;
  maxLineBytes?: number;
  /** One line per problem (missing, unreadable); repeated only after the file was fine again. */
  onWarning: (line: string) => void;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * Follows a log file from its end, like `tail -F`: polls (inotify misses files on some mounts and
 * a poll every quarter second is cheap), reopens the path when the file was rotated by rename
 * (after draining the old one), starts over when it was truncated in place (copytruncate), and
 * waits for a missing file to appear. Lines are bounded (LineSplitter).
 */
export class FileFollower implements LogSource {
  readonly description: string;
  private fh: FileHandle | null = null;
  private ino = -1;
  private position = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private warned = false;
  private firstOpen = true;
  private splitter: LineSplitter | null = null;
  private readonly buf = Buffer.alloc(CHUNK_BYTES);
  private polling: Promise<void> | null = null;
  rotations = 0;
  truncations = 0;

  constructor(
    readonly path: string,
    private readonly options: FileFollowerOptions,
  ) {
    this.description = path;
  }

  async start(onLine: (line: SourceLine) => void): Promise<void> {
    this.splitter = new LineSplitter((text) => onLine({ text }), this.options.maxLineBytes);
    if (this.options.mode === 'read-once') {
      await this.poll();
      this.splitter.flush();
      await this.close();
      return;
    }
    await this.poll();
    this.timer = setInterval(() => {
      if (this.polling === null) this.polling = this.poll().finally(() => (this.polling = null));
    }, this.options.pollMs ?? 250);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    void (this.polling ?? Promise.resolve()).then(() => this.close());
  }

  stats(): { lines: number; oversized: number; rotations: number; truncations: number } {
    return { lines: this.splitter?.lines ?? 0, oversized: this.splitter?.oversizedLines ?? 0, rotations: this.rotations, truncations: this.truncations };
  }

  /** One round: open if needed, read what is new, notice rotation and truncation. */
  async poll(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.fh === null && !(await this.openPath())) return;
      const st = await this.fh!.stat();
      if (st.size < this.position) {
        // Truncated in place (copytruncate): the new content starts at 0.
        this.truncations++;
        this.splitter!.reset();
        this.position = 0;
      }
      await this.drain();
      if (this.options.mode === 'read-once') return;
      let current;
      try {
        current = await stat(this.path);
      } catch {
        return; // renamed away and not yet recreated: keep the old file open until it is
      }
      if (current.ino !== this.ino) {
        // Rotated by rename: the old file is complete (drained above); the new one is read from 0.
        await this.drain();
        this.splitter!.flush();
        await this.close();
        this.rotations++;
        await this.openPath();
        await this.drain();
      }
    } catch (e) {
      this.warn(`auth log ${this.path}: ${describe(e)}; detection from it paused until it is readable`);
      await this.close();
    }
  }

  private async openPath(): Promise<boolean> {
    try {
      this.fh = await open(this.path, 'r');
    } catch (e) {
      this.firstOpen = false;
      this.warn(`auth log ${this.path}: ${describe(e)}; ${this.options.mode === 'follow' ? 'waiting for it' : 'not read'}`);
      return false;
    }
    const st = await this.fh.stat();
    if (!st.isFile()) {
      await this.close();
      this.warn(`auth log ${this.path}: not a regular file`);
      return false;
    }
    this.ino = st.ino;
    // Live: only what is written from now on (like tail -F). A file that appears later, or
    // the new file after a rotation, is read from its start.
    this.position = this.firstOpen && this.options.mode === 'follow' ? st.size : 0;
    this.firstOpen = false;
    this.warned = false;
    return true;
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.fh === null) return;
      const { bytesRead } = await this.fh.read(this.buf, 0, this.buf.length, this.position);
      if (bytesRead === 0) return;
      this.position += bytesRead;
      this.splitter!.push(this.buf.subarray(0, bytesRead));
      if (this.stopped) return;
    }
  }

  private async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close().catch(() => undefined);
  }

  private warn(line: string): void {
    if (this.warned) return;
    this.warned = true;
    this.options.onWarning(line);
  }
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (run as root or add the user to group adm)';
  if (code === 'EISDIR') return 'is a directory';
  return (e as Error).message;
}
