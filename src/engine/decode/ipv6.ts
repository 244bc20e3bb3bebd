import { MalformedReason, type MalformedCounters } from './malformed.js';
import type { Packet } from './packet.js';

/**
 * A hard bound on the extension-header chain. Real traffic uses two or three; a longer chain
 * is an evasion attempt or a crafted packet and must not cost unbounded work.
 */
export const MAX_IPV6_EXTENSION_HEADERS = 8;

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTH = 51;
const DEST_OPTS = 60;
const MOBILITY = 135;
const HIP = 139;
const SHIM6 = 140;
const EXPERIMENT_1 = 253;
const EXPERIMENT_2 = 254;

function word(buf: Buffer, o: number): number {
  return ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;
}

/**
 * Decodes the IPv6 header and walks its extension chain. Returns the offset of the transport
 * header (pkt.proto says which), or -1 after counting why the packet is malformed. A chain cut
 * off by the snapshot length stops the walk without counting a malformed packet.
 */
export function decodeIpv6(pkt: Packet, buf: Buffer, off: number, end: number, counters: MalformedCounters): number {
  const avail = end - off;
  if (avail < 40) {
    counters.add(MalformedReason.IPV6_TRUNCATED);
    return -1;
  }
  if (buf[off]! >> 4 !== 6) {
    counters.add(MalformedReason.IP_BAD_VERSION);
    return -1;
  }
  const payloadLen = (buf[off + 4]! << 8) | buf[off + 5]!;
  let present: number;
  if (payloadLen === 0) {
    // Jumbogram or segmentation offload: take what the frame holds.
    present = avail;
  } else if (40 + payloadLen > avail) {
    if (!pkt.snapCut) {
      counters.add(MalformedReason.IPV6_BAD_PAYLOAD_LENGTH);
      return -1;
    }
    present = avail;
  } else {
    present = 40 + payloadLen;
  }

  pkt.ipOffset = off;
  pkt.ipHeaderLen = 40;
  pkt.ipAvailable = present;
  pkt.ipTotalLen = payloadLen === 0 ? present : 40 + payloadLen;
  pkt.ttl = buf[off + 7]!;
  pkt.src0 = word(buf, off + 8);
  pkt.src1 = word(buf, off + 12);
  pkt.src2 = word(buf, off + 16);
  pkt.src3 = word(buf, off + 20);
  pkt.dst0 = word(buf, off + 24);
  pkt.dst1 = word(buf, off + 28);
  pkt.dst2 = word(buf, off + 32);
  pkt.dst3 = word(buf, off + 36);

  const limit = off + present;
  let next = buf[off + 6]!;
  let cur = off + 40;
  /** The byte that names the header at `cur`. */
  let prevNext = off + 6;
  for (let hops = 0; ; hops++) {
    let len: number;
    switch (next) {
      case HOP_BY_HOP:
      case ROUTING:
      case DEST_OPTS:
      case MOBILITY:
      case HIP:
      case SHIM6:
      case EXPERIMENT_1:
      case EXPERIMENT_2:
        if (limit - cur < 2) return extTruncated(pkt, counters, next);
        len = (buf[cur + 1]! + 1) << 3;
        break;
      case AUTH:
        if (limit - cur < 2) return extTruncated(pkt, counters, next);
        len = (buf[cur + 1]! + 2) << 2;
        break;
      case FRAGMENT: {
        if (limit - cur < 8) return extTruncated(pkt, counters, next);
        const fragField = (buf[cur + 2]! << 8) | buf[cur + 3]!;
        // An atomic fragment (offset 0, no more fragments) is a whole datagram: walk on.
        if (fragField & 0xfff9) {
          // The rest is fragment data: the defragmenter takes it from here.
          pkt.isFragment = true;
          pkt.isLaterFragment = fragField >> 3 !== 0;
          pkt.fragOffset = fragField & 0xfff8;
          pkt.fragMore = (fragField & 1) !== 0;
          pkt.fragId = word(buf, cur + 4);
          pkt.fragHeaderEnd = cur;
          pkt.fragPrevNext = prevNext;
          pkt.fragDataOffset = cur + 8;
          pkt.proto = buf[cur]!;
          return cur + 8;
        }
        len = 8;
        break;
      }
      default:
        // A transport protocol, ESP (opaque) or No Next Header: the chain ends here.
        pkt.proto = next;
        return cur;
    }
    if (hops >= MAX_IPV6_EXTENSION_HEADERS) {
      counters.add(MalformedReason.IPV6_EXT_CHAIN_TOO_LONG);
      return -1;
    }
    if (cur + len > limit) return extTruncated(pkt, counters, next);
    next = buf[cur]!;
    prevNext = cur;
    cur += len;
  }
}

function extTruncated(pkt: Packet, counters: MalformedCounters, header: number): number {
  pkt.proto = header;
  if (pkt.snapCut) return -2; // valid packet, headers beyond the snapshot length
  counters.add(MalformedReason.IPV6_EXT_TRUNCATED);
  return -1;
}
