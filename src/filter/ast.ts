/**
 * The parsed form of a filter. Nodes hold validated, normalised values and no positions, so
 * two spellings of the same filter (`PORT 22 && TCP`, `port 22 and proto tcp`) give equal trees
 * and the printer can round-trip them. And/or are n-ary so a long chain stays shallow.
 */

export type Protocol = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'sctp';

export type FilterNode =
  /** The empty filter: matches everything. */
  | { readonly kind: 'all' }
  | { readonly kind: 'and'; readonly items: readonly FilterNode[] }
  | { readonly kind: 'or'; readonly items: readonly FilterNode[] }
  | { readonly kind: 'not'; readonly item: FilterNode }
  /** `name` is null for `process unknown`: subjects without a known process. */
  | { readonly kind: 'process'; readonly name: string | null }
  /** A single port is a range with low === high. */
  | { readonly kind: 'port'; readonly low: number; readonly high: number }
  /** An address or CIDR as typed, already checked to parse. */
  | { readonly kind: 'ip'; readonly cidr: string }
  /** `label` is the word to print back (a category or a Zeek state); `states` what it means. */
  | { readonly kind: 'status'; readonly label: string; readonly states: readonly string[] }
  /** Upper-case two-letter code, or LAN / RESERVED. */
  | { readonly kind: 'country'; readonly code: string }
  | { readonly kind: 'proto'; readonly proto: Protocol }
  | { readonly kind: 'alert' };

export type FilterNodeKind = FilterNode['kind'];
