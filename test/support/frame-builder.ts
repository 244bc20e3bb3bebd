/**
 * Builds link/IP/transport frames byte by byte for unit tests of the decoders, flows and
 * detectors. Fixtures recorded from real tools cover real traffic; these cover the edges
 * (every flag, option, bad length) that a tool will not produce on demand.
 */
export interface TcpSpec {
  srcPort: number;
  dstPort: number;
  flags: number;
  seq?: number;
  ack?: number;
  window?: number;
  options?: number[];
  payload?: Buffer;
}

export interface UdpSpec {
  srcPort: number;
  dstPort: number;
  payload?: Buffer;
}

export function v4(text: string): number[] {
  return text.split('.').map(Number);
}

export function v6(text: string): number[] {
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => [g >> 8, g & 255]);
}

export function tcp(spec: TcpSpec): Buffer {
  const opts = spec.options ?? [];
  const optLen = Math.ceil(opts.length / 4) * 4;
  const payload = spec.payload ?? Buffer.alloc(0);
  const b = Buffer.alloc(20 + optLen + payload.length);
  b.writeUInt16BE(spec.srcPort, 0);
  b.writeUInt16BE(spec.dstPort, 2);
  b.writeUInt32BE(spec.seq ?? 1000, 4);
  b.writeUInt32BE(spec.ack ?? 0, 8);
  b[12] = (((20 + optLen) / 4) << 4) | ((spec.flags >> 8) & 1);
  b[13] = spec.flags & 0xff;
  b.writeUInt16BE(spec.window ?? 1024, 14);
  Buffer.from(opts).copy(b, 20);
  payload.copy(b, 20 + optLen);
  return b;
}

export function udp(spec: UdpSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const b = Buffer.alloc(8 + payload.length);
  b.writeUInt16BE(spec.srcPort, 0);
  b.writeUInt16BE(spec.dstPort, 2);
  b.writeUInt16BE(8 + payload.length, 4);
  payload.copy(b, 8);
  return b;
}

export function icmp(type: number, code: number, rest: Buffer = Buffer.alloc(4)): Buffer {
  return Buffer.concat([Buffer.from([type, code, 0, 0]), rest]);
}

export interface Ipv4Spec {
  src: string;
  dst: string;
  proto: number;
  ttl?: number;
  options?: number[];
  fragOffset?: number;
  moreFragments?: boolean;
  totalLength?: number;
}

export function ipv4(spec: Ipv4Spec, payload: Buffer): Buffer {
  const opts = spec.options ?? [];
  const ihl = 20 + Math.ceil(opts.length / 4) * 4;
  const b = Buffer.alloc(ihl + payload.length);
  b[0] = 0x40 | (ihl / 4);
  b.writeUInt16BE(spec.totalLength ?? b.length, 2);
  b.writeUInt16BE(0x1234, 4);
  b.writeUInt16BE(((spec.moreFragments ? 1 : 0) << 13) | (spec.fragOffset ?? 0), 6);
  b[8] = spec.ttl ?? 64;
  b[9] = spec.proto;
  Buffer.from(v4(spec.src)).copy(b, 12);
  Buffer.from(v4(spec.dst)).copy(b, 16);
  Buffer.from(opts).copy(b, 20);
  payload.copy(b, ihl);
  return b;
}

/** Extension headers as [nextHeaderType, bytes] pairs, outermost first. */
export function ipv6(src: string, dst: string, proto: number, payload: Buffer, ext: { type: number; body: Buffer }[] = []): Buffer {
  const chain: Buffer[] = [];
  for (let i = 0; i < ext.length; i++) {
    const next = i + 1 < ext.length ? ext[i + 1]!.type : proto;
    const e = Buffer.from(ext[i]!.body);
    e[0] = next;
    chain.push(e);
  }
  const body = Buffer.concat([...chain, payload]);
  const b = Buffer.alloc(40 + body.length);
  b[0] = 0x60;
  b.writeUInt16BE(body.length, 4);
  b[6] = ext.length > 0 ? ext[0]!.type : proto;
  b[7] = 64;
  Buffer.from(v6(src)).copy(b, 8);
  Buffer.from(v6(dst)).copy(b, 24);
  body.copy(b, 40);
  return b;
}

/** A generic 8-byte extension header (hop-by-hop, destination options, routing). */
export function ext8(type: number): { type: number; body: Buffer } {
  return { type, body: Buffer.alloc(8) };
}

export function ethernet(payload: Buffer, etherType = 0x0800, vlans: { tpid: number; id: number }[] = []): Buffer {
  const tags = vlans.map((v) => {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(v.tpid, 0);
    t.writeUInt16BE(v.id, 2);
    return t;
  });
  const head = Buffer.alloc(12, 0xaa);
  const type = Buffer.alloc(2);
  type.writeUInt16BE(etherType);
  // Each tag is TPID + TCI; the EtherType after the last tag is the payload's.
  return Buffer.concat([head, ...tags, type, payload]);
}

export function sll(payload: Buffer, protocol = 0x0800): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0, 0); // packet type: to us
  h.writeUInt16BE(1, 2); // ARPHRD_ETHER
  h.writeUInt16BE(6, 4);
  h.writeUInt16BE(protocol, 14);
  return Buffer.concat([h, payload]);
}

export function sll2(payload: Buffer, protocol = 0x0800): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(protocol, 0);
  h.writeUInt32BE(2, 4); // interface index
  h.writeUInt16BE(1, 8);
  h[11] = 6;
  return Buffer.concat([h, payload]);
}

export function bsdNull(payload: Buffer, family: number, bigEndian = false): Buffer {
  const h = Buffer.alloc(4);
  if (bigEndian) h.writeUInt32BE(family);
  else h.writeUInt32LE(family);
  return Buffer.concat([h, payload]);
}

export const MSS_ONLY = [2, 4, 0x05, 0xb4];
/** What Linux connect() sends: MSS, SACK-permitted, timestamps, NOP, window scale. */
export const LINUX_SYN_OPTIONS = [2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];
