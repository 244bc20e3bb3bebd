/**
 * UDP source ports of services abused as reflectors: amplifiers (a small request, a large
 * answer) and other services that answer anyone. A datagram from one of them that nothing asked
 * for is a reflected answer aimed at its destination.
 */
export const REFLECTOR_PORTS: ReadonlyMap<number, string> = new Map([
  [17, 'qotd'],
  [19, 'chargen'],
  [53, 'dns'],
  [69, 'tftp'],
  [111, 'portmap'],
  [123, 'ntp'],
  [137, 'netbios'],
  [161, 'snmp'],
  [389, 'cldap'],
  [500, 'isakmp'],
  [520, 'rip'],
  [1434, 'mssql'],
  [1900, 'ssdp'],
  [3283, 'ard'],
  [3702, 'ws-discovery'],
  [4500, 'ipsec-nat-t'],
  [5351, 'nat-pmp'],
  [5353, 'mdns'],
  [5683, 'coap'],
  [10001, 'ubiquiti'],
  [11211, 'memcached'],
  [32414, 'plex'],
  [33848, 'jenkins'],
  [37810, 'dvr-dhcpdiscover'],
]);

const REFLECTOR = new Uint8Array(65536);
for (const port of REFLECTOR_PORTS.keys()) REFLECTOR[port] = 1;

/**
 * Whether a UDP datagram has the shape of a service's answer: from a reflector port, or from any
 * well-known port (< 1024) to an ephemeral one (≥ 1024). For a datagram that opens a flow (no
 * request of ours was seen) that is an unsolicited answer: reflection, not a probe.
 */
export function isAnswerShaped(srcPort: number, dstPort: number): boolean {
  return REFLECTOR[srcPort] === 1 || (srcPort < 1024 && srcPort !== 0 && dstPort >= 1024);
}

/** The reflected service's name for an alert. */
export function reflectedService(srcPort: number): string {
  return REFLECTOR_PORTS.get(srcPort) ?? `udp/${srcPort}`;
}

/** Sources whose answers say so in their header: DNS, mDNS, LLMNR (the QR bit). */
const DNS_LIKE = new Uint8Array(65536);
DNS_LIKE[53] = 1;
DNS_LIKE[5353] = 1;
DNS_LIKE[5355] = 1;

/**
 * Whether a UDP datagram opening a flow is an answer nobody here asked for, not a probe: it comes
 * from a reflector port and carries an answer — the QR bit of a DNS-like header, or, for other
 * reflector services, any payload (a scanner's probes from a fixed source port are mostly empty
 * and DNS queries have QR clear, so `nmap -g 53` stays a scan). Such datagrams are reflection,
 * never a scan by the reflector.
 */
export function isUnsolicitedAnswer(srcPort: number, buf: Buffer, payloadOffset: number, payloadLen: number): boolean {
  if (REFLECTOR[srcPort] !== 1) return false;
  if (DNS_LIKE[srcPort] === 1) return payloadLen >= 12 && (buf[payloadOffset + 2]! & 0x80) !== 0;
  return payloadLen > 0;
}
