import { LinkType } from '../capture/link-type.js';
import { MalformedReason, type MalformedCounters } from './malformed.js';
import type { Packet } from './packet.js';

/** EtherTypes we care about. */
export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100, // 802.1Q
  QINQ: 0x88a8, // 802.1ad
  QINQ_OLD: 0x9100, // pre-standard double tagging
} as const;

/** More tags than this is not a real network, it is a crafted packet. */
const MAX_VLAN_TAGS = 4;

/** Result of peeling the link layer: where the network header starts and what it is. */
export const LINK_MALFORMED = -1;
export const LINK_NOT_IP = -2;

/**
 * Peels the link-layer header. Returns the offset of the IP header inside `buf` (and sets
 * pkt.ipVersion to 4 or 6), LINK_NOT_IP for frames that carry something else (ARP, LLC …),
 * or LINK_MALFORMED after counting why.
 */
export function decodeLinkLayer(
  pkt: Packet,
  buf: Buffer,
  start: number,
  end: number,
  counters: MalformedCounters,
): number {
  switch (pkt.linkType) {
    case LinkType.ETHERNET: {
      if (end - start < 14) return malformed(counters, MalformedReason.LINK_TRUNCATED);
      return afterEtherType(pkt, buf, start + 12, end, counters);
    }
    case LinkType.LINUX_SLL: {
      // 16-byte header, protocol (EtherType) in its last two bytes.
      if (end - start < 16) return malformed(counters, MalformedReason.LINK_TRUNCATED);
      return afterEtherType(pkt, buf, start + 14, end, counters);
    }
    case LinkType.LINUX_SLL2: {
      // 20-byte header, protocol (EtherType) in its first two bytes.
      if (end - start < 20) return malformed(counters, MalformedReason.LINK_TRUNCATED);
      const etherType = (buf[start]! << 8) | buf[start + 1]!;
      return byEtherType(pkt, buf, etherType, start + 20, end, counters);
    }
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (end - start < 4) return malformed(counters, MalformedReason.LINK_TRUNCATED);
      // NULL stores the address family in the capturing host's byte order, LOOP in network
      // order; the value is small, so whichever end holds the non-zero byte tells the order.
      const le = buf[start]! | (buf[start + 1]! << 8);
      const be = (buf[start + 2]! << 8) | buf[start + 3]!;
      const family = le !== 0 ? le : be;
      if (family === 2) return ipAt(pkt, 4, start + 4);
      // AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
      if (family === 10 || family === 24 || family === 28 || family === 30) return ipAt(pkt, 6, start + 4);
      return LINK_NOT_IP;
    }
    case LinkType.RAW:
    case LinkType.DLT_RAW_BSD:
    case LinkType.DLT_RAW_OPENBSD: {
      if (end - start < 1) return malformed(counters, MalformedReason.LINK_TRUNCATED);
      const version = buf[start]! >> 4;
      if (version === 4 || version === 6) return ipAt(pkt, version, start);
      return malformed(counters, MalformedReason.IP_BAD_VERSION);
    }
    case LinkType.IPV4:
      return ipAt(pkt, 4, start);
    case LinkType.IPV6:
      return ipAt(pkt, 6, start);
    default:
      return malformed(counters, MalformedReason.UNSUPPORTED_LINK_TYPE);
  }
}

/** Reads the EtherType at `typeOffset`, then follows VLAN tags. */
function afterEtherType(pkt: Packet, buf: Buffer, typeOffset: number, end: number, counters: MalformedCounters): number {
  const etherType = (buf[typeOffset]! << 8) | buf[typeOffset + 1]!;
  return byEtherType(pkt, buf, etherType, typeOffset + 2, end, counters);
}

/** `offset` is where the payload of a frame of type `etherType` starts (a VLAN tag's TCI for tagged frames). */
function byEtherType(
  pkt: Packet,
  buf: Buffer,
  etherType: number,
  offset: number,
  end: number,
  counters: MalformedCounters,
): number {
  let type = etherType;
  let next = offset;
  while (type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_OLD) {
    if (pkt.vlanDepth >= MAX_VLAN_TAGS) return malformed(counters, MalformedReason.VLAN_TOO_DEEP);
    if (end - next < 4) return malformed(counters, MalformedReason.LINK_TRUNCATED);
    pkt.vlanDepth++;
    pkt.vlanId = ((buf[next]! << 8) | buf[next + 1]!) & 0x0fff;
    type = (buf[next + 2]! << 8) | buf[next + 3]!;
    next += 4;
  }
  if (type === EtherType.IPV4) return ipAt(pkt, 4, next);
  if (type === EtherType.IPV6) return ipAt(pkt, 6, next);
  return LINK_NOT_IP;
}

function ipAt(pkt: Packet, version: number, offset: number): number {
  pkt.ipVersion = version;
  return offset;
}

function malformed(counters: MalformedCounters, reason: (typeof MalformedReason)[keyof typeof MalformedReason]): number {
  counters.add(reason);
  return LINK_MALFORMED;
}
