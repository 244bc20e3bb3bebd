/**
 * Why a frame could not be decoded. Counted per reason so a flood of crafted packets shows
 * up as numbers (stats line, header), never as an exception.
 */
export const MalformedReason = {
  LINK_TRUNCATED: 0,
  VLAN_TOO_DEEP: 1,
  IPV4_TRUNCATED: 2,
  IPV4_BAD_IHL: 3,
  IPV4_BAD_TOTAL_LENGTH: 4,
  IP_BAD_VERSION: 5,
  IPV6_TRUNCATED: 6,
  IPV6_BAD_PAYLOAD_LENGTH: 7,
  IPV6_EXT_TRUNCATED: 8,
  IPV6_EXT_CHAIN_TOO_LONG: 9,
  TCP_TRUNCATED: 10,
  TCP_BAD_DATA_OFFSET: 11,
  UDP_TRUNCATED: 12,
  UDP_BAD_LENGTH: 13,
  ICMP_TRUNCATED: 14,
  UNSUPPORTED_LINK_TYPE: 15,
  SCTP_TRUNCATED: 16,
} as const;

export type MalformedReasonCode = (typeof MalformedReason)[keyof typeof MalformedReason];

export const MALFORMED_REASON_NAMES: readonly string[] = [
  'link_truncated',
  'vlan_too_deep',
  'ipv4_truncated',
  'ipv4_bad_ihl',
  'ipv4_bad_total_length',
  'ip_bad_version',
  'ipv6_truncated',
  'ipv6_bad_payload_length',
  'ipv6_ext_truncated',
  'ipv6_ext_chain_too_long',
  'tcp_truncated',
  'tcp_bad_data_offset',
  'udp_truncated',
  'udp_bad_length',
  'icmp_truncated',
  'unsupported_link_type',
  'sctp_truncated',
];

/** Fixed-size counters indexed by reason code: one array, no allocation while counting. */
export class MalformedCounters {
  readonly counts = new Float64Array(MALFORMED_REASON_NAMES.length);
  total = 0;

  add(reason: MalformedReasonCode): void {
    this.counts[reason]!++;
    this.total++;
  }

  /** Non-zero reasons by name, for the stats line. */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.counts.length; i++) {
      const n = this.counts[i]!;
      if (n > 0) out[MALFORMED_REASON_NAMES[i]!] = n;
    }
    return out;
  }
}
