/**
 * Which local process owns a socket: the platform side of the "process fingerprints" enrichment
 * (everything OS-specific lives in src/platform behind an interface; the engine's
 * enrich/ stage calls it asynchronously, off the packet path, and caches per flow).
 *
 * `Get-NetTCPConnection`) have pure parsers (lsof-parser.ts, netstat-parser.ts) but no lookup
 * yet: their command runners come with the platform's CommandRunner, so for now those platforms
 * get the NullProcessOwnerLookup, which honestly answers "unknown".
 */

export interface ProcessInfo {
  pid: number;
  /** Short process name (Linux: /proc/PID/comm). */
  name: string;
  /** Arguments joined by spaces, cut at 512 characters; '' when the kernel shows none. Raw text: sanitise before display. */
  commandLine: string;
  /** User name, or the uid as text when it has no name. */
  user: string;
  /** Effective uid. */
  uid: number;
}

/** A socket seen from this host: `local*` is our side. Addresses in any text form (IPv4-mapped IPv6 equals IPv4). */
export interface SocketKey {
  proto: 'tcp' | 'udp';
  localAddress: string;
  localPort: number;
  /** null: ask for the listening / unconnected socket on the local address and port. */
  remoteAddress: string | null;
  remotePort: number | null;
}

export interface ProcessOwnerStats {
  /** Lookups whose socket was already in the inode→process cache (no scan of /proc/PID/fd). */
  hits: number;
  /** All other lookups (a rescan was needed, or the answer was unknown). */
  misses: number;
  /** Full scans of /proc/PID/fd (rate-limited). */
  rescans: number;
  /** Entries in the inode→process cache. */
  cacheSize: number;
  /** Reads of the socket tables (/proc/net/…), rate-limited. */
  tableReads?: number;
  /** Lookups answered null (unknown). */
  unknown?: number;
  /** Lookups refused because too many were already waiting (answered null). */
  shed?: number;
}

export interface ProcessOwnerLookup {
  /** Resolves the owner of a local socket, or null ("unknown") — never guesses. Never throws. */
  lookup(key: SocketKey): Promise<ProcessInfo | null>;
  stats(): ProcessOwnerStats;
  /** Drops caches; later lookups answer null. */
  close(): void;
}

/** For platforms without an implementation yet: every answer is "unknown". */
export class NullProcessOwnerLookup implements ProcessOwnerLookup {
  private misses = 0;

  lookup(_key: SocketKey): Promise<ProcessInfo | null> {
    this.misses++;
    return Promise.resolve(null);
  }

  stats(): ProcessOwnerStats {
    return { hits: 0, misses: this.misses, rescans: 0, cacheSize: 0, unknown: this.misses };
  }

  close(): void {}
}
