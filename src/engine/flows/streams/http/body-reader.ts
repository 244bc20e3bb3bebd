import type { ByteBudget } from '../byte-budget.js';

export const BodyFraming = {
  NONE: 0,
  LENGTH: 1,
  CHUNKED: 2,
  /** Until the connection closes (responses without a length). */
  UNTIL_CLOSE: 3,
} as const;

const CHUNK_SIZE = 0;
const CHUNK_DATA = 1;
const CHUNK_DATA_END = 2;
const TRAILER = 3;

/** Longest chunk-size or trailer line read (chunk extensions included); longer breaks the framing. */
const MAX_CHUNK_LINE = 1024;
/** Chunk sizes above this are not HTTP any server would accept. */
const MAX_CHUNK_SIZE = 2 ** 40;

/**
 * The body of one HTTP message, framed by Content-Length or chunked transfer coding: it finds
 * where the body ends and keeps its first `keepMax` decoded bytes (chunk framing removed).
 * Bytes past that are not needed, so `skippable()` lets the reassembler pass over them without
 * holding anything.
 */
export class BodyReader {
  framing: number = BodyFraming.NONE;
  /** The body ended (its last byte or the last chunk's trailer was read). */
  done = true;
  /** The framing could not be followed (a gap or a malformed chunk line): where the body ends is unknown. */
  broken = false;
  /** Part of the body was never seen (lost in the capture). */
  incomplete = false;
  /** Decoded body bytes seen (kept or not). */
  seen = 0;
  kept: Buffer | null = null;
  keptLen = 0;
  private keptCapacity = 0;
  private remaining = 0;
  private chunkState = CHUNK_SIZE;
  private lineLen = 0;
  private lineHex = 0;
  private lineHexDigits = 0;
  private lineHexEnded = false;
  private lineBlank = true;

  constructor(
    private readonly keepMax: number,
    private readonly budget: ByteBudget,
    private readonly owner: unknown,
  ) {}

  begin(framing: number, length: number): void {
    this.framing = framing;
    this.done = framing === BodyFraming.NONE || (framing === BodyFraming.LENGTH && length === 0);
    this.broken = false;
    this.incomplete = false;
    this.seen = 0;
    this.keptLen = 0;
    this.remaining = framing === BodyFraming.LENGTH ? length : 0;
    this.chunkState = CHUNK_SIZE;
    this.startLine();
  }

  /** Bytes from the current position that are body bytes past the kept part. */
  skippable(): number {
    if (this.done || this.broken) return 0;
    if (this.framing === BodyFraming.UNTIL_CLOSE) return this.keptLen >= this.keepMax ? Number.MAX_SAFE_INTEGER : 0;
    if (this.framing === BodyFraming.LENGTH || (this.framing === BodyFraming.CHUNKED && this.chunkState === CHUNK_DATA)) {
      const room = this.keepMax - this.keptLen;
      return room <= 0 ? this.remaining : 0;
    }
    return 0;
  }

  /** Reads body bytes; returns how many were consumed (the rest belongs to the next message). */
  feed(src: Buffer, off: number, len: number): number {
    if (this.framing === BodyFraming.UNTIL_CLOSE) {
      this.take(src, off, len);
      return len;
    }
    if (this.framing === BodyFraming.LENGTH) {
      const n = len < this.remaining ? len : this.remaining;
      this.take(src, off, n);
      this.remaining -= n;
      if (this.remaining === 0) this.done = true;
      return n;
    }
    let i = off;
    const end = off + len;
    while (i < end && !this.done && !this.broken) {
      if (this.chunkState === CHUNK_DATA) {
        const n = Math.min(end - i, this.remaining);
        this.take(src, i, n);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) {
          this.chunkState = CHUNK_DATA_END;
          this.startLine();
        }
        continue;
      }
      this.lineByte(src[i++]!);
    }
    return i - off;
  }

  /**
   * `n` bytes will not be read: passed over because they lie past the kept part, or lost.
   * False when the body's end can no longer be found.
   */
  gap(n: number): boolean {
    if (this.done) return false;
    if (n > this.skippable()) this.incomplete = true;
    if (this.framing === BodyFraming.UNTIL_CLOSE) {
      this.seen += n;
      return true;
    }
    if (this.framing === BodyFraming.LENGTH || (this.framing === BodyFraming.CHUNKED && this.chunkState === CHUNK_DATA)) {
      if (n <= this.remaining) {
        this.remaining -= n;
        this.seen += n;
        if (this.remaining === 0) {
          if (this.framing === BodyFraming.LENGTH) this.done = true;
          else {
            this.chunkState = CHUNK_DATA_END;
            this.startLine();
          }
        }
        return true;
      }
    }
    this.broken = true;
    return false;
  }

  private take(src: Buffer, off: number, n: number): void {
    this.seen += n;
    const room = this.keepMax - this.keptLen;
    if (room <= 0 || n <= 0) return;
    const k = n < room ? n : room;
    if (this.keptLen + k > this.keptCapacity && !this.grow(this.keptLen + k)) return;
    src.copy(this.kept!, this.keptLen, off, off + k);
    this.keptLen += k;
  }

  private grow(need: number): boolean {
    let next = Math.max(1024, this.keptCapacity * 2);
    while (next < need) next *= 2;
    if (next > this.keepMax) next = this.keepMax;
    if (!this.budget.take(next - this.keptCapacity, this.owner)) return false;
    const buf = Buffer.allocUnsafe(next);
    if (this.kept !== null) this.kept.copy(buf, 0, 0, this.keptLen);
    this.kept = buf;
    this.keptCapacity = next;
    return true;
  }

  private startLine(): void {
    this.lineLen = 0;
    this.lineHex = 0;
    this.lineHexDigits = 0;
    this.lineHexEnded = false;
    this.lineBlank = true;
  }

  /** One byte of a chunk-size line, the CRLF after chunk data, or a trailer line. */
  private lineByte(b: number): void {
    if (b === 0x0a) {
      this.endLine();
      return;
    }
    if (b === 0x0d) return;
    if (++this.lineLen > MAX_CHUNK_LINE) {
      this.broken = true;
      return;
    }
    this.lineBlank = false;
    if (this.chunkState !== CHUNK_SIZE || this.lineHexEnded) return;
    const d = hexValue(b);
    if (d >= 0) {
      this.lineHex = this.lineHex * 16 + d;
      this.lineHexDigits++;
      if (this.lineHex > MAX_CHUNK_SIZE) this.broken = true;
    } else if (b === 0x3b /* ; extension */ || b === 0x20 || b === 0x09) {
      this.lineHexEnded = true;
    } else {
      this.broken = true;
    }
  }

  private endLine(): void {
    switch (this.chunkState) {
      case CHUNK_SIZE:
        if (this.lineHexDigits === 0) {
          this.broken = true;
          return;
        }
        if (this.lineHex === 0) this.chunkState = TRAILER;
        else {
          this.chunkState = CHUNK_DATA;
          this.remaining = this.lineHex;
        }
        break;
      case CHUNK_DATA_END:
        if (!this.lineBlank) {
          this.broken = true;
          return;
        }
        this.chunkState = CHUNK_SIZE;
        break;
      case TRAILER:
        if (this.lineBlank) this.done = true;
        break;
    }
    this.startLine();
  }

  /** Gives the kept bytes' memory back to the budget. */
  release(): void {
    if (this.keptCapacity > 0) this.budget.give(this.keptCapacity);
    this.kept = null;
    this.keptCapacity = 0;
    this.keptLen = 0;
  }
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}
