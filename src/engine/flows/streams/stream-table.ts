import { formatAddress } from '../../../net/address.js';
import { IpProto, TcpFlag, type Packet } from '../../decode/packet.js';
import type { FlowTable } from '../flow-table.js';
import { TcpHistory } from '../tcp-history.js';
import { ByteBudget } from './byte-budget.js';
import { couldStartHttpRequest } from './http/http-methods.js';
import { appOfPort, type StreamApp } from './stream-apps.js';
import type { StreamInfo, StreamListener } from './stream-listener.js';
import { StreamStats } from './stream-stats.js';
import { TcpStream, type StreamShared } from './tcp-stream.js';

export interface StreamLimits {
  /** Streams open at once; the least recently active is dropped for a new one past this. */
  maxStreams: number;
  /** Bytes all streams may hold together (out-of-order data, heads, kept bodies). */
  maxBytes: number;
  /** Bytes one direction may hold out of order before the hole in front is given up. */
  maxHeldBytes: number;
  /** Bytes of an HTTP head kept (request or response). */
  maxHeadBytes: number;
  /** Bytes of a request body kept for inspection. */
  maxBodyBytes: number;
  /** A stream without packets for this long is closed (what it holds is inspected first). */
  idleSeconds: number;
}

/** What one open stream costs besides the bytes it holds (its objects, measured ~4.5 KB with an empty head buffer). */
export const STREAM_OVERHEAD_BYTES = 4096;

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxStreams: 8192,
  maxBytes: 32 * 1024 * 1024,
  maxHeldBytes: 256 * 1024,
  maxHeadBytes: 32 * 1024,
  maxBodyBytes: 64 * 1024,
  idleSeconds: 120,
};

const NIL = -1;
/** slotUid value of a slot whose flow has not been decided on. */
const UNDECIDED = -1;

/**
 * The TCP streams of the flows we inspect, by flow-table slot. Only flows that need it get a
 * stream: connections to HTTP, FTP, POP3, IMAP and SMTP ports, and connections to any other port
 * whose client opens with an HTTP request (see decide). The pipeline calls `onSegment` only for TCP packets
 * that carry data, FIN or RST, so a bare SYN costs the stream layer nothing, and a packet of a
 * flow decided against costs two array reads.
 *
 * Memory is bounded three ways: the number of streams (LRU), the bytes each direction may hold
 * out of order, and one budget for all held bytes, heads and kept bodies, which reclaims from
 * the least recently active streams first. Every drop is counted in `stats`.
 */
export class StreamTable {
  readonly stats = new StreamStats();
  readonly budget: ByteBudget;
  readonly limits: StreamLimits;
  private readonly shared: StreamShared;
  /** Per flow slot: the uid of the flow a decision was made for, and its stream index (or NIL). */
  private readonly slotUid: Float64Array;
  private readonly slotStream: Int32Array;
  private readonly streams: (TcpStream | null)[];
  private readonly streamSlot: Int32Array;
  private readonly lruPrev: Int32Array;
  private readonly lruNext: Int32Array;
  private oldest = NIL;
  private newest = NIL;
  private readonly free: number[] = [];
  private readonly words = new Uint32Array(4);
  private nextSweep = 0;
  size = 0;

  constructor(flowCapacity: number, listeners: readonly StreamListener[], limits: Partial<StreamLimits> = {}) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...limits };
    const l = this.limits;
    for (const [k, v] of Object.entries(l)) if (!(typeof v === 'number' && v > 0)) throw new RangeError(`stream limit ${k} must be a positive number, got ${v}`);
    this.budget = new ByteBudget(l.maxBytes);
    this.budget.reclaim = (bytes, keep) => this.reclaim(bytes, keep);
    this.shared = {
      budget: this.budget,
      stats: this.stats,
      http: { maxHeadBytes: l.maxHeadBytes, maxBodyBytes: l.maxBodyBytes },
      maxHeldBytes: l.maxHeldBytes,
      now: 0,
      onRequest: listeners.filter((x) => x.onHttpRequest !== undefined),
      onBody: listeners.filter((x) => x.onHttpBody !== undefined),
      onExchange: listeners.filter((x) => x.onHttpExchange !== undefined),
      onLogin: listeners.filter((x) => x.onLoginReply !== undefined),
    };
    this.slotUid = new Float64Array(flowCapacity).fill(UNDECIDED);
    this.slotStream = new Int32Array(flowCapacity).fill(NIL);
    this.streams = new Array<TcpStream | null>(l.maxStreams).fill(null);
    this.streamSlot = new Int32Array(l.maxStreams).fill(NIL);
    this.lruPrev = new Int32Array(l.maxStreams).fill(NIL);
    this.lruNext = new Int32Array(l.maxStreams).fill(NIL);
    for (let i = l.maxStreams - 1; i >= 0; i--) this.free.push(i);
  }

  /** A TCP packet of flow `slot` that carries data, FIN or RST (the pipeline filters). */
  onSegment(pkt: Packet, flows: FlowTable, slot: number): void {
    const uid = flows.uidOf(slot);
    let idx: number;
    if (this.slotUid[slot] === uid) {
      idx = this.slotStream[slot]!;
      if (idx === NIL) return;
    } else {
      idx = this.decide(pkt, flows, slot, uid);
      if (idx === NIL) return;
    }
    const s = this.streams[idx]!;
    this.shared.now = pkt.tsMicros;
    s.lastSeen = pkt.tsMicros;
    this.touch(idx);
    s.segment(pkt, flows.lastFromOrig === s.clientIsOrig);
    if (s.closed) this.close(idx, false);
  }

  /** Closes streams idle too long (packet time), inspecting what they hold. */
  tick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + 1e6;
    const cutoff = nowMicros - this.limits.idleSeconds * 1e6;
    this.shared.now = nowMicros;
    while (this.oldest !== NIL && this.streams[this.oldest]!.lastSeen < cutoff) {
      this.stats.expired++;
      this.close(this.oldest, true);
    }
  }

  /** The stream of a flow slot, for tests and diagnostics. */
  streamOf(slot: number): TcpStream | null {
    const idx = this.slotStream[slot]!;
    return idx === NIL ? null : this.streams[idx]!;
  }

  /**
   * Does this flow get a stream? Data decides: a packet without any leaves the flow undecided.
   * Connections whose handshake was seen get one on a listed port, or on any port when the
   * client's first bytes start an HTTP request. Without a handshake in view, data is accepted by
   * no host while a SYN waits for its answer (undecided), and a connection already open when the
   * capture began gets one only when the client's bytes start a request: data floods from
   * spoofed sources open nothing.
   */
  private decide(pkt: Packet, flows: FlowTable, slot: number, uid: number): number {
    const old = this.slotStream[slot]!;
    if (old !== NIL) {
      // The flow this slot held is gone (evicted or expired): its stream ends with it.
      this.stats.expired++;
      this.close(old, false);
    }
    if (pkt.payloadLen === 0) return NIL;
    const handshake = flows.dataSeqOf(slot, true) >= 0;
    if (!handshake && (flows.historyOf(slot) & TcpHistory.ORIG_SYN) !== 0) return NIL;
    let app: StreamApp | null = appOfPort(flows.respPortOf(slot));
    let clientIsOrig = true;
    if (app === null) {
      app = appOfPort(flows.origPortOf(slot));
      if (app !== null) clientIsOrig = false;
    }
    if (app === null || (app === 'HTTP' && !handshake)) {
      if (flows.lastFromOrig !== clientIsOrig) {
        this.slotUid[slot] = uid; // the server spoke first: not HTTP
        return NIL;
      }
      if (!couldStartHttpRequest(pkt.buf, pkt.payloadOffset, pkt.payloadLen)) {
        // Not the client's first segment (it came out of order)? Then wait for the first.
        const seq = (pkt.tcpFlags & TcpFlag.SYN) !== 0 ? (pkt.tcpSeq + 1) >>> 0 : pkt.tcpSeq;
        if (!handshake || seq === flows.dataSeqOf(slot, clientIsOrig)) this.slotUid[slot] = uid;
        return NIL;
      }
      app = 'HTTP';
    } else if (!handshake) {
      this.slotUid[slot] = uid;
      return NIL;
    }
    this.slotUid[slot] = uid;
    return this.open(flows, slot, uid, app, clientIsOrig);
  }

  private open(flows: FlowTable, slot: number, uid: number, app: StreamApp, clientIsOrig: boolean): number {
    if (this.free.length === 0) {
      this.stats.evicted++;
      this.close(this.oldest, true);
    }
    // A stream's own objects (parsers, reassemblers, addresses) are charged too: the budget bounds
    // the memory of many nearly empty streams as well as of a few full ones.
    if (!this.budget.take(STREAM_OVERHEAD_BYTES, null)) return NIL;
    const idx = this.free.pop()!;
    const w = this.words;
    flows.addressOf(slot, clientIsOrig ? 0 : 1, w);
    const client = formatAddress(w[0]!, w[1]!, w[2]!, w[3]!);
    flows.addressOf(slot, clientIsOrig ? 1 : 0, w);
    const server = formatAddress(w[0]!, w[1]!, w[2]!, w[3]!);
    const info: StreamInfo = {
      uid,
      app,
      client,
      server,
      clientPort: clientIsOrig ? flows.origPortOf(slot) : flows.respPortOf(slot),
      serverPort: clientIsOrig ? flows.respPortOf(slot) : flows.origPortOf(slot),
      serverWords: Uint32Array.from(w),
    };
    const c2sStart = flows.dataSeqOf(slot, clientIsOrig);
    const s2cStart = flows.dataSeqOf(slot, !clientIsOrig);
    const stream = new TcpStream(this.shared, info, clientIsOrig, c2sStart >= 0);
    if (c2sStart >= 0) stream.c2s.start(c2sStart);
    if (s2cStart >= 0) stream.s2c.start(s2cStart);
    this.streams[idx] = stream;
    this.streamSlot[idx] = slot;
    this.slotStream[slot] = idx;
    this.link(idx);
    this.size++;
    this.stats.opened++;
    return idx;
  }

  /**
   * Ends a stream (what it holds is delivered and inspected), frees its memory and its index.
   * `reopen`: the connection may go on (the stream was evicted or idle), so its next packet
   * opens a new stream that looks for the next request; a connection that ended stays decided.
   */
  private close(idx: number, reopen: boolean): void {
    const s = this.streams[idx]!;
    this.streams[idx] = null;
    this.unlink(idx);
    const slot = this.streamSlot[idx]!;
    this.streamSlot[idx] = NIL;
    if (this.slotStream[slot] === idx) {
      this.slotStream[slot] = NIL;
      if (reopen) this.slotUid[slot] = UNDECIDED;
    }
    this.free.push(idx);
    this.size--;
    s.finish();
    s.release();
    this.budget.give(STREAM_OVERHEAD_BYTES);
  }

  /** Frees at least `bytes` of the budget by closing the least recently active streams other than `keep`. */
  private reclaim(bytes: number, keep: unknown): void {
    const target = this.budget.used - bytes;
    let idx = this.oldest;
    while (idx !== NIL && this.budget.used > target) {
      const next = this.lruNext[idx]!;
      if (this.streams[idx] !== keep) {
        this.stats.evicted++;
        this.close(idx, true);
      }
      idx = next;
    }
  }

  private link(idx: number): void {
    this.lruPrev[idx] = this.newest;
    this.lruNext[idx] = NIL;
    if (this.newest !== NIL) this.lruNext[this.newest] = idx;
    else this.oldest = idx;
    this.newest = idx;
  }

  private unlink(idx: number): void {
    const prev = this.lruPrev[idx]!;
    const next = this.lruNext[idx]!;
    if (prev !== NIL) this.lruNext[prev] = next;
    else this.oldest = next;
    if (next !== NIL) this.lruPrev[next] = prev;
    else this.newest = prev;
    this.lruPrev[idx] = NIL;
    this.lruNext[idx] = NIL;
  }

  private touch(idx: number): void {
    if (idx === this.newest) return;
    this.unlink(idx);
    this.link(idx);
  }
}
