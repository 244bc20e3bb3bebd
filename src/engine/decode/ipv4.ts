import { MalformedReason, type MalformedCounters } from './malformed.js';
import type { Packet } from './packet.js';

/**
 * Decodes the IPv4 header at `off`. Fills addresses (IPv4-mapped), protocol, fragment state and
 * pkt.ipAvailable (bytes of this IP packet present, Ethernet padding trimmed). Returns the
 * offset of the transport header, or -1 after counting why the header is malformed.
 */
export function decodeIpv4(pkt: Packet, buf: Buffer, off: number, end: number, counters: MalformedCounters): number {
  const avail = end - off;
  if (avail < 20) {
    counters.add(MalformedReason.IPV4_TRUNCATED);
    return -1;
  }
  const versionIhl = buf[off]!;
  if (versionIhl >> 4 !== 4) {
    counters.add(MalformedReason.IP_BAD_VERSION);
    return -1;
  }
  const ihl = (versionIhl & 0x0f) << 2;
  if (ihl < 20 || ihl > avail) {
    counters.add(ihl < 20 || !pkt.snapCut ? MalformedReason.IPV4_BAD_IHL : MalformedReason.IPV4_TRUNCATED);
    return -1;
  }
  const totalLen = (buf[off + 2]! << 8) | buf[off + 3]!;
  let present: number;
  if (totalLen === 0) {
    // Captured on the sending host with segmentation offload: the kernel leaves 0 here.
    present = avail;
  } else if (totalLen < ihl) {
    counters.add(MalformedReason.IPV4_BAD_TOTAL_LENGTH);
    return -1;
  } else if (totalLen > avail) {
    if (!pkt.snapCut) {
      counters.add(MalformedReason.IPV4_BAD_TOTAL_LENGTH);
      return -1;
    }
    present = avail;
  } else {
    present = totalLen;
  }

  const fragField = (buf[off + 6]! << 8) | buf[off + 7]!;
  const fragOffset = fragField & 0x1fff;
  pkt.isFragment = (fragField & 0x2000) !== 0 || fragOffset !== 0;
  pkt.isLaterFragment = fragOffset !== 0;
  if (pkt.isFragment) {
    pkt.fragOffset = fragOffset << 3;
    pkt.fragMore = (fragField & 0x2000) !== 0;
    pkt.fragId = (buf[off + 4]! << 8) | buf[off + 5]!;
    pkt.fragDataOffset = off + ihl;
    pkt.fragHeaderEnd = off + ihl;
  }

  pkt.ipOffset = off;
  pkt.ipHeaderLen = ihl;
  pkt.ipAvailable = present;
  pkt.ipTotalLen = totalLen === 0 ? present : totalLen;
  pkt.ipId = (buf[off + 4]! << 8) | buf[off + 5]!;
  pkt.ttl = buf[off + 8]!;
  pkt.proto = buf[off + 9]!;
  pkt.src0 = 0;
  pkt.src1 = 0;
  pkt.src2 = 0xffff;
  pkt.src3 = ((buf[off + 12]! << 24) | (buf[off + 13]! << 16) | (buf[off + 14]! << 8) | buf[off + 15]!) >>> 0;
  pkt.dst0 = 0;
  pkt.dst1 = 0;
  pkt.dst2 = 0xffff;
  pkt.dst3 = ((buf[off + 16]! << 24) | (buf[off + 17]! << 16) | (buf[off + 18]! << 8) | buf[off + 19]!) >>> 0;
  return off + ihl;
}
