/**
 * Cuts a byte stream into text lines with a bound on line length: a longer line is passed on cut
 * to `maxLineBytes` (and counted), the rest of it skipped, so a 1 MB line costs one counted event
 * and never a 1 MB buffer. Invalid UTF-8 becomes U+FFFD; a trailing CR is dropped.
 */
export class LineSplitter {
  private readonly pending: Buffer;
  private pendingLen = 0;
  /** Inside an over-long line: bytes until the next newline are skipped. */
  private skipping = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  /** Lines longer than the bound (each passed on cut). */
  oversizedLines = 0;
  lines = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    readonly maxLineBytes = 64 * 1024,
  ) {
    this.pending = Buffer.alloc(maxLineBytes);
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.skipping) this.append(chunk, start, end);
      if (nl < 0) return;
      if (this.skipping) this.skipping = false;
      else this.emit();
      start = nl + 1;
    }
  }

  /** Passes on a last line without newline (the end of a rotated file), if any. */
  flush(): void {
    if (this.pendingLen > 0 && !this.skipping) this.emit();
    this.reset();
  }

  /** Forgets a partial line (the file was truncated under it). */
  reset(): void {
    this.pendingLen = 0;
    this.skipping = false;
  }

  private append(chunk: Buffer, start: number, end: number): void {
    const room = this.pending.length - this.pendingLen;
    const n = end - start;
    if (n <= room) {
      chunk.copy(this.pending, this.pendingLen, start, end);
      this.pendingLen += n;
      return;
    }
    chunk.copy(this.pending, this.pendingLen, start, start + room);
    this.pendingLen += room;
    this.oversizedLines++;
    this.emit();
    this.skipping = true;
  }

  private emit(): void {
    let len = this.pendingLen;
    if (len > 0 && this.pending[len - 1] === 0x0d) len--;
    this.pendingLen = 0;
    this.lines++;
    this.onLine(this.decoder.decode(this.pending.subarray(0, len)));
  }
}
