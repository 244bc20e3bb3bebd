import type { StreamConsumer } from '../stream-consumer.js';

/** Characters of a line kept; the rest of a longer line is read past, not kept. */
export const MAX_LINE_CHARS = 512;

/**
 * Lines of a clear-text command protocol (FTP, POP3, IMAP, SMTP), one direction: each line
 * without its CR LF, at most MAX_LINE_CHARS long. A line cut by a gap is dropped. `stopped`
 * ends the reading (after STARTTLS the bytes are TLS) and lets the reassembler pass over them.
 */
export class LineSplitter implements StreamConsumer {
  private readonly buf = Buffer.alloc(MAX_LINE_CHARS);
  private len = 0;
  private broken = false;
  stopped = false;

  constructor(private readonly onLine: (line: string) => void) {}

  data(src: Buffer, off: number, len: number): void {
    const end = off + len;
    for (let i = off; i < end && !this.stopped; i++) {
      const b = src[i]!;
      if (b === 0x0a) {
        let n = this.len;
        if (n > 0 && this.buf[n - 1] === 0x0d) n--;
        const ok = !this.broken;
        this.len = 0;
        this.broken = false;
        if (ok) this.onLine(this.buf.toString('latin1', 0, n));
      } else if (this.len < MAX_LINE_CHARS) {
        this.buf[this.len++] = b;
      }
    }
  }

  gap(): void {
    this.len = 0;
    this.broken = true;
  }

  skippable(): number {
    return this.stopped ? Number.MAX_SAFE_INTEGER : 0;
  }

  end(): void {
    this.stopped = true;
  }
}
