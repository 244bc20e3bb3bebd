import type { Packet } from '../decode/packet.js';
import { hashDst, hashSrcDst, hashSrcForSketch } from '../sketch/address-hash.js';

/**
 * What several detectors compute from the same packet, computed once per packet: the flow table
 * starts a new packet (`next`, from update()) and each value is worked out at the first detector
 * that asks for it and handed to every later one. Values are exactly what the address-hash
 * functions return, so a detector reads the same numbers it computed itself before.
 *
 * `seq` identifies the packet: a detector may memoize its own per-packet result by it.
 */
export class PacketSummary {
  /** Increases by one per packet the flow table sees. */
  seq = 0;
  private srcDstSeq = -1;
  private srcDstValue = 0;
  private dstSeq = -1;
  private dstValue = 0;
  private srcSketchSeq = -1;
  private srcSketchValue = 0;

  next(): void {
    this.seq++;
  }

  /** hashSrcDst(pkt): the source–target pair (port and slow scans). */
  srcDstHash(pkt: Packet): number {
    if (this.srcDstSeq !== this.seq) {
      this.srcDstValue = hashSrcDst(pkt);
      this.srcDstSeq = this.seq;
    }
    return this.srcDstValue;
  }

  /** hashDst(pkt): the target address, seed 0 (the flood detector's per-target table). */
  dstHash(pkt: Packet): number {
    if (this.dstSeq !== this.seq) {
      this.dstValue = hashDst(pkt);
      this.dstSeq = this.seq;
    }
    return this.dstValue;
  }

  /** hashSrcForSketch(pkt): the source address for sketches (the flood detector's source trackers). */
  srcSketchHash(pkt: Packet): number {
    if (this.srcSketchSeq !== this.seq) {
      this.srcSketchValue = hashSrcForSketch(pkt);
      this.srcSketchSeq = this.seq;
    }
    return this.srcSketchValue;
  }
}
