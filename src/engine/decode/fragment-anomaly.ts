/**
 * What the defragmenter reports about fragments a sender should not have sent: each kind at most
 * once per datagram, attributed to the datagram's source.
 */
export const FragmentAnomaly = {
  /**
   * A fragment other than the last carrying fewer than TINY_FRAGMENT_BYTES, or a first fragment
   * without the whole transport header: how scanners split a probe so that no single packet
   * shows its ports and flags (nmap -f, --mtu 16; RFC 1858, RFC 7112).
   */
  TINY: 0,
  /** Fragments overlapping with different bytes: the same datagram could reassemble two ways. */
  OVERLAP: 1,
  /** A datagram never completed: timed out, or evicted to stay within the memory budget. */
  INCOMPLETE: 2,
  /**
   * Fragments no stack accepts: beyond 65,535 bytes (ping of death), two different ends, data
   * past the end, a middle fragment not a multiple of 8 bytes, too many pieces, a header chain
   * too long to keep.
   */
  MALFORMED: 3,
} as const;

export const FRAGMENT_ANOMALY_KINDS = 4;
export const FRAGMENT_ANOMALY_NAMES = ['tiny', 'overlap', 'incomplete', 'malformed'] as const;

/** Non-last fragments smaller than this are tiny: no link in use has an MTU that small. */
export const TINY_FRAGMENT_BYTES = 256;

/** Told of every anomaly as it is found (on the packet path: copy what you keep). */
export interface FragmentAnomalyListener {
  /**
   * `addrs` holds the datagram's source (words 0-3) and destination (words 4-7) as a Packet's
   * words are; `proto` is its transport protocol as far as known.
   */
  onFragmentAnomaly(kind: number, addrs: Uint32Array, proto: number, tsMicros: number): void;
}
