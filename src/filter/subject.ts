/**
 * What a filter looks at: one packet of the live feed or one row of the connections table,
 * reduced to the fields the terms test. Built by the panes; kept plain so both kinds fit.
 */
export interface FilterSubject {
  /** 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'sctp', or another name for other protocols. */
  proto: string;
  /** Both endpoints' addresses, as text (IPv4, IPv6, IPv4-mapped all compare structurally). */
  addresses: readonly string[];
  /** Both endpoints' ports; empty for protocols without ports. */
  ports: readonly number[];
  /** Owning process name, or null when unknown. */
  process: string | null;
  /** Country code of the remote end (or LAN / RESERVED), or null when unknown. */
  country: string | null;
  /** Zeek connection state, or null for packets. */
  state: string | null;
  /** An address of the subject has an alert. */
  hasAlert: boolean;
}
