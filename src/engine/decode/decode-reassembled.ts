import { DecodeResult, decodeTransport, type DecodeResultCode } from './decode-frame.js';
import type { Defragmenter } from './defragmenter.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import type { MalformedCounters } from './malformed.js';
import type { Packet } from './packet.js';

/**
 * Decodes the datagram the defragmenter just completed into `pkt`, which held its last fragment:
 * capture time, link type and VLAN tags stay; the buffer becomes the defragmenter's `out`, the
 * wire length the sum of the fragments' and `reassembled` / `fragCount` say where it came from.
 */
export function decodeReassembled(pkt: Packet, defrag: Defragmenter, counters: MalformedCounters): DecodeResultCode {
  const buf = defrag.out;
  const len = defrag.outLength;
  const vlanDepth = pkt.vlanDepth;
  const vlanId = pkt.vlanId;
  pkt.reset(buf, pkt.tsMicros, len, defrag.outWireBytes, pkt.linkType);
  pkt.snapCut = false;
  pkt.vlanDepth = vlanDepth;
  pkt.vlanId = vlanId;
  pkt.reassembled = true;
  pkt.fragCount = defrag.outFragments;
  const version = buf[0]! >> 4;
  pkt.ipVersion = version;
  const l4 = version === 4 ? decodeIpv4(pkt, buf, 0, len, counters) : decodeIpv6(pkt, buf, 0, len, counters);
  if (l4 === -1) {
    pkt.ipVersion = 0;
    return DecodeResult.MALFORMED;
  }
  // A fragment header inside a reassembled datagram: nothing more to read (it is not fed back).
  if (l4 < 0 || pkt.isFragment) return DecodeResult.IP;
  return decodeTransport(pkt, buf, l4, counters) ? DecodeResult.IP : DecodeResult.MALFORMED;
}
