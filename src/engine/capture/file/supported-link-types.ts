import { LinkType, linkTypeName } from '../link-type.js';

/** The link types the decoder reads (engine/decode/link-layer.ts); every other one is skipped packet by packet. */
const DECODABLE = new Set<number>([LinkType.NULL, LinkType.ETHERNET, LinkType.RAW, LinkType.DLT_RAW_BSD, LinkType.DLT_RAW_OPENBSD, LinkType.LOOP, LinkType.LINUX_SLL, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL2]);

export function isDecodableLinkType(linkType: number): boolean {
  return DECODABLE.has(linkType);
}

/** One line: which link type, and which ones can be read instead. */
export function undecodableLinkType(linkType: number): string {
  return `link type ${linkType} (${linkTypeName(linkType)}) cannot be decoded; supported: Ethernet, Linux cooked (SLL, SLL2), raw IP, IPv4, IPv6, BSD loopback`;
}
