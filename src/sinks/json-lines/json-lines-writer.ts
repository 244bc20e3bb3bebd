import type { Writable } from 'node:stream';
import { safeJsonStringify } from '../../text/display-sanitizer.js';

/**
 * Writes one JSON object per line. A closed pipe (`snoopy-tui --headless | head`) ends output
 * quietly instead of crashing; `closed` tells the runner to stop.
 */
export class JsonLinesWriter {
  closed = false;
  onClosed: (() => void) | null = null;

  constructor(private readonly out: Writable) {
    out.on('error', (e: NodeJS.ErrnoException) => {
      // A closed pipe (`| head`) or terminal (EIO: tmux kill-session, a dropped SSH link) ends output quietly.
      if (e.code === 'EPIPE' || e.code === 'EIO' || e.code === 'ERR_STREAM_DESTROYED') this.markClosed();
      else throw e;
    });
  }

  write(record: object): void {
    if (this.closed) return;
    // Network text in the records (HTTP paths, DNS names) may carry C1 controls: escaped, same value.
    this.out.write(`${safeJsonStringify(record)}\n`);
  }

  /** Resolves when everything written so far has been handed to the OS. */
  drain(): Promise<void> {
    if (this.closed || !this.out.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      this.out.once('drain', resolve);
      this.out.once('error', () => resolve());
    });
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed?.();
  }
}
