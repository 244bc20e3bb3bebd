import type { ByteBudget } from '../byte-budget.js';

const CR = 0x0d;
const LF = 0x0a;
const FIRST_CAPACITY = 1024;

/**
 * The head of one HTTP message (start line and header lines up to the blank line), gathered
 * across segments. Blank lines before the start line are skipped, as servers do. Bytes past
 * `max` are not kept (the head is marked truncated) but still scanned for the blank line, so the
 * message that follows is found. Memory grows by doubling and is charged to the budget.
 */
export class HeadBuffer {
  buf: Buffer | null = null;
  len = 0;
  truncated = false;
  complete = false;
  /** Bytes since the last LF, and the byte before the current position. */
  private lineLen = 0;
  private last = 0;
  private started = false;
  private capacity = 0;

  constructor(
    private readonly max: number,
    private readonly budget: ByteBudget,
    private readonly owner: unknown,
  ) {}

  /** Nothing of a head has arrived yet (blank lines before it do not count). */
  get empty(): boolean {
    return !this.started;
  }

  /**
   * Scans src[off, off + len) for the end of the head, keeping its bytes. Returns the number of
   * bytes consumed: all of them, or up to and including the LF of the blank line (then `complete`).
   */
  feed(src: Buffer, off: number, len: number): number {
    const end = off + len;
    let i = off;
    if (!this.started) {
      while (i < end && (src[i] === CR || src[i] === LF)) i++;
      if (i === end) return len;
      this.started = true;
    }
    while (i < end) {
      // One line (or the rest of this piece of it) at a time: found by indexOf, kept by copy.
      const nl = src.indexOf(LF, i);
      const lineEnd = nl < 0 || nl >= end ? end : nl;
      const n = lineEnd - i;
      if (n > 0) {
        this.keep(src, i, n);
        this.lineLen += n;
        this.last = src[lineEnd - 1]!;
      }
      if (lineEnd === end) return len;
      if (this.lineLen === 0 || (this.lineLen === 1 && this.last === CR)) {
        this.complete = true;
        return lineEnd + 1 - off;
      }
      this.lineLen = 0;
      this.last = LF;
      this.keep(src, lineEnd, 1);
      i = lineEnd + 1;
    }
    return len;
  }

  /** Keeps src[start, start + n) as far as the head may grow; the rest marks it truncated. */
  private keep(src: Buffer, start: number, n: number): void {
    while (n > 0) {
      if (this.len === this.capacity && !this.grow()) {
        this.truncated = true;
        return;
      }
      const k = Math.min(n, this.capacity - this.len);
      const buf = this.buf!;
      // Header lines are short: a plain loop beats Buffer#copy's call overhead below ~64 bytes.
      if (k < 64) for (let j = 0; j < k; j++) buf[this.len + j] = src[start + j]!;
      else src.copy(buf, this.len, start, start + k);
      this.len += k;
      start += k;
      n -= k;
    }
  }

  private grow(): boolean {
    if (this.capacity >= this.max) return false;
    const next = Math.min(this.max, this.capacity === 0 ? FIRST_CAPACITY : this.capacity * 2);
    if (!this.budget.take(next - this.capacity, this.owner)) return false;
    const buf = Buffer.allocUnsafe(next);
    if (this.buf !== null) this.buf.copy(buf, 0, 0, this.len);
    this.buf = buf;
    this.capacity = next;
    return true;
  }

  /** Ready for the next message; the memory is kept for it. */
  reset(): void {
    this.len = 0;
    this.truncated = false;
    this.complete = false;
    this.lineLen = 0;
    this.last = 0;
    this.started = false;
  }

  /** Gives the memory back to the budget. */
  release(): void {
    this.reset();
    if (this.capacity > 0) this.budget.give(this.capacity);
    this.buf = null;
    this.capacity = 0;
  }
}
