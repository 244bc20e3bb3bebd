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
    while (i < end) {
      const b = src[i++]!;
      if (!this.started) {
        if (b === CR || b === LF) continue;
        this.started = true;
      }
      if (b === LF) {
        if (this.lineLen === 0 || (this.lineLen === 1 && this.last === CR)) {
          this.complete = true;
          return i - off;
        }
        this.lineLen = 0;
      } else {
        this.lineLen++;
      }
      this.last = b;
      this.keep(b);
    }
    return len;
  }

  private keep(b: number): void {
    if (this.len === this.capacity && !this.grow()) {
      this.truncated = true;
      return;
    }
    this.buf![this.len++] = b;
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
