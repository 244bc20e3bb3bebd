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
