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
 *
 * One entry is one 64-byte row of 32-bit words and one of 64-bit numbers (times, counts), so
 * holding a SYN touches two cache lines, not one per field.
 */
/** 32-bit words and 64-bit numbers per entry: 64 bytes each. */
const W_STRIDE = 16;
const N_STRIDE = 8;

export class EmbryonicTable {
  readonly size: number;
  private readonly mask: number;
  /** Per entry U32 words: hash, state, originator address 0-3, responder address 0-3, ports, isn, first flags. */
  private readonly words: Uint32Array;
  /** Per entry F64 numbers: first seen, last seen, packets, bytes, uid. */
  private readonly nums: Float64Array;
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
    this.words = new Uint32Array(size * W_STRIDE);
    this.nums = new Float64Array(size * N_STRIDE);
  }

  indexOf(hash: number): number {
    return hash & this.mask;
  }

  hashAt(e: number): number {
    return this.words[e * W_STRIDE]!;
  }

  stateAt(e: number): number {
    return this.words[e * W_STRIDE + 1]!;
  }

  /** Address word `i` (0-3 originator, 4-7 responder). */
  addrWord(e: number, i: number): number {
    return this.words[e * W_STRIDE + 2 + i]!;
  }

  origPortAt(e: number): number {
    return this.words[e * W_STRIDE + 10]! >>> 16;
  }

  respPortAt(e: number): number {
    return this.words[e * W_STRIDE + 10]! & 0xffff;
  }

  isnAt(e: number): number {
    return this.words[e * W_STRIDE + 11]!;
  }

  firstFlagsAt(e: number): number {
    return this.words[e * W_STRIDE + 12]!;
  }

  firstSeenAt(e: number): number {
    return this.nums[e * N_STRIDE]!;
  }

  lastSeenAt(e: number): number {
    return this.nums[e * N_STRIDE + 1]!;
  }

  packetsAt(e: number): number {
    return this.nums[e * N_STRIDE + 2]!;
  }

  bytesAt(e: number): number {
    return this.nums[e * N_STRIDE + 3]!;
  }

  uidAt(e: number): number {
    return this.nums[e * N_STRIDE + 4]!;
  }

  /**
   * 1 if entry `e` holds the flow of `pkt` sent by its originator, -1 if sent by its responder,
   * 0 if it holds another flow or nothing.
   */
  direction(e: number, hash: number, pkt: Packet): number {
    const w = this.words;
    const b = e * W_STRIDE;
    if (w[b] !== hash || w[b + 1] === EmbryoState.EMPTY) return 0;
    const ports = w[b + 10]!;
    if (
      ports === ((pkt.srcPort << 16) | pkt.dstPort) >>> 0 &&
      w[b + 5] === pkt.src3 &&
      w[b + 9] === pkt.dst3 &&
      w[b + 2] === pkt.src0 &&
      w[b + 3] === pkt.src1 &&
      w[b + 4] === pkt.src2 &&
      w[b + 6] === pkt.dst0 &&
      w[b + 7] === pkt.dst1 &&
      w[b + 8] === pkt.dst2
    )
      return 1;
    if (
      ports === ((pkt.dstPort << 16) | pkt.srcPort) >>> 0 &&
      w[b + 5] === pkt.dst3 &&
      w[b + 9] === pkt.src3 &&
      w[b + 2] === pkt.dst0 &&
      w[b + 3] === pkt.dst1 &&
      w[b + 4] === pkt.dst2 &&
      w[b + 6] === pkt.src0 &&
      w[b + 7] === pkt.src1 &&
      w[b + 8] === pkt.src2
    )
      return -1;
    return 0;
  }

  /** Holds the bare SYN `pkt` at entry `e` (replacing what was there) as a new flow with `uid`. */
  hold(e: number, hash: number, pkt: Packet, uid: number): void {
    const w = this.words;
    const b = e * W_STRIDE;
    if (w[b + 1] === EmbryoState.EMPTY) this.held++;
    else this.overwritten++;
    w[b] = hash;
    w[b + 1] = EmbryoState.HELD;
    w[b + 2] = pkt.src0; w[b + 3] = pkt.src1; w[b + 4] = pkt.src2; w[b + 5] = pkt.src3;
    w[b + 6] = pkt.dst0; w[b + 7] = pkt.dst1; w[b + 8] = pkt.dst2; w[b + 9] = pkt.dst3;
    w[b + 10] = (pkt.srcPort << 16) | pkt.dstPort;
    w[b + 11] = pkt.tcpSeq;
    w[b + 12] = pkt.tcpFlags;
    const n = this.nums;
    const c = e * N_STRIDE;
    n[c] = pkt.tsMicros;
    n[c + 1] = pkt.tsMicros;
    n[c + 2] = 1;
    n[c + 3] = pkt.wireLen;
    n[c + 4] = uid;
  }

  /** Another SYN of the flow held at `e`, from its originator. */
  again(e: number, pkt: Packet): void {
    const n = this.nums;
    const c = e * N_STRIDE;
    n[c + 2]!++;
    n[c + 3]! += pkt.wireLen;
    if (pkt.tsMicros > n[c + 1]!) n[c + 1] = pkt.tsMicros;
    if (pkt.tcpSeq !== this.words[e * W_STRIDE + 11]) this.words[e * W_STRIDE + 1] = EmbryoState.SPOILED;
  }

  /** Empties entry `e` (its flow was promoted, or it expired). */
  clear(e: number): void {
    const b = e * W_STRIDE + 1;
    if (this.words[b] === EmbryoState.EMPTY) return;
    this.words[b] = EmbryoState.EMPTY;
    this.held--;
  }
}
