/**
 * The decoded view of one frame. A single instance is reused for every packet (no allocation
 * on the hot path): decoders overwrite its fields, consumers read them during the callback and
 * copy what they keep.
 *
 * Addresses are four 32-bit words in network order; IPv4 is stored IPv4-mapped
 * (::ffff:a.b.c.d) so flows and detectors handle both families with one code path.
 */
export const IpProto = {
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  ICMPV6: 58,
  SCTP: 132,
} as const;

export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  NS: 0x100,
} as const;

export class Packet {
  // Capture metadata
  buf: Buffer = Buffer.alloc(0);
  tsMicros = 0;
  capLen = 0;
  wireLen = 0;
  linkType = 0;
  /** Number of 802.1Q / 802.1ad tags seen; `vlanId` is the innermost. */
  vlanDepth = 0;
  vlanId = 0;

  // Network layer (ipVersion 0 = not IP, e.g. ARP)
  ipVersion = 0;
  ipOffset = 0;
  ipHeaderLen = 0;
  /** Bytes of IP packet present in the buffer (after trimming link padding and snaplen cut). */
  ipAvailable = 0;
  /** Length the IP header claims for the whole packet. */
  ipTotalLen = 0;
  ttl = 0;
  ipId = 0;
  /** Transport protocol after the IPv6 extension chain. */
  proto = 0;
  /** True for every fragment but the first (no transport header present). */
  isLaterFragment = false;
  /** True for any fragment (MF set or offset non-zero). */
  isFragment = false;
  // Fragment header fields, set only when isFragment (stale otherwise).
  /** Byte offset of this fragment's data in the original datagram. */
  fragOffset = 0;
  /** More fragments follow (MF / M flag). */
  fragMore = false;
  /** Identification: 16 bits for IPv4, 32 for IPv6. */
  fragId = 0;
  /** Where this fragment's data starts in `buf`. */
  fragDataOffset = 0;
  /** Where the unfragmentable part ends in `buf`: the IPv4 options' end, the IPv6 fragment header. */
  fragHeaderEnd = 0;
  /** IPv6: offset in `buf` of the next-header byte that names the fragment header. */
  fragPrevNext = 0;
  /** This packet is a datagram reassembled from `fragCount` fragments (decode/defragmenter.ts). */
  reassembled = false;
  fragCount = 0;
  src0 = 0;
  src1 = 0;
  src2 = 0;
  src3 = 0;
  dst0 = 0;
  dst1 = 0;
  dst2 = 0;
  dst3 = 0;

  // Transport layer (l4Offset 0 = not decoded)
  l4Offset = 0;
  srcPort = 0;
  dstPort = 0;
  tcpFlags = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpWindow = 0;
  tcpOptionsLen = 0;
  icmpType = -1;
  icmpCode = -1;
  /** SCTP: type of the first chunk (1 INIT, 10 COOKIE ECHO …), -1 without. */
  sctpChunk = -1;
  payloadOffset = 0;
  payloadLen = 0;
  /** The frame was cut by the snapshot length: trailing bytes are missing, not malformed. */
  snapCut = false;

  reset(buf: Buffer, tsMicros: number, capLen: number, wireLen: number, linkType: number): void {
    this.buf = buf;
    this.tsMicros = tsMicros;
    this.capLen = capLen;
    this.wireLen = wireLen;
    this.linkType = linkType;
    this.snapCut = wireLen > capLen;
    this.vlanDepth = 0;
    this.vlanId = 0;
    this.ipVersion = 0;
    this.ipOffset = 0;
    this.ipHeaderLen = 0;
    this.ipAvailable = 0;
    this.ipTotalLen = 0;
    this.ttl = 0;
    this.ipId = 0;
    this.proto = 0;
    this.isLaterFragment = false;
    this.isFragment = false;
    this.reassembled = false;
    this.l4Offset = 0;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpFlags = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpWindow = 0;
    this.tcpOptionsLen = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.sctpChunk = -1;
    this.payloadOffset = 0;
    this.payloadLen = 0;
  }
}
