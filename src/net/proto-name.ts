/** The name shown and filtered for an IP protocol number: tcp, udp, icmp, icmpv6, sctp, else ipN. */
export function protoName(proto: number): string {
  switch (proto) {
    case 6:
      return 'tcp';
    case 17:
      return 'udp';
    case 1:
      return 'icmp';
    case 58:
      return 'icmpv6';
    case 132:
      return 'sctp';
    default:
      return `ip${proto}`;
  }
}
