import type { Packet } from '../../engine/decode/packet.js';

/** Largest frame we keep (bytes beyond are cut, wireLen keeps the original length): the pcap snaplen we write. */
export const FORENSIC_SNAPLEN = 262_144;

/**
 * Frames up to this many bytes are copied by a word loop over DataViews, larger ones by
 * Buffer.copy: on Node 20 Buffer.copy is a native call costing ~55 ns whatever the size, the
 * loop ~25 ns for the 54-byte frames floods and scans are made of.
 */
export const SMALL_FRAME = 96;

export function viewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.length);
}

/** Copies `n` ≤ SMALL_FRAME bytes; the views span exactly their buffers. */
function copyWords(src: Buffer, srcView: DataView, from: number, dst: Buffer, dstView: DataView, to: number, n: number): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) dstView.setUint32(to + k, srcView.getUint32(from + k));
  for (; k < n; k++) dst[to + k] = src[from + k]!;
}

/** 32-bit words of metadata per frame: one 64-byte cache line. */
const META_WORDS = 16;

/**
 * A bounded ring of recent raw frames: the bytes live in one preallocated arena (a ring of
 * bytes, each frame contiguous), the metadata in one typed array, a 64-byte record per slot.
 * Recording a frame is one copy and a few typed-array stores — no object per packet. When
 * either bound (arena bytes, frame count) is reached the oldest frames are evicted.
 *
 * Frames are kept in arrival order: slot `(oldest + i) % capacity` is the i-th oldest frame.
 */
export class FrameRing {
  readonly arena: Buffer;
  readonly capacityBytes: number;
  readonly capacityFrames: number;
  /**
   * Per slot, one 64-byte record (so recording a frame touches one cache line of metadata):
   * words 0 start in the arena, 1 bytes kept (capLen cut at FORENSIC_SNAPLEN), 2-3 timestamp
   * (a float64, read through `metaF64`), 4 wireLen, 5 link type, 6-9 source address words,
   * 10-13 destination address words (network order, IPv4 mapped), 14-15 unused.
   */
  private readonly meta: Uint32Array;
  private readonly metaF64: Float64Array;

  /** Slot of the oldest frame. */
  oldest = 0;
  /** Frames held. */
  count = 0;
  /** Bytes of frames held (not counting the arena's unused tail after a wrap). */
  bytes = 0;
  /** Where the next frame's bytes go. */
  private head = 0;
  /** Frames pushed out to make room. */
  evicted = 0;
  /** Frames recorded since creation. */
  recorded = 0;
  readonly arenaView: DataView;
  /** The last source buffer and a view of it (sources reuse one buffer: made once, not per frame). */
  private srcBuf: Buffer | null = null;
  private srcView: DataView | null = null;

  constructor(capacityBytes: number, capacityFrames: number) {
    this.capacityBytes = Math.max(1, Math.floor(capacityBytes));
    this.capacityFrames = Math.max(1, Math.floor(capacityFrames));
    this.arena = Buffer.allocUnsafeSlow(this.capacityBytes);
    this.arenaView = viewOf(this.arena);
    this.meta = new Uint32Array(this.capacityFrames * META_WORDS);
    this.metaF64 = new Float64Array(this.meta.buffer);
  }

  startOf(slot: number): number {
    return this.meta[slot * META_WORDS]!;
  }

  /** Bytes kept of the frame in `slot`. */
  lenOf(slot: number): number {
    return this.meta[slot * META_WORDS + 1]!;
  }

  tsOf(slot: number): number {
    return this.metaF64[slot * (META_WORDS / 2) + 1]!;
  }

  wireLenOf(slot: number): number {
    return this.meta[slot * META_WORDS + 4]!;
  }

  linkTypeOf(slot: number): number {
    return this.meta[slot * META_WORDS + 5]!;
  }

  /** The slot of the i-th oldest frame (0 ≤ i < count). */
  slotAt(i: number): number {
    const s = this.oldest + i;
    return s >= this.capacityFrames ? s - this.capacityFrames : s;
  }

  /**
   * Copies the frame `buf[offset, offset + pkt.capLen)` into the ring with the packet's
   * timestamp, lengths, link type and addresses; returns its slot, or -1 when the frame is
   * larger than the whole arena.
   */
  push(pkt: Packet, buf: Buffer, offset: number): number {
    let n = pkt.capLen;
    if (n > FORENSIC_SNAPLEN) n = FORENSIC_SNAPLEN;
    const size = this.capacityBytes;
    if (n > size) return -1;
    if (this.count === this.capacityFrames) this.evictOldest();
    const meta = this.meta;
    let p = this.head;
    if (p + n > size) {
      // Wrap: the tail of the arena is left unused. Frames still there are the oldest ones.
      while (this.count > 0 && meta[this.oldest * META_WORDS]! >= p) this.evictOldest();
      p = 0;
    }
    // Whatever still overlaps [p, p + n) is a prefix of the oldest frames.
    const end = p + n;
    while (this.count > 0) {
      const m = this.oldest * META_WORDS;
      const s = meta[m]!;
      if (s < end && s + meta[m + 1]! > p) this.evictOldest();
      else break;
    }
    let slot = this.oldest + this.count;
    if (slot >= this.capacityFrames) slot -= this.capacityFrames;
    if (n <= SMALL_FRAME) this.copySmall(buf, offset, p, n);
    else buf.copy(this.arena, p, offset, offset + n);
    const m = slot * META_WORDS;
    meta[m] = p;
    meta[m + 1] = n;
    this.metaF64[slot * (META_WORDS / 2) + 1] = pkt.tsMicros;
    meta[m + 4] = pkt.wireLen;
    meta[m + 5] = pkt.linkType;
    meta[m + 6] = pkt.src0;
    meta[m + 7] = pkt.src1;
    meta[m + 8] = pkt.src2;
    meta[m + 9] = pkt.src3;
    meta[m + 10] = pkt.dst0;
    meta[m + 11] = pkt.dst1;
    meta[m + 12] = pkt.dst2;
    meta[m + 13] = pkt.dst3;
    this.count++;
    this.bytes += n;
    this.head = end;
    this.recorded++;
    return slot;
  }

  private copySmall(buf: Buffer, offset: number, p: number, n: number): void {
    let view = this.srcView;
    if (buf !== this.srcBuf || view === null) {
      this.srcBuf = buf;
      view = this.srcView = viewOf(buf);
    }
    copyWords(buf, view, offset, this.arena, this.arenaView, p, n);
  }

  /** Copies the frame in `slot` to `out[pos…]` (`outView` is a DataView over `out`). */
  copyOut(slot: number, out: Buffer, outView: DataView, pos: number): void {
    const s = this.startOf(slot);
    const n = this.lenOf(slot);
    if (n <= SMALL_FRAME) copyWords(this.arena, this.arenaView, s, out, outView, pos, n);
    else this.arena.copy(out, pos, s, s + n);
  }

  /** True when the frame in `slot` has `w0..w3` as its source or destination. */
  involves(slot: number, w0: number, w1: number, w2: number, w3: number): boolean {
    const m = slot * META_WORDS;
    const meta = this.meta;
    return (
      (meta[m + 9] === w3 && meta[m + 8] === w2 && meta[m + 7] === w1 && meta[m + 6] === w0) ||
      (meta[m + 13] === w3 && meta[m + 12] === w2 && meta[m + 11] === w1 && meta[m + 10] === w0)
    );
  }

  /** The frame bytes in `slot` (a view into the arena, valid until the frame is evicted). */
  bytesOf(slot: number): Buffer {
    const s = this.startOf(slot);
    return this.arena.subarray(s, s + this.lenOf(slot));
  }

  clear(): void {
    this.oldest = 0;
    this.count = 0;
    this.bytes = 0;
    this.head = 0;
  }

  private evictOldest(): void {
    this.bytes -= this.meta[this.oldest * META_WORDS + 1]!;
    this.oldest++;
    if (this.oldest === this.capacityFrames) this.oldest = 0;
    this.count--;
    this.evicted++;
    if (this.count === 0) {
      this.oldest = 0;
      this.head = 0;
    }
  }
}
