import type { ByteBudget } from './byte-budget.js';
import type { StreamConsumer } from './stream-consumer.js';
import type { StreamStats } from './stream-stats.js';

/** Bookkeeping charged per held segment besides its bytes, so floods of 1-byte segments are bounded too. */
export const SEGMENT_OVERHEAD = 64;
/** Held segments per direction at most. */
export const MAX_HELD_SEGMENTS = 256;
/** Segments further ahead than this are outside any receive window a host would accept: ignored. */
export const MAX_AHEAD_BYTES = 8 * 1024 * 1024;

/** A held out-of-order piece: `data` (captured bytes, maybe empty) then `missing` bytes never captured. */
interface Held {
  seq: number;
  data: Buffer;
  missing: number;
  cost: number;
}

/**
 * In-order reassembly of one direction of a TCP connection.
 *
 * In-order bytes go straight to the consumer from the packet's buffer (no copy). Bytes ahead of
 * the next expected one are copied and held, within a per-direction limit and the global budget.
 * Where copies overlap, the first one to arrive wins, as the receiving host keeps the bytes it
 * already has: a retransmission that carries different bytes changes nothing.
 *
 * A hole never stalls the stream: it is passed over at once when the consumer does not need its
 * bytes (a body past the inspected size), when the receiver acknowledges data beyond it (the
 * capture lost it), when the held data no longer fits, and at the end of the stream.
 */
export class SegmentReassembler {
  /** Next expected sequence number (unsigned 32-bit), once started. */
  next = 0;
  started = false;
  finished = false;
  /** Bytes (and per-segment overhead) held out of order, charged to the budget. */
  heldBytes = 0;
  private held: Held[] = [];

  constructor(
    private readonly consumer: StreamConsumer,
    private readonly budget: ByteBudget,
    private readonly maxHeld: number,
    private readonly stats: StreamStats,
    /** Who is charged in the budget: the stream, so reclaiming never evicts the stream being fed. */
    private readonly owner: unknown,
  ) {}

  /** The sequence number of the first data byte (after the SYN), when known before any data. */
  start(seq: number): void {
    if (this.started) return;
    this.next = seq >>> 0;
    this.started = true;
  }

  get holding(): number {
    return this.held.length;
  }

  /**
   * One segment: `len` captured bytes at buf[off], then `missing` bytes the capture cut off
   * (snapshot length). `seq` is the sequence number of its first data byte.
   */
  segment(seq: number, buf: Buffer, off: number, len: number, missing: number): void {
    this.add(seq >>> 0, buf, off, len, missing, true);
  }

  private add(seq: number, buf: Buffer, off: number, len: number, missing: number, mayRetry: boolean): void {
    if (this.finished) return;
    if (!this.started) this.start(seq);
    const total = len + missing;
    if (total <= 0) return;
    let rel = (seq - this.next) | 0;
    if (rel < 0) {
      const cut = -rel;
      if (cut >= total) {
        this.stats.duplicateBytes += total;
        return;
      }
      this.stats.duplicateBytes += cut;
      if (cut >= len) {
        missing -= cut - len;
        off += len;
        len = 0;
      } else {
        off += cut;
        len -= cut;
      }
      rel = 0;
    }
    if (rel > 0) {
      if (rel > MAX_AHEAD_BYTES) {
        this.stats.beyondWindow++;
        return;
      }
      if (rel > this.consumer.skippable()) {
        if (this.hold(rel, buf, off, len, missing)) return;
        // No room: give up the hole in front and try once more from the new position.
        this.stats.flowOverflows++;
        this.passHole(this.held.length > 0 ? Math.min((this.held[0]!.seq - this.next) | 0, rel) : rel);
        this.drain();
        if (mayRetry) this.add(seq, buf, off, len, missing, false);
        else this.stats.droppedSegments++;
        return;
      }
      this.skip(rel);
    }
    this.deliver(buf, off, len, missing);
    this.drain();
  }

  /** The other side acknowledged up to `ack`: a hole it has acknowledged was lost by the capture. */
  peerAck(ack: number): void {
    // Every acknowledged hole, not only the first: one ACK can cover several.
    while (this.held.length > 0 && !this.finished) {
      const first = (this.held[0]!.seq - this.next) | 0;
      if (first <= 0 || ((ack - this.next) | 0) < first) return;
      this.passHole(first);
      this.drain();
    }
  }

  /** End of this direction: whatever is held is delivered with its holes, then the consumer ends. */
  finish(): void {
    if (this.finished) return;
    while (this.held.length > 0) {
      const first = (this.held[0]!.seq - this.next) | 0;
      if (first > 0) this.passHole(first);
      this.drain();
    }
    this.finished = true;
    this.consumer.end();
  }

  /** Gives back everything held (the stream is dropped without delivering it). */
  release(): void {
    for (const h of this.held) this.budget.give(h.cost);
    this.held.length = 0;
    this.heldBytes = 0;
    this.finished = true;
  }

  /** A segment starting exactly at `next`; held copies that overlap it win for their range. */
  private deliver(buf: Buffer, off: number, len: number, missing: number): void {
    const seq = this.next;
    const total = len + missing;
    for (;;) {
      const pos = (this.next - seq) | 0;
      const remaining = total - pos;
      if (remaining <= 0) return;
      let room = remaining;
      if (this.held.length > 0) {
        const h = this.held[0]!;
        const at = (h.seq - this.next) | 0;
        if (at <= 0) {
          this.held.shift();
          this.unhold(h);
          this.emitHeld(h, -at);
          // This segment's bytes under the held copy lost to it.
          const covered = Math.min((this.next - seq) | 0, total) - pos;
          if (covered > 0) this.stats.duplicateBytes += covered;
          continue;
        }
        if (at < room) room = at;
      }
      const captured = len - pos;
      const d = captured <= 0 ? 0 : captured < room ? captured : room;
      if (d > 0) {
        this.consumer.data(buf, off + pos, d);
        this.next = (this.next + d) >>> 0;
      }
      if (room > d) this.lose(room - d);
    }
  }

  /** Delivers held pieces that have become contiguous (or lie in bytes the consumer skips). */
  private drain(): void {
    while (this.held.length > 0) {
      const h = this.held[0]!;
      const at = (h.seq - this.next) | 0;
      if (at > 0) {
        if (at > this.consumer.skippable()) return;
        this.skip(at);
      }
      this.held.shift();
      this.unhold(h);
      this.emitHeld(h, (this.next - h.seq) | 0);
    }
  }

  /** A held piece from `cut` bytes into it (the part before was delivered already). */
  private emitHeld(h: Held, cut: number): void {
    const dataLen = h.data.length;
    if (cut < 0) cut = 0;
    if (cut < dataLen) {
      this.consumer.data(h.data, cut, dataLen - cut);
      this.next = (this.next + dataLen - cut) >>> 0;
      cut = dataLen;
    }
    const rest = h.missing - (cut - dataLen);
    if (rest > 0) this.lose(rest);
  }

  /** Copies the pieces of an out-of-order segment no held copy covers yet. False when they do not fit. */
  private hold(rel: number, buf: Buffer, off: number, len: number, missing: number): boolean {
    const end = rel + len + missing;
    const pieces: number[] = [];
    let cursor = rel;
    for (const h of this.held) {
      const hs = (h.seq - this.next) | 0;
      const he = hs + h.data.length + h.missing;
      if (he <= cursor) continue;
      if (hs >= end) break;
      if (hs > cursor) pieces.push(cursor, hs);
      cursor = he;
      if (cursor >= end) break;
    }
    if (cursor < end) pieces.push(cursor, end);
    if (pieces.length === 0) {
      this.stats.duplicateBytes += len + missing;
      return true;
    }
    let cost = 0;
    for (let i = 0; i < pieces.length; i += 2) cost += SEGMENT_OVERHEAD + Math.max(0, Math.min(pieces[i + 1]!, rel + len) - pieces[i]!);
    if (this.held.length + pieces.length / 2 > MAX_HELD_SEGMENTS || this.heldBytes + cost > this.maxHeld) return false;
    if (!this.budget.take(cost, this.owner)) return false;
    this.heldBytes += cost;
    this.stats.outOfOrder++;
    for (let i = 0; i < pieces.length; i += 2) {
      const a = pieces[i]!;
      const b = pieces[i + 1]!;
      const dataEnd = Math.min(b, rel + len);
      const data = dataEnd > a ? Buffer.from(buf.subarray(off + (a - rel), off + (dataEnd - rel))) : EMPTY;
      const piece: Held = { seq: (this.next + a) >>> 0, data, missing: b - Math.max(a, dataEnd), cost: SEGMENT_OVERHEAD + data.length };
      this.insert(piece, a);
    }
    return true;
  }

  private insert(piece: Held, at: number): void {
    let i = this.held.length;
    while (i > 0 && ((this.held[i - 1]!.seq - this.next) | 0) > at) i--;
    this.held.splice(i, 0, piece);
  }

  private unhold(h: Held): void {
    this.heldBytes -= h.cost;
    this.budget.give(h.cost);
  }

  /** Bytes the consumer said it does not need: passed over, not lost. */
  private skip(n: number): void {
    this.stats.passedBytes += n;
    this.consumer.gap(n);
    this.next = (this.next + n) >>> 0;
  }

  /** Bytes that will never be seen. */
  private lose(n: number): void {
    if (n > this.consumer.skippable()) this.stats.gaps++;
    this.stats.lostBytes += n;
    this.consumer.gap(n);
    this.next = (this.next + n) >>> 0;
  }

  /** Gives up a hole of `n` bytes in front of the held data. */
  private passHole(n: number): void {
    if (n > 0) this.lose(n);
  }
}

const EMPTY = Buffer.alloc(0);
