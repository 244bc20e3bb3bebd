import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeLinkLayer, LINK_MALFORMED, LINK_NOT_IP } from './link-layer.js';
import type { MalformedCounters } from './malformed.js';
import { IpProto, type Packet } from './packet.js';
import { decodeIcmp, decodeSctp, decodeTcp, decodeUdp } from './transport.js';

export const DecodeResult = {
  /** An IP packet; transport fields are set when the transport header was present. */
  IP: 0,
  /** A well-formed frame that carries no IP (ARP, LLDP …): counted, not malformed. */
  NOT_IP: 1,
  /** Counted in the malformed counters by reason. */
  MALFORMED: 2,
} as const;

export type DecodeResultCode = (typeof DecodeResult)[keyof typeof DecodeResult];

/**
 * Decodes one frame into `pkt` (which is reset first). Reads only `buf[offset, offset+capLen)`:
 * the source's buffer may hold stale bytes of earlier packets beyond that. Never throws.
 */
export function decodeFrame(
  pkt: Packet,
  buf: Buffer,
  offset: number,
  capLen: number,
  wireLen: number,
  tsMicros: number,
  linkType: number,
  counters: MalformedCounters,
): DecodeResultCode {
  pkt.reset(buf, tsMicros, capLen, wireLen, linkType);
  const end = offset + capLen;
  const ipStart = decodeLinkLayer(pkt, buf, offset, end, counters);
  if (ipStart === LINK_NOT_IP) return DecodeResult.NOT_IP;
  if (ipStart === LINK_MALFORMED) return DecodeResult.MALFORMED;

  const l4 = pkt.ipVersion === 4 ? decodeIpv4(pkt, buf, ipStart, end, counters) : decodeIpv6(pkt, buf, ipStart, end, counters);
  if (l4 === -1) {
    pkt.ipVersion = 0;
    return DecodeResult.MALFORMED;
  }
  // A fragment's transport header, if any, is read from the reassembled datagram (decode/defragmenter.ts).
  if (l4 < 0 || pkt.isFragment) return DecodeResult.IP;
  return decodeTransport(pkt, buf, l4, counters) ? DecodeResult.IP : DecodeResult.MALFORMED;
}

/** The transport header at `l4` of the IP packet in pkt; false after counting a malformed one. */
export function decodeTransport(pkt: Packet, buf: Buffer, l4: number, counters: MalformedCounters): boolean {
  const ipEnd = pkt.ipOffset + pkt.ipAvailable;
  switch (pkt.proto) {
    case IpProto.TCP:
      return decodeTcp(pkt, buf, l4, ipEnd, counters);
    case IpProto.UDP:
      return decodeUdp(pkt, buf, l4, ipEnd, counters);
    case IpProto.ICMP:
    case IpProto.ICMPV6:
      return decodeIcmp(pkt, buf, l4, ipEnd, counters);
    case IpProto.SCTP:
      return decodeSctp(pkt, buf, l4, ipEnd, counters);
    default:
      return true;
  }
}
