import { formatAddress, parseAddress } from '../../net/address.js';
import type { Packet } from '../decode/packet.js';
import type { FeedPacket } from '../../model/feed-packet.js';

/**
 * A ring of packets in typed arrays: recording costs a few stores and no allocation; objects are
 * made only for the packets a snapshot actually carries.
 */
export class PacketRing {
  private readonly ts: Float64Array;
  private readonly addrs: Uint32Array;
  private readonly ports: Uint32Array;
  private readonly meta: Uint32Array; // proto | flags << 8 | (icmpType + 1) << 20
  private readonly lengths: Uint32Array;
  private readonly flowUids: Float64Array;
  /** Rare (first request of an HTTP flow), so a plain array of strings is fine. */
  private readonly infos: (string | null)[];
  /** Packets recorded since the start (or the last clear); the ring holds the last `capacity`. */
  written = 0;

  constructor(readonly capacity: number) {
    this.ts = new Float64Array(capacity);
    this.addrs = new Uint32Array(capacity * 8);
    this.ports = new Uint32Array(capacity);
    this.meta = new Uint32Array(capacity);
    this.lengths = new Uint32Array(capacity);
    this.flowUids = new Float64Array(capacity);
    this.infos = new Array<string | null>(capacity).fill(null);
  }

  record(p: Packet, flowUid: number, info: string | null): void {
    const i = this.written % this.capacity;
    this.written++;
    this.ts[i] = p.tsMicros;
    const b = i << 3;
    const a = this.addrs;
    a[b] = p.src0; a[b + 1] = p.src1; a[b + 2] = p.src2; a[b + 3] = p.src3;
    a[b + 4] = p.dst0; a[b + 5] = p.dst1; a[b + 6] = p.dst2; a[b + 7] = p.dst3;
    this.ports[i] = ((p.srcPort << 16) | p.dstPort) >>> 0;
    this.meta[i] = (p.proto | (p.tcpFlags << 8) | ((p.icmpType + 1) << 20)) >>> 0;
    this.lengths[i] = p.wireLen;
    this.infos[i] = info;
    this.flowUids[i] = flowUid;
  }

  /** A packet already made into an object (a late match) goes in as it is. */
  recordObject(p: FeedPacket): void {
    const i = this.written % this.capacity;
    this.written++;
    this.ts[i] = p.tsMicros;
    const b = i << 3;
    this.addrs.set(parseWords(p.src), b);
    this.addrs.set(parseWords(p.dst), b + 4);
    this.ports[i] = ((p.srcPort << 16) | p.dstPort) >>> 0;
    this.meta[i] = (p.proto | (p.tcpFlags << 8) | ((p.icmpType + 1) << 20)) >>> 0;
    this.lengths[i] = p.length;
    this.infos[i] = p.info;
    this.flowUids[i] = p.flowUid;
  }

  clear(): void {
    this.written = 0;
    this.infos.fill(null);
  }

  /** The oldest packet number the ring still holds. */
  get oldest(): number {
    return Math.max(0, this.written - this.capacity);
  }

  /** The packets recorded after `since` (a previous `written`), newest last, at most `max`. */
  since(since: number, max: number): FeedPacket[] {
    const from = Math.max(since, this.written - Math.min(max, this.capacity));
    const out: FeedPacket[] = [];
    for (let n = from; n < this.written; n++) out.push(this.at(n));
    return out;
  }

  /** Packet number `n` (between `oldest` and `written`) as an object. */
  at(n: number): FeedPacket {
    const i = n % this.capacity;
    const b = i << 3;
    const a = this.addrs;
    const meta = this.meta[i]!;
    return {
      tsMicros: this.ts[i]!,
      proto: meta & 0xff,
      src: formatAddress(a[b]!, a[b + 1]!, a[b + 2]!, a[b + 3]!),
      srcPort: this.ports[i]! >>> 16,
      dst: formatAddress(a[b + 4]!, a[b + 5]!, a[b + 6]!, a[b + 7]!),
      dstPort: this.ports[i]! & 0xffff,
      tcpFlags: (meta >>> 8) & 0xfff,
      length: this.lengths[i]!,
      icmpType: (meta >>> 20) - 1,
      info: this.infos[i] ?? null,
      country: null,
      process: null,
      flowUid: this.flowUids[i]!,
    };
  }
}

function parseWords(text: string): [number, number, number, number] {
  return parseAddress(text) ?? [0, 0, 0, 0];
}
