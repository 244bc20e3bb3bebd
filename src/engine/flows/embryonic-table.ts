import type { Packet } from '../decode/packet.js';

/** EmbryonicTable.state values. */
export const EmbryoState = {
  EMPTY: 0,
  HELD: 1,
  /** A second SYN of this flow carried another sequence number: the flow can never prove its source. */
  SPOILED: 2,
} as const;

/**
 * Half-open TCP flows held outside the flow table while it is full: a bare SYN from a flow the
 * table does not know gets one entry here instead of a flow slot, so a SYN flood from spoofed
 * sources neither evicts the table's real connections nor pays for a full flow per packet.
 * Direct-mapped by the flow's hash: a newer SYN whose hash lands on a held entry replaces it
 * (counted in `overwritten`), so the table is bounded and costs one array write per SYN.
 *
 * Whatever else of that flow comes later (the SYN-ACK, an ACK) finds its entry here and the
 * flow table promotes it to a full flow as if the SYN had had a slot from the start: same
 * originator, first-seen time, packet counts, uid and initial sequence number (the handshake
 * proof needs it). Only the originator's side is kept: an entry is always SYN sender → target.
 */
export class EmbryonicTable {
  readonly size: number;
  private readonly mask: number;
  readonly hashes: Uint32Array;
  readonly state: Uint8Array;
  /** Originator address words 0-3, responder words 4-7. */
  readonly addrs: Uint32Array;
  readonly origPort: Uint16Array;
  readonly respPort: Uint16Array;
  readonly isn: Uint32Array;
  readonly firstFlags: Uint16Array;
  readonly firstSeen: Float64Array;
  readonly lastSeen: Float64Array;
  readonly packets: Float64Array;
  readonly bytes: Float64Array;
  readonly uids: Float64Array;
  /** Entries holding a flow now. */
  held = 0;
  /** Held flows replaced by a newer SYN with the same index (lost before anything answered). */
  overwritten = 0;
  /** Flows promoted to the flow table. */
  promoted = 0;

  constructor(size: number) {
    if (!Number.isInteger(Math.log2(size)) || size < 1) throw new RangeError(`embryonic table size must be a power of two, got ${size}`);
    this.size = size;
    this.mask = size - 1;
    this.hashes = new Uint32Array(size);
    this.state = new Uint8Array(size);
    this.addrs = new Uint32Array(size * 8);
    this.origPort = new Uint16Array(size);
    this.respPort = new Uint16Array(size);
    this.isn = new Uint32Array(size);
    this.firstFlags = new Uint16Array(size);
    this.firstSeen = new Float64Array(size);
    this.lastSeen = new Float64Array(size);
    this.packets = new Float64Array(size);
    this.bytes = new Float64Array(size);
    this.uids = new Float64Array(size);
  }

  indexOf(hash: number): number {
    return hash & this.mask;
  }

  /**
   * 1 if entry `e` holds the flow of `pkt` sent by its originator, -1 if sent by its responder,
   * 0 if it holds another flow or nothing. The caller has checked the hash.
   */
  direction(e: number, pkt: Packet): number {
    if (this.state[e] === EmbryoState.EMPTY) return 0;
    const a = this.addrs;
    const b = e << 3;
    if (
      this.origPort[e] === pkt.srcPort &&
      this.respPort[e] === pkt.dstPort &&
      a[b + 3] === pkt.src3 &&
      a[b + 7] === pkt.dst3 &&
      a[b] === pkt.src0 &&
      a[b + 1] === pkt.src1 &&
      a[b + 2] === pkt.src2 &&
      a[b + 4] === pkt.dst0 &&
      a[b + 5] === pkt.dst1 &&
      a[b + 6] === pkt.dst2
    )
      return 1;
    if (
      this.origPort[e] === pkt.dstPort &&
      this.respPort[e] === pkt.srcPort &&
      a[b + 3] === pkt.dst3 &&
      a[b + 7] === pkt.src3 &&
      a[b] === pkt.dst0 &&
      a[b + 1] === pkt.dst1 &&
      a[b + 2] === pkt.dst2 &&
      a[b + 4] === pkt.src0 &&
      a[b + 5] === pkt.src1 &&
      a[b + 6] === pkt.src2
    )
      return -1;
    return 0;
  }

  /** Holds the bare SYN `pkt` at entry `e` (replacing what was there) as a new flow with `uid`. */
  hold(e: number, hash: number, pkt: Packet, uid: number): void {
    if (this.state[e] === EmbryoState.EMPTY) this.held++;
    else this.overwritten++;
    const a = this.addrs;
    const b = e << 3;
    a[b] = pkt.src0; a[b + 1] = pkt.src1; a[b + 2] = pkt.src2; a[b + 3] = pkt.src3;
    a[b + 4] = pkt.dst0; a[b + 5] = pkt.dst1; a[b + 6] = pkt.dst2; a[b + 7] = pkt.dst3;
    this.hashes[e] = hash;
    this.state[e] = EmbryoState.HELD;
    this.origPort[e] = pkt.srcPort;
    this.respPort[e] = pkt.dstPort;
    this.isn[e] = pkt.tcpSeq;
    this.firstFlags[e] = pkt.tcpFlags;
    this.firstSeen[e] = pkt.tsMicros;
    this.lastSeen[e] = pkt.tsMicros;
    this.packets[e] = 1;
    this.bytes[e] = pkt.wireLen;
    this.uids[e] = uid;
  }

  /** Another SYN of the flow held at `e`, from its originator. */
  again(e: number, pkt: Packet): void {
    this.packets[e]!++;
    this.bytes[e]! += pkt.wireLen;
    if (pkt.tsMicros > this.lastSeen[e]!) this.lastSeen[e] = pkt.tsMicros;
    if (pkt.tcpSeq !== this.isn[e]) this.state[e] = EmbryoState.SPOILED;
  }

  /** Empties entry `e` (its flow was promoted, or it expired). */
  clear(e: number): void {
    if (this.state[e] === EmbryoState.EMPTY) return;
    this.state[e] = EmbryoState.EMPTY;
    this.held--;
  }
}
