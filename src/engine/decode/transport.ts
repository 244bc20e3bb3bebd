import { MalformedReason, type MalformedCounters } from './malformed.js';
import type { Packet } from './packet.js';

/**
 * TCP header at `off`, IP packet ends at `end`. Returns false after counting a malformed
 * header. A header cut by the snapshot length leaves the transport undecoded, uncounted.
 */
export function decodeTcp(pkt: Packet, buf: Buffer, off: number, end: number, counters: MalformedCounters): boolean {
  const avail = end - off;
  if (avail < 20) {
    if (pkt.snapCut) return true;
    counters.add(MalformedReason.TCP_TRUNCATED);
    return false;
  }
  const dataOffset = (buf[off + 12]! >> 4) << 2;
  if (dataOffset < 20) {
    counters.add(MalformedReason.TCP_BAD_DATA_OFFSET);
    return false;
  }
  const headerPresent = dataOffset <= avail;
  if (!headerPresent && !pkt.snapCut) {
    counters.add(MalformedReason.TCP_BAD_DATA_OFFSET);
    return false;
  }
  pkt.l4Offset = off;
  pkt.srcPort = (buf[off]! << 8) | buf[off + 1]!;
  pkt.dstPort = (buf[off + 2]! << 8) | buf[off + 3]!;
  pkt.tcpSeq = ((buf[off + 4]! << 24) | (buf[off + 5]! << 16) | (buf[off + 6]! << 8) | buf[off + 7]!) >>> 0;
  pkt.tcpAck = ((buf[off + 8]! << 24) | (buf[off + 9]! << 16) | (buf[off + 10]! << 8) | buf[off + 11]!) >>> 0;
  pkt.tcpFlags = buf[off + 13]! | ((buf[off + 12]! & 0x01) << 8);
  pkt.tcpWindow = (buf[off + 14]! << 8) | buf[off + 15]!;
  pkt.tcpOptionsLen = dataOffset - 20;
  if (headerPresent) {
    pkt.payloadOffset = off + dataOffset;
    pkt.payloadLen = avail - dataOffset;
  }
  return true;
}

export function decodeUdp(pkt: Packet, buf: Buffer, off: number, end: number, counters: MalformedCounters): boolean {
  const avail = end - off;
  if (avail < 8) {
    if (pkt.snapCut) return true;
    counters.add(MalformedReason.UDP_TRUNCATED);
    return false;
  }
  const length = (buf[off + 4]! << 8) | buf[off + 5]!;
  if (length < 8 || (length > avail && !pkt.snapCut)) {
    counters.add(MalformedReason.UDP_BAD_LENGTH);
    return false;
  }
  pkt.l4Offset = off;
  pkt.srcPort = (buf[off]! << 8) | buf[off + 1]!;
  pkt.dstPort = (buf[off + 2]! << 8) | buf[off + 3]!;
  pkt.payloadOffset = off + 8;
  pkt.payloadLen = (length < avail ? length : avail) - 8;
  return true;
}

/** ICMP and ICMPv6 share the first four bytes: type, code, checksum. */
export function decodeIcmp(pkt: Packet, buf: Buffer, off: number, end: number, counters: MalformedCounters): boolean {
  const avail = end - off;
  if (avail < 4) {
    if (pkt.snapCut) return true;
    counters.add(MalformedReason.ICMP_TRUNCATED);
    return false;
  }
  pkt.l4Offset = off;
  pkt.icmpType = buf[off]!;
  pkt.icmpCode = buf[off + 1]!;
  pkt.payloadOffset = off + 4;
  pkt.payloadLen = avail - 4;
  return true;
}

/**
 * SCTP common header (ports, verification tag, checksum) and the type of the first chunk, which
 * tells an INIT or COOKIE ECHO probe from the rest of an association.
 */
export function decodeSctp(pkt: Packet, buf: Buffer, off: number, end: number, counters: MalformedCounters): boolean {
  const avail = end - off;
  if (avail < 12) {
    if (pkt.snapCut) return true;
    counters.add(MalformedReason.SCTP_TRUNCATED);
    return false;
  }
  pkt.l4Offset = off;
  pkt.srcPort = (buf[off]! << 8) | buf[off + 1]!;
  pkt.dstPort = (buf[off + 2]! << 8) | buf[off + 3]!;
  if (avail >= 16) pkt.sctpChunk = buf[off + 12]!;
  pkt.payloadOffset = off + 12;
  pkt.payloadLen = avail - 12;
  return true;
}
