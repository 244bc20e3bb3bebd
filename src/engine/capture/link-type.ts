/**
 * LINKTYPE_* values from the tcpdump.org link-layer header registry — the numbers that
 * appear in pcap file headers and pcapng Interface Description Blocks. Live capture maps
 * libpcap's DLT_* names onto these so one decoder switch serves both.
 */
export const LinkType = {
  NULL: 0, // BSD loopback: 4-byte address family in host byte order
  ETHERNET: 1,
  RAW: 101, // raw IPv4/IPv6, version nibble decides
  DLT_RAW_BSD: 12, // DLT_RAW as some BSDs number it (also raw IP)
  DLT_RAW_OPENBSD: 14,
  LOOP: 108, // OpenBSD loopback: address family in network byte order
  LINUX_SLL: 113, // Linux cooked v1 (what `-i any` gives)
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276, // Linux cooked v2
} as const;

export type LinkTypeNumber = number;

const names = new Map<number, string>(Object.entries(LinkType).map(([k, v]) => [v, k]));

export function linkTypeName(linkType: number): string {
  return names.get(linkType) ?? `LINKTYPE_${linkType}`;
}
