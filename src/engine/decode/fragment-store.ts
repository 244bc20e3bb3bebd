/** Bytes per data block: a fragment's bytes are kept in a chain of these. */
export const BLOCK_BYTES = 256;

const NIL = -1;

/**
 * The bytes of fragments waiting to be reassembled, in fixed pools allocated once: data blocks
 * of BLOCK_BYTES and records (a byte range of one datagram and its first block). Every record
 * holds at least one block, so the block count bounds both pools and the memory is fixed,
 * whatever arrives. Nothing is allocated per fragment.
 */
export class FragmentStore {
  readonly blocks: number;
  private readonly data: Buffer;
  private readonly blockNext: Int32Array;
  private blockFree = NIL;
  freeBlocks: number;

  readonly recStart: Int32Array;
  readonly recEnd: Int32Array;
  /** Next record of the same datagram, by offset. */
  readonly recNext: Int32Array;
  private readonly recBlock: Int32Array;
  private recFree = NIL;

  constructor(blocks: number) {
    const n = (this.blocks = Math.max(4, Math.floor(blocks)));
    this.data = Buffer.alloc(n * BLOCK_BYTES);
    this.blockNext = new Int32Array(n);
    this.recStart = new Int32Array(n);
    this.recEnd = new Int32Array(n);
    this.recNext = new Int32Array(n);
    this.recBlock = new Int32Array(n);
    for (let i = n - 1; i >= 0; i--) {
      this.blockNext[i] = this.blockFree;
      this.blockFree = i;
      this.recNext[i] = this.recFree;
      this.recFree = i;
    }
    this.freeBlocks = n;
  }

  /** Blocks a record of `len` bytes takes. */
  static blocksFor(len: number): number {
    return len <= BLOCK_BYTES ? 1 : Math.ceil(len / BLOCK_BYTES);
  }

  /**
   * A new record for bytes [start, start + len) of a datagram, copied from buf[from, from + len);
   * the caller made sure blocksFor(len) blocks are free.
   */
  store(start: number, buf: Buffer, from: number, len: number): number {
    const r = this.recFree;
    this.recFree = this.recNext[r]!;
    this.recStart[r] = start;
    this.recEnd[r] = start + len;
    this.recNext[r] = NIL;
    let prev = NIL;
    let left = len;
    let at = from;
    do {
      const b = this.blockFree;
      this.blockFree = this.blockNext[b]!;
      this.freeBlocks--;
      this.blockNext[b] = NIL;
      if (prev === NIL) this.recBlock[r] = b;
      else this.blockNext[prev] = b;
      prev = b;
      const n = left < BLOCK_BYTES ? left : BLOCK_BYTES;
      buf.copy(this.data, b * BLOCK_BYTES, at, at + n);
      at += n;
      left -= n;
    } while (left > 0);
    return r;
  }

  /** Returns a record and its blocks to the pools. */
  free(r: number): void {
    let b = this.recBlock[r]!;
    while (b !== NIL) {
      const next = this.blockNext[b]!;
      this.blockNext[b] = this.blockFree;
      this.blockFree = b;
      this.freeBlocks++;
      b = next;
    }
    this.recNext[r] = this.recFree;
    this.recFree = r;
  }

  /** Whether bytes [at, at + len) of record r (relative to its start) equal buf[from, from + len). */
  equals(r: number, at: number, buf: Buffer, from: number, len: number): boolean {
    let b = this.recBlock[r]!;
    while (at >= BLOCK_BYTES) {
      b = this.blockNext[b]!;
      at -= BLOCK_BYTES;
    }
    const data = this.data;
    while (len > 0) {
      const base = b * BLOCK_BYTES;
      const n = Math.min(len, BLOCK_BYTES - at);
      for (let i = 0; i < n; i++) if (data[base + at + i] !== buf[from + i]) return false;
      from += n;
      len -= n;
      at = 0;
      b = this.blockNext[b]!;
    }
    return true;
  }

  /** Copies record r to out[dst, dst + its length). */
  copyOut(r: number, out: Buffer, dst: number): void {
    let left = this.recEnd[r]! - this.recStart[r]!;
    for (let b = this.recBlock[r]!; left > 0; b = this.blockNext[b]!) {
      const n = left < BLOCK_BYTES ? left : BLOCK_BYTES;
      this.data.copy(out, dst, b * BLOCK_BYTES, b * BLOCK_BYTES + n);
      dst += n;
      left -= n;
    }
  }
}
