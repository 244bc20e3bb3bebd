/**
 * Crafted malformed Ethernet frames, each with the malformed reason the decoder must count
 * (src/engine/decode/malformed.ts), and the good frames they are interleaved with. Fully
 * deterministic (no randomness at all, so no seed to keep): scripts/make-crafted-pcaps.ts writes
 * them to fixtures/crafted/, and test/integration/crafted-pcaps.test.ts checks that the committed
 * file is still exactly what this module builds.
 */
import { IpProto, TcpFlag } from '../../src/engine/decode/packet.js';
import { ethernet, ext8, icmp, ipv4, ipv6, tcp, udp } from './frame-builder.js';

export interface CraftedFrame {
  name: string;
  frame: Buffer;
  /** MALFORMED_REASON_NAMES entry, or null when the frame must decode (not be counted). */
  reason: string | null;
}

const SRC = '10.66.0.1';
const DST = '10.66.0.2';
/** Ethernet header, then IPv4 at 14, TCP/UDP at 34 (no IP options). */
const IP = 14;
const L4 = 34;

/** Stale bytes a leaking decoder would show: big, recognisable, HTTP-shaped. */
export const LEAK_MARKER = 'LEAKED-FROM-AN-EARLIER-PACKET';

function tcpFrame(payload: Buffer = Buffer.alloc(0), dstPort = 80): Buffer {
  return ethernet(ipv4({ src: SRC, dst: DST, proto: IpProto.TCP }, tcp({ srcPort: 40000, dstPort, flags: TcpFlag.PSH | TcpFlag.ACK, payload })));
}

function patched(frame: Buffer, edits: [offset: number, value: number][]): Buffer {
  const b = Buffer.from(frame);
  for (const [at, v] of edits) b[at] = v;
  return b;
}

function withTotalLength(frame: Buffer, length: number): Buffer {
  const b = Buffer.from(frame);
  b.writeUInt16BE(length, IP + 2);
  return b;
}

/** The IP total length rewritten to match a frame cut at `cut`: the transport is what is short. */
function cutConsistently(frame: Buffer, cut: number): Buffer {
  return withTotalLength(frame.subarray(0, cut), cut - IP);
}

/** The good frames: each crafted one is followed by one of these in the file. */
export function goodFrames(): Buffer[] {
  return [
    tcpFrame(Buffer.from('GET /ok HTTP/1.1\r\nHost: good.example\r\n\r\n')),
    // Ends mid-header, no blank line: a decoder that reads past the frame would pick up the
    // stale bytes behind it (the previous, larger packet's) as more header lines.
    tcpFrame(Buffer.from('GET /short HTTP/1.1\r\nHost: a')),
    ethernet(ipv4({ src: SRC, dst: DST, proto: IpProto.UDP }, udp({ srcPort: 5353, dstPort: 53, payload: Buffer.from('q') }))),
    ethernet(ipv6('fd66::1', 'fd66::2', IpProto.TCP, tcp({ srcPort: 1, dstPort: 22, flags: TcpFlag.SYN })), 0x86dd),
  ];
}

export function craftedFrames(): CraftedFrame[] {
  const out: CraftedFrame[] = [];
  // A big packet whose payload is the leak marker, so stale bytes in a shared buffer are obvious.
  out.push({ name: 'large-http-with-marker', frame: tcpFrame(Buffer.from(`GET /${LEAK_MARKER} HTTP/1.1\r\nHost: ${LEAK_MARKER}\r\nUser-Agent: ${LEAK_MARKER.repeat(20)}\r\n\r\n`)), reason: null });

  const base = tcpFrame(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
  for (const ihl of [0, 1, 2, 3, 4]) out.push({ name: `ipv4-ihl-${ihl}`, frame: patched(base, [[IP, 0x40 | ihl]]), reason: 'ipv4_bad_ihl' });
  // IHL 15 claims 60 header bytes; the packet holds 58 in all.
  const small = tcpFrame();
  out.push({ name: 'ipv4-ihl-15', frame: patched(small, [[IP, 0x4f]]), reason: 'ipv4_bad_ihl' });
  // Total length 0 is what the kernel leaves in packets it sends with segmentation offload:
  // decoded with the frame's own length, not counted (ipv4.ts).
  out.push({ name: 'ipv4-total-length-0', frame: withTotalLength(base, 0), reason: null });
  out.push({ name: 'ipv4-total-length-past-frame', frame: withTotalLength(base, base.length - IP + 1), reason: 'ipv4_bad_total_length' });
  out.push({ name: 'ipv4-total-length-65535', frame: withTotalLength(base, 65535), reason: 'ipv4_bad_total_length' });
  out.push({ name: 'ipv4-total-length-below-header', frame: withTotalLength(base, 19), reason: 'ipv4_bad_total_length' });
  out.push({ name: 'ip-version-5', frame: patched(base, [[IP, 0x55]]), reason: 'ip_bad_version' });

  for (const words of [0, 1, 2, 3, 4]) out.push({ name: `tcp-data-offset-${words}`, frame: patched(base, [[L4 + 12, words << 4]]), reason: 'tcp_bad_data_offset' });
  // Data offset 15 claims 60 header bytes; the segment holds 20.
  out.push({ name: 'tcp-data-offset-15', frame: patched(small, [[L4 + 12, 0xf0]]), reason: 'tcp_bad_data_offset' });

  // 64 extension headers: far past the chain bound (MAX_IPV6_EXTENSION_HEADERS).
  const chain = Array.from({ length: 64 }, (_, i) => ext8(i % 2 === 0 ? 0 : 60));
  chain[0] = ext8(0); // hop-by-hop first, as the RFC requires; the rest alternate
  out.push({ name: 'ipv6-64-extension-headers', frame: ethernet(ipv6('fd66::1', 'fd66::2', IpProto.TCP, tcp({ srcPort: 1, dstPort: 2, flags: TcpFlag.SYN }), chain), 0x86dd), reason: 'ipv6_ext_chain_too_long' });

  // Cut at every layer boundary (and one byte either side), lengths left as they were.
  for (const cut of [0, 1, 13]) out.push({ name: `cut-${cut}-in-ethernet`, frame: base.subarray(0, cut), reason: 'link_truncated' });
  for (const cut of [14, 15, 33]) out.push({ name: `cut-${cut}-in-ipv4-header`, frame: base.subarray(0, cut), reason: 'ipv4_truncated' });
  for (const cut of [34, 35, 53, 54]) out.push({ name: `cut-${cut}-after-ipv4-header`, frame: base.subarray(0, cut), reason: 'ipv4_bad_total_length' });
  // Cut with the IP length rewritten to match: now the transport header is what is short.
  for (const cut of [34, 35, 53]) out.push({ name: `cut-${cut}-tcp-consistent`, frame: cutConsistently(base, cut), reason: 'tcp_truncated' });
  const udpBase = ethernet(ipv4({ src: SRC, dst: DST, proto: IpProto.UDP }, udp({ srcPort: 1, dstPort: 53, payload: Buffer.alloc(8, 1) })));
  for (const cut of [34, 41]) out.push({ name: `cut-${cut}-udp-consistent`, frame: cutConsistently(udpBase, cut), reason: 'udp_truncated' });
  const udpLong = Buffer.from(udpBase);
  udpLong.writeUInt16BE(200, L4 + 4);
  out.push({ name: 'udp-length-past-packet', frame: udpLong, reason: 'udp_bad_length' });
  // An SCTP common header is 12 bytes: 11 are not one.
  const sctpBase = ethernet(ipv4({ src: SRC, dst: DST, proto: IpProto.SCTP }, Buffer.alloc(16, 1)));
  out.push({ name: 'cut-45-sctp-consistent', frame: cutConsistently(sctpBase, 45), reason: 'sctp_truncated' });
  const icmpBase = ethernet(ipv4({ src: SRC, dst: DST, proto: IpProto.ICMP }, icmp(8, 0)));
  out.push({ name: 'cut-37-icmp-consistent', frame: cutConsistently(icmpBase, 37), reason: 'icmp_truncated' });
  const v6 = ethernet(ipv6('fd66::1', 'fd66::2', IpProto.TCP, tcp({ srcPort: 1, dstPort: 2, flags: TcpFlag.SYN }), [ext8(0)]), 0x86dd);
  for (const cut of [14, 53]) out.push({ name: `cut-${cut}-in-ipv6-header`, frame: v6.subarray(0, cut), reason: 'ipv6_truncated' });
  out.push({ name: 'cut-60-ipv6-payload-length', frame: v6.subarray(0, 60), reason: 'ipv6_bad_payload_length' });
  const v6cut = Buffer.from(v6.subarray(0, 58));
  v6cut.writeUInt16BE(58 - 54, 14 + 4); // payload length matches: the extension header is what is cut
  out.push({ name: 'cut-58-ipv6-extension-consistent', frame: v6cut, reason: 'ipv6_ext_truncated' });
  // A VLAN tag cut in half.
  out.push({ name: 'cut-16-in-vlan-tag', frame: Buffer.concat([ethernet(Buffer.alloc(0), 0x8100), Buffer.from([0, 7])]), reason: 'link_truncated' });
  out.push({ name: 'vlan-5-deep', frame: ethernet(base.subarray(IP), 0x0800, Array.from({ length: 5 }, (_, i) => ({ tpid: 0x8100, id: i + 1 }))), reason: 'vlan_too_deep' });
  return out;
}

/** The file's records: every crafted frame, each followed by the next good frame in turn. */
export function craftedSequence(): { frame: Buffer; crafted: CraftedFrame | null; goodIndex: number | null }[] {
  const good = goodFrames();
  const out: { frame: Buffer; crafted: CraftedFrame | null; goodIndex: number | null }[] = [];
  craftedFrames().forEach((c, i) => {
    out.push({ frame: c.frame, crafted: c, goodIndex: null });
    const g = i % good.length;
    out.push({ frame: good[g]!, crafted: null, goodIndex: g });
  });
  return out;
}
