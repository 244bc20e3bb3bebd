import { hashWords } from '../sketch/address-hash.js';
import { FragmentAnomaly, TINY_FRAGMENT_BYTES, type FragmentAnomalyListener } from './fragment-anomaly.js';
import { BLOCK_BYTES, FragmentStore } from './fragment-store.js';
import { IpProto, type Packet } from './packet.js';

export interface DefragOptions {
  /** Datagrams being reassembled at once (default 1024); past it the oldest is evicted. */
  maxDatagrams?: number;
  /** Bytes of fragment data held at once (default 4 MiB, in 256-byte blocks). */
  maxBytes?: number;
  /** Seconds of packet time a datagram may take to complete (default 30, as Linux's ipfrag_time). */
  timeoutSeconds?: number;
  /** Share of both budgets one source (one of 4096 source buckets) may hold (default 1/8). */
  sourceShare?: number;
}

export const DEFRAG_DEFAULTS = { maxDatagrams: 1024, maxBytes: 4 << 20, timeoutSeconds: 30, sourceShare: 1 / 8 } as const;

/** Bytes of a datagram's unfragmentable part kept (IPv4 header with options, IPv6 header chain). */
const HEADER_MAX = 256;
/** Pieces one datagram may be kept in; a 64 KB datagram over a 1280-byte MTU is 52. */
const MAX_PIECES = 128;
const SOURCE_BUCKETS = 4096;
const NIL = -1;

/**
 * IPv4 and IPv6 reassembly, so detectors see the datagram the target host sees: a scan split in
 * 8-byte fragments is a scan, a fragmented DNS answer is a DNS answer.
 *
 * Datagrams are keyed by source, destination, identification (and protocol for IPv4). Policy:
 * - Overlaps keep the first copy (later bytes only fill gaps); identical repeats are duplicates,
 *   different bytes an OVERLAP anomaly.
 * - A first fragment without the whole transport header, or a middle fragment under
 *   TINY_FRAGMENT_BYTES, is a TINY anomaly; the datagram is still reassembled.
 * - What no stack accepts (past 65,535 bytes, two different ends, data beyond the end, a middle
 *   fragment not a multiple of 8, more than MAX_PIECES pieces) is MALFORMED: the datagram is dropped.
 * - A datagram not complete `timeoutSeconds` after its first fragment, or evicted, is INCOMPLETE.
 *
 * Bounded: a fixed number of datagrams and of 256-byte data blocks, allocated once; one source
 * bucket (addresses hashed into 4096) may hold `sourceShare` of each, past which its own oldest
 * datagram goes; past the global bounds the oldest datagram goes. Expiry and eviction follow
 * arrival order (a FIFO), so each costs O(1). Nothing is allocated per fragment; a packet that
 * is not a fragment never reaches this class.
 */
export class Defragmenter {
  /** The last reassembled datagram: its IP header at 0, `outLength` bytes. */
  readonly out = Buffer.alloc(HEADER_MAX + 65_536);
  outLength = 0;
  /** Fragments and wire bytes the last reassembled datagram came in. */
  outFragments = 0;
  outWireBytes = 0;
  listener: FragmentAnomalyListener | null = null;

  readonly capacity: number;
  readonly timeoutMicros: number;
  private readonly store: FragmentStore;
  private readonly sourceTrains: number;
  private readonly sourceBlocks: number;

  // Counters.
  fragments = 0;
  reassembled = 0;
  duplicates = 0;
  timedOut = 0;
  /** Datagrams evicted to admit others (global bounds) and by their source's share. */
  evicted = 0;
  evictedBySource = 0;
  /** Datagrams dropped as malformed. */
  dropped = 0;
  /** Fragments cut by the snapshot length: their bytes are not all there, so they are not kept. */
  truncated = 0;
  readonly anomalies = new Float64Array(4);
  /** Most datagrams and data blocks ever held at once. */
  peakDatagrams = 0;
  peakBlocks = 0;

  // Datagrams (struct of arrays).
  private readonly hashMask: number;
  private readonly heads: Int32Array;
  private readonly chain: Int32Array;
  private readonly keyHash: Int32Array;
  private readonly version: Uint8Array;
  private readonly proto: Uint8Array;
  private readonly ident: Uint32Array;
  private readonly addrs: Uint32Array;
  private readonly first: Float64Array;
  private readonly fifoPrev: Int32Array;
  private readonly fifoNext: Int32Array;
  private fifoHead = NIL;
  private fifoTail = NIL;
  private readonly bucket: Int32Array;
  private readonly srcPrev: Int32Array;
  private readonly srcNext: Int32Array;
  private readonly end: Int32Array;
  private readonly have: Int32Array;
  private readonly maxEnd: Int32Array;
  private readonly pieces: Int32Array;
  private readonly pieceHead: Int32Array;
  private readonly heldBlocks: Int32Array;
  private readonly frames: Int32Array;
  private readonly wire: Float64Array;
  private readonly reported: Uint8Array;
  private readonly headerLen: Int32Array;
  private readonly prevNext: Int32Array;
  private readonly headers: Buffer;
  private readonly freeTrains: Int32Array;
  private freeTop: number;
  // Source buckets.
  private readonly bucketTrains: Int32Array;
  private readonly bucketBlocks: Int32Array;
  private readonly bucketHead: Int32Array;
  private readonly bucketTail: Int32Array;
  private readonly scratch = new Uint32Array(8);

  constructor(options: DefragOptions = {}) {
    const o = { ...DEFRAG_DEFAULTS, ...options };
    const n = (this.capacity = Math.max(4, Math.floor(o.maxDatagrams)));
    this.timeoutMicros = o.timeoutSeconds * 1e6;
    this.store = new FragmentStore(Math.ceil(o.maxBytes / BLOCK_BYTES));
    this.sourceTrains = Math.max(2, Math.floor(n * o.sourceShare));
    this.sourceBlocks = Math.max(MAX_PIECES * 2, Math.floor(this.store.blocks * o.sourceShare));
    let buckets = 1;
    while (buckets < n * 2) buckets <<= 1;
    this.hashMask = buckets - 1;
    this.heads = new Int32Array(buckets).fill(NIL);
    this.chain = new Int32Array(n);
    this.keyHash = new Int32Array(n);
    this.version = new Uint8Array(n);
    this.proto = new Uint8Array(n);
    this.ident = new Uint32Array(n);
    this.addrs = new Uint32Array(n * 8);
    this.first = new Float64Array(n);
    this.fifoPrev = new Int32Array(n);
    this.fifoNext = new Int32Array(n);
    this.bucket = new Int32Array(n);
    this.srcPrev = new Int32Array(n);
    this.srcNext = new Int32Array(n);
    this.end = new Int32Array(n);
    this.have = new Int32Array(n);
    this.maxEnd = new Int32Array(n);
    this.pieces = new Int32Array(n);
    this.pieceHead = new Int32Array(n);
    this.heldBlocks = new Int32Array(n);
    this.frames = new Int32Array(n);
    this.wire = new Float64Array(n);
    this.reported = new Uint8Array(n);
    this.headerLen = new Int32Array(n);
    this.prevNext = new Int32Array(n);
    this.headers = Buffer.alloc(n * HEADER_MAX);
    this.freeTrains = new Int32Array(n);
    for (let i = 0; i < n; i++) this.freeTrains[i] = n - 1 - i;
    this.freeTop = n;
    this.bucketTrains = new Int32Array(SOURCE_BUCKETS);
    this.bucketBlocks = new Int32Array(SOURCE_BUCKETS);
    this.bucketHead = new Int32Array(SOURCE_BUCKETS).fill(NIL);
    this.bucketTail = new Int32Array(SOURCE_BUCKETS).fill(NIL);
  }

  /** Datagrams being reassembled. */
  get pending(): number {
    return this.capacity - this.freeTop;
  }

  /** Bytes of fragment data held (whole blocks). */
  get bytesHeld(): number {
    return (this.store.blocks - this.store.freeBlocks) * BLOCK_BYTES;
  }

  /** Upper bound of the memory this defragmenter holds, in bytes (all allocated up front). */
  get footprint(): number {
    return this.store.blocks * (BLOCK_BYTES + 20) + this.capacity * (HEADER_MAX + 120) + this.out.length + SOURCE_BUCKETS * 16;
  }

  /**
   * Takes one fragment (pkt.isFragment). Returns true when it completed a datagram, which is
   * then in `out` (outLength bytes from its IP header).
   */
  add(pkt: Packet): boolean {
    const ts = pkt.tsMicros;
    this.fragments++;
    if (this.fifoHead !== NIL && this.first[this.fifoHead]! < ts - this.timeoutMicros) this.expire(ts);
    if (pkt.snapCut) {
      this.truncated++;
      return false;
    }
    const dataStart = pkt.fragDataOffset;
    const dataLen = pkt.ipOffset + pkt.ipAvailable - dataStart;
    const headerLen = pkt.fragHeaderEnd - pkt.ipOffset;
    if (dataLen < 0 || headerLen < 20) {
      this.truncated++;
      return false;
    }
    const v6 = pkt.ipVersion === 6;
    const start = pkt.fragOffset;
    const end = start + dataLen;
    const more = pkt.fragMore;
    let t = this.find(pkt);
    if (t === NIL) t = this.create(pkt, ts);
    this.frames[t]!++;
    this.wire[t]! += pkt.wireLen;

    if (more && (dataLen === 0 || (dataLen & 7) !== 0)) {
      // A middle fragment must carry a multiple of 8 bytes: this one is dropped, as a stack does.
      this.report(t, FragmentAnomaly.MALFORMED, ts);
      return false;
    }
    const limit = v6 ? 65_535 - (headerLen - 40) : 65_535 - headerLen;
    const known = this.end[t]!;
    if (end > limit || (more ? known >= 0 && end > known : (known >= 0 && known !== end) || this.maxEnd[t]! > end)) {
      this.report(t, FragmentAnomaly.MALFORMED, ts);
      this.dropped++;
      this.release(t);
      return false;
    }
    if (!more) this.end[t] = end;
    if (more && dataLen < TINY_FRAGMENT_BYTES) this.report(t, FragmentAnomaly.TINY, ts);
    if (start === 0) {
      if (!transportHeaderWhole(pkt.proto, pkt.buf, dataStart, dataLen)) this.report(t, FragmentAnomaly.TINY, ts);
      if (this.headerLen[t]! < 0) {
        if (headerLen > HEADER_MAX) {
          this.report(t, FragmentAnomaly.MALFORMED, ts);
          this.dropped++;
          this.release(t);
          return false;
        }
        pkt.buf.copy(this.headers, t * HEADER_MAX, pkt.ipOffset, pkt.fragHeaderEnd);
        this.headerLen[t] = headerLen;
        this.prevNext[t] = pkt.fragPrevNext - pkt.ipOffset;
        this.proto[t] = pkt.proto;
      }
    }
    if (dataLen > 0 && !this.insert(t, start, end, pkt.buf, dataStart, ts)) return false;
    if (end > this.maxEnd[t]!) this.maxEnd[t] = end;
    if (this.end[t]! >= 0 && this.have[t] === this.end[t] && this.headerLen[t]! >= 0) {
      this.assemble(t, v6);
      this.reassembled++;
      this.release(t);
      return true;
    }
    return false;
  }

  /** Drops datagrams whose time ran out at packet time `nowMicros`, reporting them INCOMPLETE. */
  expire(nowMicros: number): void {
    const cutoff = nowMicros - this.timeoutMicros;
    while (this.fifoHead !== NIL && this.first[this.fifoHead]! < cutoff) {
      const t = this.fifoHead;
      this.report(t, FragmentAnomaly.INCOMPLETE, nowMicros);
      this.timedOut++;
      this.release(t);
    }
  }

  /** Adds bytes [start, end) from buf[from…], keeping bytes already held where they overlap. */
  private insert(t: number, start: number, end: number, buf: Buffer, from: number, ts: number): boolean {
    const store = this.store;
    // Room first: the new bytes, plus one partial block for each piece they may be cut into.
    const need = FragmentStore.blocksFor(end - start) + this.pieces[t]! + 1;
    if (!this.makeRoom(t, need, ts)) return false;
    let prev = NIL;
    let r = this.pieceHead[t]!;
    while (r !== NIL && store.recEnd[r]! <= start) {
      prev = r;
      r = store.recNext[r]!;
    }
    let cursor = start;
    let overlapped = false;
    let conflict = false;
    let added = 0;
    while (cursor < end) {
      const rs = r === NIL ? end : store.recStart[r]!;
      if (rs > cursor) {
        const pieceEnd = rs < end ? rs : end;
        const p = store.store(cursor, buf, from + (cursor - start), pieceEnd - cursor);
        const blocks = FragmentStore.blocksFor(pieceEnd - cursor);
        this.heldBlocks[t]! += blocks;
        this.bucketBlocks[this.bucket[t]!]! += blocks;
        if (prev === NIL) {
          store.recNext[p] = this.pieceHead[t]!;
          this.pieceHead[t] = p;
        } else {
          store.recNext[p] = store.recNext[prev]!;
          store.recNext[prev] = p;
        }
        this.pieces[t]!++;
        added += pieceEnd - cursor;
        prev = p;
        cursor = pieceEnd;
        continue;
      }
      // r overlaps [cursor, end): the first copy stays.
      const re = store.recEnd[r]!;
      const oe = re < end ? re : end;
      overlapped = true;
      if (!conflict && !store.equals(r, cursor - rs, buf, from + (cursor - start), oe - cursor)) conflict = true;
      cursor = oe;
      prev = r;
      r = store.recNext[r]!;
    }
    this.have[t]! += added;
    if (overlapped) {
      if (conflict) this.report(t, FragmentAnomaly.OVERLAP, ts);
      else if (added === 0) this.duplicates++;
    }
    if (this.pieces[t]! > MAX_PIECES) {
      this.report(t, FragmentAnomaly.MALFORMED, ts);
      this.dropped++;
      this.release(t);
      return false;
    }
    const used = this.store.blocks - this.store.freeBlocks;
    if (used > this.peakBlocks) this.peakBlocks = used;
    return true;
  }

  /**
   * Frees blocks until `need` are free and datagram t's source stays within its share, evicting
   * other datagrams of its source, then the oldest of all; false (t dropped) when t alone is too much.
   */
  private makeRoom(t: number, need: number, ts: number): boolean {
    const b = this.bucket[t]!;
    let guard = this.capacity;
    while (this.bucketBlocks[b]! + need > this.sourceBlocks && guard-- > 0) {
      const victim = this.bucketHead[b] === t ? this.srcNext[t]! : this.bucketHead[b]!;
      if (victim === NIL) break;
      this.evictedBySource++;
      this.evict(victim, ts);
    }
    guard = this.capacity;
    while (this.store.freeBlocks < need && guard-- > 0) {
      const victim = this.fifoHead === t ? this.fifoNext[t]! : this.fifoHead;
      if (victim === NIL) break;
      this.evicted++;
      this.evict(victim, ts);
    }
    if (this.store.freeBlocks < need || this.bucketBlocks[b]! + need > this.sourceBlocks) {
      this.evictedBySource++;
      this.evict(t, ts);
      return false;
    }
    return true;
  }

  private evict(t: number, ts: number): void {
    this.report(t, FragmentAnomaly.INCOMPLETE, ts);
    this.release(t);
  }

  private assemble(t: number, v6: boolean): void {
    const out = this.out;
    const h = this.headerLen[t]!;
    this.headers.copy(out, 0, t * HEADER_MAX, t * HEADER_MAX + h);
    const store = this.store;
    for (let r = this.pieceHead[t]!; r !== NIL; r = store.recNext[r]!) store.copyOut(r, out, h + store.recStart[r]!);
    const total = h + this.end[t]!;
    if (v6) {
      const payload = total - 40;
      out[4] = payload >>> 8;
      out[5] = payload & 0xff;
      out[this.prevNext[t]!] = this.proto[t]!;
    } else {
      out[2] = total >>> 8;
      out[3] = total & 0xff;
      out[6] = 0;
      out[7] = 0;
    }
    this.outLength = total;
    this.outFragments = this.frames[t]!;
    this.outWireBytes = this.wire[t]!;
  }

  private report(t: number, kind: number, ts: number): void {
    const bit = 1 << kind;
    if ((this.reported[t]! & bit) !== 0) return;
    this.reported[t]! |= bit;
    this.anomalies[kind]!++;
    const l = this.listener;
    if (l === null) return;
    const s = this.scratch;
    const a = t << 3;
    for (let i = 0; i < 8; i++) s[i] = this.addrs[a + i]!;
    l.onFragmentAnomaly(kind, s, this.proto[t]!, ts);
  }

  // ---- the datagram table ----

  private find(p: Packet): number {
    const h = keyOf(p);
    const v = p.ipVersion;
    const a = this.addrs;
    for (let t = this.heads[h & this.hashMask]!; t !== NIL; t = this.chain[t]!) {
      if (this.keyHash[t] !== h || this.version[t] !== v || this.ident[t] !== p.fragId >>> 0) continue;
      if (v === 4 && this.proto[t] !== p.proto) continue;
      const o = t << 3;
      if (a[o + 3] === p.src3 && a[o + 7] === p.dst3 && a[o] === p.src0 && a[o + 1] === p.src1 && a[o + 2] === p.src2 && a[o + 4] === p.dst0 && a[o + 5] === p.dst1 && a[o + 6] === p.dst2) return t;
    }
    return NIL;
  }

  private create(p: Packet, ts: number): number {
    const b = hashWords(p.src0, p.src1, p.src2, p.src3, 0x6d2f) & (SOURCE_BUCKETS - 1);
    if (this.bucketTrains[b]! >= this.sourceTrains) {
      this.evictedBySource++;
      this.evict(this.bucketHead[b]!, ts);
    }
    if (this.freeTop === 0) {
      this.evicted++;
      this.evict(this.fifoHead, ts);
    }
    const t = this.freeTrains[--this.freeTop]!;
    const h = keyOf(p);
    this.keyHash[t] = h;
    this.version[t] = p.ipVersion;
    this.proto[t] = p.proto;
    this.ident[t] = p.fragId >>> 0;
    const a = this.addrs;
    const o = t << 3;
    a[o] = p.src0; a[o + 1] = p.src1; a[o + 2] = p.src2; a[o + 3] = p.src3;
    a[o + 4] = p.dst0; a[o + 5] = p.dst1; a[o + 6] = p.dst2; a[o + 7] = p.dst3;
    this.first[t] = ts;
    this.end[t] = -1;
    this.have[t] = 0;
    this.maxEnd[t] = 0;
    this.pieces[t] = 0;
    this.pieceHead[t] = NIL;
    this.heldBlocks[t] = 0;
    this.frames[t] = 0;
    this.wire[t] = 0;
    this.reported[t] = 0;
    this.headerLen[t] = -1;
    const slot = h & this.hashMask;
    this.chain[t] = this.heads[slot]!;
    this.heads[slot] = t;
    this.fifoPrev[t] = this.fifoTail;
    this.fifoNext[t] = NIL;
    if (this.fifoTail !== NIL) this.fifoNext[this.fifoTail] = t;
    else this.fifoHead = t;
    this.fifoTail = t;
    this.bucket[t] = b;
    this.srcPrev[t] = this.bucketTail[b]!;
    this.srcNext[t] = NIL;
    if (this.bucketTail[b] !== NIL) this.srcNext[this.bucketTail[b]!] = t;
    else this.bucketHead[b] = t;
    this.bucketTail[b] = t;
    this.bucketTrains[b]!++;
    const pending = this.capacity - this.freeTop;
    if (pending > this.peakDatagrams) this.peakDatagrams = pending;
    return t;
  }

  private release(t: number): void {
    const store = this.store;
    for (let r = this.pieceHead[t]!; r !== NIL; ) {
      const next = store.recNext[r]!;
      store.free(r);
      r = next;
    }
    const b = this.bucket[t]!;
    this.bucketBlocks[b]! -= this.heldBlocks[t]!;
    const slot = this.keyHash[t]! & this.hashMask;
    if (this.heads[slot] === t) this.heads[slot] = this.chain[t]!;
    else for (let c = this.heads[slot]!; c !== NIL; c = this.chain[c]!) if (this.chain[c] === t) { this.chain[c] = this.chain[t]!; break; }
    const fp = this.fifoPrev[t]!;
    const fn = this.fifoNext[t]!;
    if (fp !== NIL) this.fifoNext[fp] = fn;
    else this.fifoHead = fn;
    if (fn !== NIL) this.fifoPrev[fn] = fp;
    else this.fifoTail = fp;
    const sp = this.srcPrev[t]!;
    const sn = this.srcNext[t]!;
    if (sp !== NIL) this.srcNext[sp] = sn;
    else this.bucketHead[b] = sn;
    if (sn !== NIL) this.srcPrev[sn] = sp;
    else this.bucketTail[b] = sp;
    this.bucketTrains[b]!--;
    this.freeTrains[this.freeTop++] = t;
  }
}

/** The hash of a fragment's datagram key: addresses, identification, and (IPv4) protocol. */
function keyOf(p: Packet): number {
  const seed = p.ipVersion === 4 ? (p.fragId ^ (p.proto << 16)) | 0 : p.fragId | 0;
  return hashWords(p.dst0, p.dst1, p.dst2, p.dst3, hashWords(p.src0, p.src1, p.src2, p.src3, seed));
}

/** Whether a first fragment of `len` bytes at buf[at…] holds its whole transport header. */
function transportHeaderWhole(proto: number, buf: Buffer, at: number, len: number): boolean {
  switch (proto) {
    case IpProto.TCP:
      return len >= 20 && len >= (buf[at + 12]! >> 4) << 2;
    case IpProto.UDP:
    case IpProto.ICMP:
    case IpProto.ICMPV6:
      return len >= 8;
    case IpProto.SCTP:
      return len >= 16;
    default:
      return true;
  }
}
