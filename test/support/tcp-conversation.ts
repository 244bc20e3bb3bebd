import { IpProto, TcpFlag, type Packet } from '../../src/engine/decode/packet.js';
import type { PacketDetector } from '../../src/engine/detectors/detector.js';
import { FlowTable } from '../../src/engine/flows/flow-table.js';
import type { StreamListener } from '../../src/engine/flows/streams/stream-listener.js';
import { StreamTable, type StreamLimits } from '../../src/engine/flows/streams/stream-table.js';
import { tcpPacket } from './packet-factory.js';

/**
 * Flow table + stream table (+ packet detectors) fed as the pipeline feeds them: every packet
 * updates the flows, TCP packets with data, FIN or RST reach the streams, then the detectors.
 */
export class StreamRig {
  readonly flows: FlowTable;
  readonly streams: StreamTable;
  ts = 1_700_000_000_000_000;

  constructor(
    listeners: readonly StreamListener[],
    limits: Partial<StreamLimits> = {},
    private readonly detectors: readonly PacketDetector[] = [],
    flowCapacity = 4096,
  ) {
    this.flows = new FlowTable(flowCapacity);
    this.streams = new StreamTable(flowCapacity, listeners, limits);
  }

  feed(pkt: Packet): void {
    const slot = this.flows.update(pkt);
    if (slot >= 0 && pkt.proto === IpProto.TCP && (pkt.payloadLen > 0 || (pkt.tcpFlags & (TcpFlag.FIN | TcpFlag.RST)) !== 0)) this.streams.onSegment(pkt, this.flows, slot);
    for (const d of this.detectors) d.onPacket(pkt, this.flows, slot);
  }

  /** Moves packet time on by `micros` and lets the stream table sweep idle streams. */
  advance(micros: number): void {
    this.ts += micros;
    this.streams.tick(this.ts);
  }

  connection(client: string, server: string, clientPort: number, serverPort: number): TcpConversation {
    return new TcpConversation(this, client, server, clientPort, serverPort);
  }
}

/** One TCP connection: handshake, client and server segments at any sequence offset, FIN. */
export class TcpConversation {
  /** Initial sequence numbers; data starts at ISN + 1. Near 2^32 so streams wrap. */
  readonly clientIsn = 0xffff_fc00;
  readonly serverIsn = 0x7fff_ff00;
  /** Next byte offsets (relative to the first data byte) of each side. */
  clientOff = 0;
  serverOff = 0;
  /** The end of the furthest client byte sent, in order or not. */
  clientEnd = 0;

  constructor(
    private readonly rig: StreamRig,
    readonly client: string,
    readonly server: string,
    readonly clientPort: number,
    readonly serverPort: number,
  ) {}

  private c(flags: number, payload?: Buffer, off = this.clientOff): void {
    this.rig.ts += 100;
    const seq = (this.clientIsn + 1 + off) >>> 0;
    const ack = (this.serverIsn + 1 + this.serverOff) >>> 0;
    this.rig.feed(tcpPacket(this.client, this.server, { srcPort: this.clientPort, dstPort: this.serverPort, flags, seq: flags === TcpFlag.SYN ? this.clientIsn : seq, ack, ...(payload ? { payload } : {}) }, this.rig.ts));
  }

  private s(flags: number, payload?: Buffer, off = this.serverOff): void {
    this.rig.ts += 100;
    const seq = (this.serverIsn + 1 + off) >>> 0;
    const ack = (this.clientIsn + 1 + this.clientOff) >>> 0;
    const synAck = (flags & TcpFlag.SYN) !== 0;
    this.rig.feed(tcpPacket(this.server, this.client, { srcPort: this.serverPort, dstPort: this.clientPort, flags, seq: synAck ? this.serverIsn : seq, ack: synAck ? (this.clientIsn + 1) >>> 0 : ack, ...(payload ? { payload } : {}) }, this.rig.ts));
  }

  open(): this {
    this.c(TcpFlag.SYN);
    this.s(TcpFlag.SYN | TcpFlag.ACK);
    this.c(TcpFlag.ACK);
    return this;
  }

  /** Client bytes at the next offset (or at `at`, out of order; the next offset moves only for in-order sends). */
  send(data: string | Buffer, at?: number): this {
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (at === undefined) {
      this.c(TcpFlag.PSH | TcpFlag.ACK, b);
      this.clientOff += b.length;
    } else {
      this.c(TcpFlag.PSH | TcpFlag.ACK, b, at);
      if (at + b.length > this.clientOff && at <= this.clientOff) this.clientOff = at + b.length;
    }
    if (this.clientOff > this.clientEnd) this.clientEnd = this.clientOff;
    if (at !== undefined && at + b.length > this.clientEnd) this.clientEnd = at + b.length;
    return this;
  }

  /** A client packet with these flags and no data at byte offset `off` (resets, stray FINs). */
  rawClient(flags: number, off: number): this {
    this.c(flags, undefined, off);
    return this;
  }

  /** Client bytes split into segments of `size` bytes, in order. */
  sendSplit(data: string, size: number): this {
    for (let i = 0; i < data.length; i += size) this.send(data.slice(i, i + size));
    return this;
  }

  /** Server bytes at the next offset. */
  reply(data: string | Buffer): this {
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.s(TcpFlag.PSH | TcpFlag.ACK, b);
    this.serverOff += b.length;
    return this;
  }

  /**
   * Both sides FIN: the client's after its furthest byte; the server acknowledges everything up
   * to it (bytes never sent in between were lost by the capture, as far as the stream can tell).
   */
  close(): this {
    this.clientOff = this.clientEnd;
    this.c(TcpFlag.FIN | TcpFlag.ACK);
    this.clientOff++;
    this.clientEnd = this.clientOff;
    this.s(TcpFlag.FIN | TcpFlag.ACK);
    this.serverOff++;
    this.c(TcpFlag.ACK);
    return this;
  }
}
