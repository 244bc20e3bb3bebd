import { formatAddress } from '../../net/address.js';
import { LinkType } from '../capture/link-type.js';
import { IpProto, TcpFlag, type Packet } from '../decode/packet.js';
import type { HttpRequestInfo } from '../../model/flow-summary.js';
import { parseHttpRequest } from '../decode/http-request.js';
import { datagramConnState, TcpHistory, tcpConnState } from './tcp-history.js';
import { EmbryonicTable, EmbryoState } from './embryonic-table.js';
import { PacketSummary } from './packet-summary.js';
import { type ConnState } from '../../model/flow-summary.js';
import type { FlowSummary } from '../../model/flow-summary.js';

/** Bits of FlowTable.lastEvents: what the last update() changed, for detectors to react to. */
export const FlowEvent = {
  NEW: 1,
  /** The originator completed the three-way handshake with this packet. */
  HANDSHAKE_DONE: 2,
  /** The responder reset the connection with this packet. */
  RESP_RESET: 4,
  /**
   * This flow's handshake is a proof that its originator's address is real: the originator
   * opened it with a SYN, the responder answered with exactly one SYN-ACK (never a second one
   * with another sequence number, never after a reset, acknowledging that SYN, and — on Linux
   * cooked captures, which say so — seen leaving this host), and the originator's ACK carried
   * that SYN-ACK's sequence number + 1, which a blind spoofer cannot know. The proof is of this
   * flow only (isProven); whether its responder is this host is the response side's check.
   */
  SOURCE_PROVEN: 8,
} as const;

/** Per-flow proof state (FlowTable.isProven). */
const Proof = {
  NONE: 0,
  PROVEN: 1,
  /** Something in this handshake was not what one real handshake looks like: never proven. */
  SPOILED: 2,
} as const;

/** The largest flow table: 2^24 flows (~2.5 GB of typed arrays); its bucket count still fits an int32. */
export const MAX_FLOW_CAPACITY = 1 << 24;

/** Linux cooked capture packet types (sll_pkttype): what the kernel said about the frame's direction. */
const PACKET_OUTGOING = 4;


const NIL = -1;
const H = TcpHistory;
const SYN_ACK_RST_FIN = TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST | TcpFlag.FIN;

/** Half-open flows held while the table is full: half the flow capacity, within 2^10 … 2^17. */
function embryonicSize(capacity: number): number {
  let n = 1 << 10;
  while (n < capacity / 2 && n < 1 << 17) n *= 2;
  return n;
}

/** A TCP SYN with nothing else: what opens a connection, and all a SYN flood sends. */
function isBareSyn(pkt: Packet): boolean {
  return pkt.proto === IpProto.TCP && pkt.l4Offset !== 0 && (pkt.tcpFlags & SYN_ACK_RST_FIN) === TcpFlag.SYN && pkt.payloadLen === 0;
}

/**
 * A bounded table of bidirectional 5-tuple flows kept in typed arrays (struct of arrays): no
 * object per flow, so a flood of new connections costs array writes, not garbage.
 *
 * Both directions of a connection map to one slot. Slots sit on an LRU list ordered by last
 * packet; when the table is full the least recently seen flow is evicted (and counted), and
 * idle flows are expired from the same end.
 *
 * Under pressure (the table full) a bare SYN of an unknown flow gets no slot: it is held in the
 * embryonic table (embryonic-table.ts) and handed to the detectors in one scratch slot that is
 * on no list and that no lookup finds, with the same events a new flow has (NEW, from its
 * originator). The first other packet of that flow promotes it to a full flow with the SYN's
 * state, so handshakes and their proofs work as before, and a SYN flood cannot push out the
 * connections the table holds. Below capacity nothing changes.
 */
export class FlowTable {
  readonly capacity: number;
  private readonly bucketMask: number;
  private readonly buckets: Int32Array;
  private readonly chainNext: Int32Array;
  private readonly hashes: Uint32Array;
  private readonly lruPrev: Int32Array;
  private readonly lruNext: Int32Array;
  private lruOldest = NIL;
  private lruNewest = NIL;
  private readonly freeSlots: Int32Array;
  private freeTop: number;

  // Per-flow fields: originator address words 0-3, responder words 4-7.
  private readonly addrs: Uint32Array;
  private readonly origPort: Uint16Array;
  private readonly respPort: Uint16Array;
  private readonly proto: Uint8Array;
  private readonly history: Uint16Array;
  readonly firstFlags: Uint16Array;
  readonly firstSeen: Float64Array;
  readonly lastSeen: Float64Array;
  readonly origPackets: Float64Array;
  readonly respPackets: Float64Array;
  readonly origBytes: Float64Array;
  readonly respBytes: Float64Array;
  private readonly uids: Float64Array;
  private readonly http = new Map<number, HttpRequestInfo>();
  private readonly httpChecked: Uint8Array;
  /** The responder's SYN-ACK sequence number, to check the originator's handshake ACK against. */
  private readonly respIsn: Uint32Array;
  /** The originator's SYN sequence number, which the SYN-ACK and the ACK must follow. */
  private readonly origIsn: Uint32Array;
  /** Proof.* per flow. */
  private readonly proof: Uint8Array;
  /** The first SYN-ACK's acknowledgement number: where the originator's data starts (for stream reassembly). */
  private readonly origDataSeq: Uint32Array;

  size = 0;
  evicted = 0;
  expired = 0;
  private nextUid = 1;
  /** Half-open flows held while the table is full. */
  readonly embryos: EmbryonicTable;
  /** Per-packet values the detectors share (source–target hash …), reset by each update(). */
  readonly shared = new PacketSummary();
  /**
   * The slot bare SYNs are shown in while the table is full: taken out of the pool at the first
   * such SYN and kept (the table then holds capacity − 1 flows), so a detector's per-slot state
   * for it is only ever set by packets shown in it.
   */
  private scratch = NIL;
  /** The last cutoff of expireIdle: a held SYN last seen before it has expired. */
  private idleCutoff = -Infinity;

  /** Set by update(): was the packet sent by the flow's originator, and what changed. */
  lastFromOrig = true;
  lastEvents = 0;
  /** The HTTP request parsed from this very packet, else null. */
  lastHttp: HttpRequestInfo | null = null;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 16 || capacity > MAX_FLOW_CAPACITY) throw new RangeError(`flow table capacity must be an integer from 16 to ${MAX_FLOW_CAPACITY}, got ${capacity}`);
    this.capacity = capacity;
    // Doubling by multiplication: `<<=` overflows int32 past 2^30 and would never end.
    let buckets = 1;
    while (buckets < capacity * 2) buckets *= 2;
    this.bucketMask = buckets - 1;
    this.buckets = new Int32Array(buckets).fill(NIL);
    this.chainNext = new Int32Array(capacity);
    this.hashes = new Uint32Array(capacity);
    this.lruPrev = new Int32Array(capacity);
    this.lruNext = new Int32Array(capacity);
    this.freeSlots = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.freeSlots[i] = capacity - 1 - i;
    this.freeTop = capacity;
    this.addrs = new Uint32Array(capacity * 8);
    this.origPort = new Uint16Array(capacity);
    this.respPort = new Uint16Array(capacity);
    this.proto = new Uint8Array(capacity);
    this.history = new Uint16Array(capacity);
    this.firstFlags = new Uint16Array(capacity);
    this.firstSeen = new Float64Array(capacity);
    this.lastSeen = new Float64Array(capacity);
    this.origPackets = new Float64Array(capacity);
    this.respPackets = new Float64Array(capacity);
    this.origBytes = new Float64Array(capacity);
    this.respBytes = new Float64Array(capacity);
    this.uids = new Float64Array(capacity);
    this.httpChecked = new Uint8Array(capacity);
    this.respIsn = new Uint32Array(capacity);
    this.origIsn = new Uint32Array(capacity);
    this.proof = new Uint8Array(capacity);
    this.embryos = new EmbryonicTable(embryonicSize(capacity));
    this.origDataSeq = new Uint32Array(capacity);
  }

  /**
   * Finds or creates the flow of a decoded IP packet and accounts for it. Returns the slot;
   * lastFromOrig and lastEvents describe this packet. Later fragments (no ports) are not
   * tracked and return -1.
   */
  update(pkt: Packet): number {
    this.shared.next();
    if (pkt.isLaterFragment) {
      this.lastEvents = 0;
      this.lastHttp = null;
      return NIL;
    }
    const hash = symmetricHash(pkt);
    let slot = this.buckets[hash & this.bucketMask]!;
    let fromOrig = true;
    while (slot !== NIL) {
      if (this.hashes[slot] === hash && this.proto[slot] === pkt.proto) {
        const dir = this.direction(slot, pkt);
        if (dir !== 0) {
          fromOrig = dir > 0;
          break;
        }
      }
      slot = this.chainNext[slot]!;
    }
    let events = 0;
    if (slot === NIL && this.embryos.held > 0 && pkt.proto === IpProto.TCP) {
      const embryos = this.embryos;
      const e = embryos.indexOf(hash);
      const dir = embryos.direction(e, hash, pkt);
      if (dir !== 0) {
        if (embryos.lastSeenAt(e) < this.idleCutoff) embryos.clear(e);
        else if (dir > 0 && this.freeTop === 0 && isBareSyn(pkt)) return this.synAgain(e, pkt);
        else {
          slot = this.promote(e);
          fromOrig = dir > 0;
        }
      }
    }
    if (slot === NIL) {
      if (this.freeTop === 0 && isBareSyn(pkt)) return this.hold(pkt, hash);
      slot = this.insert(pkt, hash);
      events |= FlowEvent.NEW;
      fromOrig = this.lastFromOrig;
    } else if (slot !== this.lruNewest) {
      this.touch(slot);
    }

    this.lastHttp = null;
    const bytes = pkt.wireLen;
    if (fromOrig) {
      this.origPackets[slot]!++;
      this.origBytes[slot]! += bytes;
    } else {
      this.respPackets[slot]!++;
      this.respBytes[slot]! += bytes;
    }
    this.lastSeen[slot] = pkt.tsMicros;
    if (pkt.proto === IpProto.TCP && pkt.l4Offset !== 0) events |= this.trackTcp(slot, pkt, fromOrig);
    if (fromOrig && pkt.payloadLen > 0 && this.httpChecked[slot] === 0) {
      // Only the first payload-carrying packet of the originator is looked at for HTTP.
      this.httpChecked[slot] = 1;
      const info = parseHttpRequest(pkt.buf, pkt.payloadOffset, pkt.payloadLen);
      if (info !== null) {
        this.http.set(slot, info);
        this.lastHttp = info;
      }
    }
    this.lastFromOrig = fromOrig;
    this.lastEvents = events;
    return slot;
  }

  private trackTcp(slot: number, pkt: Packet, fromOrig: boolean): number {
    const flags = pkt.tcpFlags;
    const payloadLen = pkt.payloadLen;
    const before = this.history[slot]!;
    let h = before;
    const syn = (flags & TcpFlag.SYN) !== 0;
    const ack = (flags & TcpFlag.ACK) !== 0;
    if (fromOrig) {
      if (syn && !ack) {
        if ((h & H.ORIG_SYN) === 0) this.origIsn[slot] = pkt.tcpSeq;
        else if (pkt.tcpSeq !== this.origIsn[slot] && (h & H.ESTABLISHED) === 0) this.proof[slot] = Proof.SPOILED;
        h |= H.ORIG_SYN;
      } else if (ack && (h & H.RESP_SYN_ACK) !== 0 && (h & H.ORIG_SYN) !== 0) h |= H.ESTABLISHED;
      if (flags & TcpFlag.FIN) h |= H.ORIG_FIN;
      if (flags & TcpFlag.RST) h |= H.ORIG_RST;
      if (payloadLen > 0) h |= H.ORIG_DATA;
    } else {
      if (syn && ack) {
        if ((h & H.ESTABLISHED) === 0) this.checkSynAck(slot, pkt, h);
        // The first SYN-ACK says where the server expects the client's data (checkSynAck keeps its sequence number).
        if ((h & H.RESP_SYN_ACK) === 0) this.origDataSeq[slot] = pkt.tcpAck;
        h |= H.RESP_SYN_ACK;
      }
      if (flags & TcpFlag.FIN) h |= H.RESP_FIN;
      if (flags & TcpFlag.RST) {
        h |= H.RESP_RST;
        // The responder refused this connection: a SYN-ACK seen with or after it is forged.
        if ((h & H.ESTABLISHED) === 0) this.proof[slot] = Proof.SPOILED;
      }
      if (payloadLen > 0) h |= H.RESP_DATA;
    }
    this.history[slot] = h;
    let events = 0;
    if ((h & H.ESTABLISHED) !== 0 && (before & H.ESTABLISHED) === 0) {
      events |= FlowEvent.HANDSHAKE_DONE;
      if (
        this.proof[slot] === Proof.NONE &&
        pkt.tcpAck === ((this.respIsn[slot]! + 1) >>> 0) &&
        pkt.tcpSeq === ((this.origIsn[slot]! + 1) >>> 0) &&
        !embedsIpv4(pkt)
      ) {
        this.proof[slot] = Proof.PROVEN;
        events |= FlowEvent.SOURCE_PROVEN;
      } else {
        this.proof[slot] = Proof.SPOILED;
      }
    }
    if ((h & H.RESP_RST) !== 0 && (before & H.RESP_RST) === 0) events |= FlowEvent.RESP_RESET;
    return events;
  }

  /**
   * The responder's SYN-ACK, before the handshake completed. One real handshake has one SYN-ACK
   * sequence number (retransmissions repeat it), answers the SYN we saw, and follows no reset
   * of ours; a cooked capture also says whether the frame left this host. Anything else is
   * someone injecting a SYN-ACK to make a proof: the flow can no longer prove anything.
   */
  private checkSynAck(slot: number, pkt: Packet, h: number): void {
    const first = (h & H.RESP_SYN_ACK) === 0;
    if ((h & H.ORIG_SYN) === 0 || (h & H.RESP_RST) !== 0) this.proof[slot] = Proof.SPOILED;
    else if (!first && pkt.tcpSeq !== this.respIsn[slot]) this.proof[slot] = Proof.SPOILED;
    else if (pkt.tcpAck !== ((this.origIsn[slot]! + 1) >>> 0)) this.proof[slot] = Proof.SPOILED;
    else if (cookedDirection(pkt) !== -1 && cookedDirection(pkt) !== PACKET_OUTGOING) this.proof[slot] = Proof.SPOILED;
    if (first) this.respIsn[slot] = pkt.tcpSeq;
  }

  /** Did the last update() complete a proof (FlowEvent.SOURCE_PROVEN)? */
  lastProved(): boolean {
    return (this.lastEvents & FlowEvent.SOURCE_PROVEN) !== 0;
  }

  /** Did this flow's handshake prove its originator's address (FlowEvent.SOURCE_PROVEN)? */
  isProven(slot: number): boolean {
    return slot >= 0 && this.proof[slot] === Proof.PROVEN;
  }

  /** 1 if pkt goes originator → responder in this slot, -1 for the reverse, 0 for no match. */
  private direction(slot: number, pkt: Packet): number {
    const a = this.addrs;
    const b = slot << 3;
    if (
      this.origPort[slot] === pkt.srcPort &&
      this.respPort[slot] === pkt.dstPort &&
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
      this.origPort[slot] === pkt.dstPort &&
      this.respPort[slot] === pkt.srcPort &&
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

  /** A free slot, evicting the least recently seen flow when there is none. */
  private takeSlot(): number {
    if (this.freeTop === 0) {
      this.remove(this.lruOldest);
      this.evicted++;
    }
    return this.freeSlots[--this.freeTop]!;
  }

  /** A bare SYN of an unknown flow while the table is full: held, shown in the scratch slot as a new flow. */
  private hold(pkt: Packet, hash: number): number {
    const embryos = this.embryos;
    const e = embryos.indexOf(hash);
    if (embryos.stateAt(e) !== EmbryoState.EMPTY && embryos.lastSeenAt(e) < this.idleCutoff) embryos.clear(e);
    embryos.hold(e, hash, pkt, this.nextUid++);
    return this.showHeld(e, hash, FlowEvent.NEW);
  }

  /** Another SYN of a held flow from its originator while the table is full: as a known flow's would be, no event. */
  private synAgain(e: number, pkt: Packet): number {
    this.embryos.again(e, pkt);
    return this.showHeld(e, this.embryos.hashAt(e), 0);
  }

  /** Copies held flow `e` into the scratch slot (taken on first use) for the detectors of this packet. */
  private showHeld(e: number, hash: number, events: number): number {
    if (this.scratch === NIL) this.scratch = this.takeSlot();
    const slot = this.scratch;
    this.fillFromEmbryo(slot, e, hash);
    this.lastFromOrig = true;
    this.lastEvents = events;
    this.lastHttp = null;
    return slot;
  }

  /** Sets slot's per-flow fields to held flow `e`'s: a SYN from its originator and nothing else yet. */
  private fillFromEmbryo(slot: number, e: number, hash: number): void {
    const embryos = this.embryos;
    const a = this.addrs;
    const b = slot << 3;
    for (let i = 0; i < 8; i++) a[b + i] = embryos.addrWord(e, i);
    this.origPort[slot] = embryos.origPortAt(e);
    this.respPort[slot] = embryos.respPortAt(e);
    this.proto[slot] = IpProto.TCP;
    this.hashes[slot] = hash;
    this.history[slot] = H.ORIG_SYN;
    this.firstFlags[slot] = embryos.firstFlagsAt(e);
    this.firstSeen[slot] = embryos.firstSeenAt(e);
    this.lastSeen[slot] = embryos.lastSeenAt(e);
    this.origPackets[slot] = embryos.packetsAt(e);
    this.respPackets[slot] = 0;
    this.origBytes[slot] = embryos.bytesAt(e);
    this.respBytes[slot] = 0;
    this.httpChecked[slot] = 0;
    this.origIsn[slot] = embryos.isnAt(e);
    this.respIsn[slot] = 0;
    this.proof[slot] = embryos.stateAt(e) === EmbryoState.SPOILED ? Proof.SPOILED : Proof.NONE;
    this.uids[slot] = embryos.uidAt(e);
  }

  /** Held flow `e` gets a full slot (the newest), with everything its SYNs did; the entry is emptied. */
  private promote(e: number): number {
    const slot = this.takeSlot();
    const hash = this.embryos.hashAt(e);
    this.fillFromEmbryo(slot, e, hash);
    this.embryos.clear(e);
    this.embryos.promoted++;
    this.link(slot, hash);
    return slot;
  }

  /** Puts slot on its hash chain and at the newest end of the LRU list. */
  private link(slot: number, hash: number): void {
    const bucket = hash & this.bucketMask;
    this.chainNext[slot] = this.buckets[bucket]!;
    this.buckets[bucket] = slot;
    this.lruPrev[slot] = this.lruNewest;
    this.lruNext[slot] = NIL;
    if (this.lruNewest !== NIL) this.lruNext[this.lruNewest] = slot;
    else this.lruOldest = slot;
    this.lruNewest = slot;
    this.size++;
  }

  private insert(pkt: Packet, hash: number): number {
    const slot = this.takeSlot();
    // A SYN-ACK first means we missed the SYN: the sender is the responder (as Zeek flips it).
    const swap = pkt.proto === IpProto.TCP && (pkt.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK);
    const a = this.addrs;
    const b = slot << 3;
    if (!swap) {
      a[b] = pkt.src0; a[b + 1] = pkt.src1; a[b + 2] = pkt.src2; a[b + 3] = pkt.src3;
      a[b + 4] = pkt.dst0; a[b + 5] = pkt.dst1; a[b + 6] = pkt.dst2; a[b + 7] = pkt.dst3;
      this.origPort[slot] = pkt.srcPort;
      this.respPort[slot] = pkt.dstPort;
    } else {
      a[b] = pkt.dst0; a[b + 1] = pkt.dst1; a[b + 2] = pkt.dst2; a[b + 3] = pkt.dst3;
      a[b + 4] = pkt.src0; a[b + 5] = pkt.src1; a[b + 6] = pkt.src2; a[b + 7] = pkt.src3;
      this.origPort[slot] = pkt.dstPort;
      this.respPort[slot] = pkt.srcPort;
    }
    this.lastFromOrig = !swap;
    this.proto[slot] = pkt.proto;
    this.hashes[slot] = hash;
    this.history[slot] = 0;
    this.firstFlags[slot] = pkt.tcpFlags;
    this.firstSeen[slot] = pkt.tsMicros;
    this.origPackets[slot] = 0;
    this.respPackets[slot] = 0;
    this.origBytes[slot] = 0;
    this.respBytes[slot] = 0;
    this.httpChecked[slot] = 0;
    this.proof[slot] = Proof.NONE;
    this.uids[slot] = this.nextUid++;
    this.link(slot, hash);
    return slot;
  }

  private touch(slot: number): void {
    if (slot === this.lruNewest) return;
    const prev = this.lruPrev[slot]!;
    const next = this.lruNext[slot]!;
    if (prev !== NIL) this.lruNext[prev] = next;
    else this.lruOldest = next;
    this.lruPrev[next] = prev;
    this.lruPrev[slot] = this.lruNewest;
    this.lruNext[slot] = NIL;
    this.lruNext[this.lruNewest] = slot;
    this.lruNewest = slot;
  }

  private remove(slot: number): void {
    const bucket = this.hashes[slot]! & this.bucketMask;
    let cur = this.buckets[bucket]!;
    if (cur === slot) {
      this.buckets[bucket] = this.chainNext[slot]!;
    } else {
      while (cur !== NIL) {
        const next = this.chainNext[cur]!;
        if (next === slot) {
          this.chainNext[cur] = this.chainNext[slot]!;
          break;
        }
        cur = next;
      }
    }
    const prev = this.lruPrev[slot]!;
    const next = this.lruNext[slot]!;
    if (prev !== NIL) this.lruNext[prev] = next;
    else this.lruOldest = next;
    if (next !== NIL) this.lruPrev[next] = prev;
    else this.lruNewest = prev;
    if (this.httpChecked[slot] !== 0) this.http.delete(slot);
    this.freeSlots[this.freeTop++] = slot;
    this.size--;
  }

  /** Removes flows idle since before `cutoffMicros`. Cheap when nothing is due: the oldest is at the head. */
  expireIdle(cutoffMicros: number): void {
    this.idleCutoff = cutoffMicros;
    while (this.lruOldest !== NIL && this.lastSeen[this.lruOldest]! < cutoffMicros) {
      this.remove(this.lruOldest);
      this.expired++;
    }
  }

  uidOf(slot: number): number {
    return this.uids[slot]!;
  }

  historyOf(slot: number): number {
    return this.history[slot]!;
  }

  protoOf(slot: number): number {
    return this.proto[slot]!;
  }

  respPortOf(slot: number): number {
    return this.respPort[slot]!;
  }

  origPortOf(slot: number): number {
    return this.origPort[slot]!;
  }

  /**
   * The sequence number of the first data byte of one side (`origSide`: the originator's) when
   * the handshake's SYN-ACK was seen, else -1.
   */
  dataSeqOf(slot: number, origSide: boolean): number {
    if ((this.history[slot]! & H.RESP_SYN_ACK) === 0) return -1;
    return origSide ? this.origDataSeq[slot]! : (this.respIsn[slot]! + 1) >>> 0;
  }

  /** Copies the originator's (side 0) or responder's (side 1) address words into `out`. */
  addressOf(slot: number, side: 0 | 1, out: Uint32Array): void {
    const b = (slot << 3) + (side << 2);
    out[0] = this.addrs[b]!;
    out[1] = this.addrs[b + 1]!;
    out[2] = this.addrs[b + 2]!;
    out[3] = this.addrs[b + 3]!;
  }

  stateOf(slot: number): ConnState {
    return this.proto[slot] === IpProto.TCP ? tcpConnState(this.history[slot]!) : datagramConnState(this.respPackets[slot]!);
  }

  /** Allocates: for snapshots and tests, never per packet. */
  summary(slot: number): FlowSummary {
    const b = slot << 3;
    const a = this.addrs;
    return {
      uid: this.uids[slot]!,
      proto: this.proto[slot]!,
      origAddr: formatAddress(a[b]!, a[b + 1]!, a[b + 2]!, a[b + 3]!),
      origPort: this.origPort[slot]!,
      respAddr: formatAddress(a[b + 4]!, a[b + 5]!, a[b + 6]!, a[b + 7]!),
      respPort: this.respPort[slot]!,
      state: this.stateOf(slot),
      origPackets: this.origPackets[slot]!,
      respPackets: this.respPackets[slot]!,
      origBytes: this.origBytes[slot]!,
      respBytes: this.respBytes[slot]!,
      firstSeenMicros: this.firstSeen[slot]!,
      lastSeenMicros: this.lastSeen[slot]!,
      http: this.http.get(slot) ?? null,
      country: null,
      process: null,
    };
  }

  /** The n most recently active flows, newest first. */
  recent(n: number): FlowSummary[] {
    const out: FlowSummary[] = [];
    for (let s = this.lruNewest; s !== NIL && out.length < n; s = this.lruPrev[s]!) out.push(this.summary(s));
    return out;
  }

  /** The n flows with the most bytes in both directions (one pass, small insertion-sorted top list). */
  top(n: number): FlowSummary[] {
    const best: number[] = [];
    const total = (s: number) => this.origBytes[s]! + this.respBytes[s]!;
    for (let s = this.lruNewest; s !== NIL; s = this.lruPrev[s]!) {
      const t = total(s);
      if (best.length === n && t <= total(best[n - 1]!)) continue;
      let i = best.length < n ? best.length : n - 1;
      best[i] = s;
      while (i > 0 && total(best[i - 1]!) < t) {
        best[i] = best[i - 1]!;
        best[i - 1] = s;
        i--;
      }
    }
    return best.map((s) => this.summary(s));
  }
}

/**
 * An IPv6 packet whose source embeds an IPv4 address in the IPv4-mapped (::ffff:0:0/96) or
 * IPv4-compatible (::/96) form: never a real source on the wire (RFC 4291 §2.5.5), and it would
 * read as the IPv4 address it embeds. It proves nothing, for either address.
 */
function embedsIpv4(pkt: Packet): boolean {
  return pkt.ipVersion === 6 && pkt.src0 === 0 && pkt.src1 === 0 && (pkt.src2 === 0xffff || pkt.src2 === 0);
}

/**
 * The sll_pkttype of a Linux cooked capture frame (LINKTYPE_LINUX_SLL / SLL2), or -1 when the
 * link type does not say which way the frame went.
 */
function cookedDirection(pkt: Packet): number {
  const tags = pkt.vlanDepth * 4;
  if (pkt.linkType === LinkType.LINUX_SLL) {
    const start = pkt.ipOffset - tags - 16;
    return start >= 0 ? (pkt.buf[start]! << 8) | pkt.buf[start + 1]! : -1;
  }
  if (pkt.linkType === LinkType.LINUX_SLL2) {
    const start = pkt.ipOffset - tags - 20;
    return start >= 0 ? pkt.buf[start + 10]! : -1;
  }
  return -1;
}

function mixEndpoint(w0: number, w1: number, w2: number, w3: number, port: number): number {
  let h = Math.imul(w3 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w2 ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ w1 ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ w0 ^ port ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The same value for both directions of a flow, so one lookup serves requests and replies. */
function symmetricHash(p: Packet): number {
  const a = mixEndpoint(p.src0, p.src1, p.src2, p.src3, p.srcPort);
  const b = mixEndpoint(p.dst0, p.dst1, p.dst2, p.dst3, p.dstPort);
  return (Math.imul((a + b) | 0, 0x27d4eb2d) ^ p.proto) >>> 0;
}
