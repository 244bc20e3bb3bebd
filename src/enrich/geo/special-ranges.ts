import { formatAddress, formatV4, parseAddress } from '../../net/address.js';
import { CidrSet } from '../../net/cidr-set.js';

/**
 * Which addresses have no place on a map, decided structurally (four-word compares through
 * CidrSet, never string prefixes), so `::ffff:10.0.0.1`, `fe80::1%eth0` and uncompressed IPv6
 * classify like their canonical forms. Shared by the geo tagger (label instead of a database
 * lookup) and the reverse-DNS resolver (a PTR query for private space leaks it upstream).
 *
 * - `LAN`: private, loopback, link-local, CGNAT, unique-local — someone's own network.
 * - `RESERVED`: documentation, benchmarking, multicast, "this network", class E and broadcast,
 *   6to4 relay anycast, IETF protocol assignments, and IPv6 outside global unicast 2000::/3.
 * - `PUBLIC`: everything else — worth a database lookup and a PTR query.
 * - `INVALID`: not an IP address.
 */
export type AddressClass = 'LAN' | 'RESERVED' | 'PUBLIC' | 'INVALID';

const LAN_V4 = CidrSet.parse([
  '10.0.0.0/8', // RFC 1918
  '172.16.0.0/12', // RFC 1918
  '192.168.0.0/16', // RFC 1918
  '100.64.0.0/10', // RFC 6598 shared address space (carrier-grade NAT)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local
]);

const RESERVED_V4 = CidrSet.parse([
  '0.0.0.0/8', // "this network"
  '192.0.0.0/24', // IETF protocol assignments (DS-Lite, NAT64 discovery …)
  '192.0.2.0/24', // TEST-NET-1
  '198.51.100.0/24', // TEST-NET-2
  '203.0.113.0/24', // TEST-NET-3
  '192.88.99.0/24', // 6to4 relay anycast (deprecated, RFC 7526)
  '198.18.0.0/15', // benchmarking (RFC 2544)
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved (class E), includes 255.255.255.255 broadcast
]);

const LAN_V6 = CidrSet.parse([
  '::1/128', // loopback
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated, still private)
]);

const RESERVED_V6 = CidrSet.parse([
  '2001:db8::/32', // documentation
  '3fff::/20', // documentation (RFC 9637)
  '2001:2::/48', // benchmarking
  '2001:10::/28', // ORCHID (deprecated)
  '2001:20::/28', // ORCHIDv2
  '64:ff9b:1::/48', // local-use IPv4/IPv6 translation (RFC 8215)
]);

/** Global unicast: the only IPv6 space that is allocated to networks on the internet. */
const GLOBAL_UNICAST_V6 = CidrSet.parse(['2000::/3']);
/** NAT64 well-known prefix: the low 32 bits are the real IPv4 destination (RFC 6052). */
const NAT64_WKP = CidrSet.parse(['64:ff9b::/96']);
/** 6to4: bits 16-47 are the site's public IPv4 address (RFC 3056). */
const SIX_TO_FOUR = CidrSet.parse(['2002::/16']);

/**
 * The IPv4 address carried inside an IPv6 address whose location is that of the IPv4 one:
 * IPv4-mapped (::ffff:a.b.c.d), NAT64 well-known prefix, 6to4. Null for other addresses.
 */
export function embeddedV4(w0: number, w1: number, w2: number, w3: number): number | null {
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) return w3 >>> 0;
  if (NAT64_WKP.has(w0, w1, w2, w3)) return w3 >>> 0;
  if (SIX_TO_FOUR.has(w0, w1, w2, w3)) return (((w0 & 0xffff) << 16) | (w1 >>> 16)) >>> 0;
  return null;
}

function classifyV4(v4: number): AddressClass {
  if (LAN_V4.has(0, 0, 0xffff, v4)) return 'LAN';
  if (RESERVED_V4.has(0, 0, 0xffff, v4)) return 'RESERVED';
  return 'PUBLIC';
}

/** Classifies a four-word address (IPv4 as IPv4-mapped, the decoders' form). */
export function classifyWords(w0: number, w1: number, w2: number, w3: number): AddressClass {
  const v4 = embeddedV4(w0, w1, w2, w3);
  if (v4 !== null) return classifyV4(v4);
  if (LAN_V6.has(w0, w1, w2, w3)) return 'LAN';
  if (RESERVED_V6.has(w0, w1, w2, w3)) return 'RESERVED';
  // ::, IPv4-compatible, discard-only 100::/64, multicast ff00::/8, SRv6 5f00::/16, and every
  // other block IANA has not allocated to the internet.
  if (!GLOBAL_UNICAST_V6.has(w0, w1, w2, w3)) return 'RESERVED';
  return 'PUBLIC';
}

/** Classifies an address in any text form parseAddress accepts (zone ids are ignored). */
export function classifyAddress(address: string): AddressClass {
  const w = parseAddress(address);
  return w === null ? 'INVALID' : classifyWords(w[0], w[1], w[2], w[3]);
}

/** True for addresses that must not leave the host in a query (LAN, RESERVED, INVALID). */
export function isSpecialAddress(address: string): boolean {
  return classifyAddress(address) !== 'PUBLIC';
}

/**
 * The class of an address and, for a public one, the text to look it up under: the dotted quad
 * for IPv4 and IPv4 carried in IPv6 (mapped, NAT64, 6to4), canonical IPv6 text otherwise.
 */
export function classifyForLookup(address: string): { cls: AddressClass; lookupText: string | null } {
  const w = parseAddress(address);
  if (w === null) return { cls: 'INVALID', lookupText: null };
  const cls = classifyWords(w[0], w[1], w[2], w[3]);
  if (cls !== 'PUBLIC') return { cls, lookupText: null };
  const v4 = embeddedV4(w[0], w[1], w[2], w[3]);
  if (v4 !== null) return { cls, lookupText: formatV4(v4) };
  return { cls, lookupText: formatAddress(w[0], w[1], w[2], w[3]) };
}
