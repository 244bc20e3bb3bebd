import { BlockList } from 'node:net';
import { canonicalAddress, canonicalCidr, networkOf, type CanonicalAddress } from '../net/canonical.js';

/** Why an address may never be blocked. */
export type ProtectionReason = 'loopback' | 'own address' | 'gateway' | 'DNS resolver' | 'live SSH peer' | 'allowlisted (--allow)' | 'unspecified or multicast' | 'not an IP address';

export interface ProtectedSources {
  ownAddresses(): string[];
  gateways(): string[];
  resolvers(): string[];
  /**
   * Peers of live SSH sessions; asynchronous (`ss`, or /proc/net/tcp{,6}). Rejects when the
   * sessions cannot be listed: then no automatic block happens (fail closed).
   */
  sshPeers(): Promise<string[]>;
}

interface Group {
  reason: ProtectionReason;
  list: BlockList;
  /** The networks in the list, canonical, for overlap checks of wider blocks (an IPv6 /64). */
  networks: string[];
}

/**
 * The never-block list. Addresses are canonicalised and compared structurally with
 * net.BlockList, so `::ffff:10.0.0.1`, `fe80::1%eth0` and `2001:DB8:0::1` match their plain
 * forms. Loopback, special ranges and --allow are fixed; own addresses, gateways and resolvers
 * are re-read by refreshHost(); SSH peers by refreshSshPeers().
 */
export class ProtectedAddresses {
  private readonly fixed: Group[];
  private host: Group[] = [];
  private ssh: Group = group('live SSH peer', []);
  private sshPeersAt = -Infinity;
  /** Why the live SSH sessions are unknown now (null: the last listing worked). */
  private sshError: string | null = 'live SSH sessions not listed yet';
  private sshFailed = false;
  private refreshing: Promise<void> | null = null;
  /** Called when the SSH session listing starts failing (with why) or works again (null). */
  onSshStatus: ((problem: string | null) => void) | null = null;

  constructor(
    private readonly sources: ProtectedSources,
    allow: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    for (const a of allow) if (canonicalCidr(a.trim()) === null) throw new RangeError(`not an address or CIDR: ${JSON.stringify(a)}`);
    this.fixed = [
      group('loopback', ['127.0.0.0/8', '::1/128']),
      group('unspecified or multicast', ['0.0.0.0/8', '224.0.0.0/4', '255.255.255.255/32', '::/128', 'ff00::/8']),
      group('allowlisted (--allow)', allow.map((a) => a.trim())),
    ];
    this.refreshHost();
  }

  /** Re-reads own addresses, gateways and resolvers (cheap: /proc and /etc). */
  refreshHost(): void {
    this.host = [group('own address', this.sources.ownAddresses()), group('gateway', this.sources.gateways()), group('DNS resolver', this.sources.resolvers())];
  }

  /** Were the SSH peers read (or tried) within `maxAgeMs`? Then refreshSshPeers(maxAgeMs) has nothing to do. */
  sshPeersFresh(maxAgeMs: number): boolean {
    return this.now() - this.sshPeersAt < maxAgeMs;
  }

  /** Re-reads SSH peers unless that was done within `maxAgeMs`; concurrent callers share one run. */
  async refreshSshPeers(maxAgeMs = 0): Promise<void> {
    if (this.sshPeersFresh(maxAgeMs)) return;
    this.refreshing ??= (async () => {
      try {
        this.ssh = group('live SSH peer', await this.sources.sshPeers());
        this.sshPeersAt = this.now();
        this.setSshError(null);
      } catch (e) {
        // Keep the last known peers: failing to list sessions must not unprotect them. And
        // block nothing automatically until they can be listed again (unknownSshPeers).
        this.sshPeersAt = this.now();
        this.setSshError(`live SSH sessions cannot be listed (${oneLine((e as Error).message)}), so nothing is blocked automatically`);
      } finally {
        this.refreshing = null;
      }
    })();
    await this.refreshing;
  }

  /** Why an automatic block cannot be made safely now (the SSH sessions are unknown), or null. */
  unknownSshPeers(): string | null {
    return this.sshError;
  }

  /** Is `address` one of this host's own addresses (as last read)? */
  isOwn(address: string): boolean {
    const a = canonicalAddress(address);
    if (a === null) return false;
    const own = this.host[0];
    return own !== undefined && own.list.check(a.text, a.family === 4 ? 'ipv4' : 'ipv6');
  }

  private setSshError(problem: string | null): void {
    if (problem === this.sshError) return;
    const wasFailing = this.sshFailed;
    this.sshError = problem;
    this.sshFailed = problem !== null;
    // Said once when listing starts failing, once when it works again (not at the first success).
    if (problem !== null || wasFailing) this.onSshStatus?.(problem);
  }

  /** Why `address` must not be blocked, or null when it may be. Unparseable text is protected. */
  reasonFor(address: string | CanonicalAddress): ProtectionReason | null {
    const a = typeof address === 'string' ? canonicalAddress(address) : address;
    if (a === null) return 'not an IP address';
    const type = a.family === 4 ? 'ipv4' : 'ipv6';
    for (const g of this.groups()) if (g.list.check(a.text, type)) return g.reason;
    return null;
  }

  /** Why a block of the network `cidr` would hit a protected address, or null (checks both ways). */
  reasonForNetwork(cidr: string): ProtectionReason | null {
    const c = canonicalCidr(cidr);
    if (c === null) return 'not an IP address';
    const [net, lenText] = c.split('/') as [string, string];
    const len = Number(lenText);
    const base = canonicalAddress(net)!;
    for (const g of this.groups()) {
      for (const n of g.networks) {
        const [gNet, gLenText] = n.split('/') as [string, string];
        const gAddr = canonicalAddress(gNet)!;
        if (gAddr.family !== base.family) continue;
        const shorter = Math.min(len, Number(gLenText));
        if (networkOf(gAddr, shorter) === networkOf(base, shorter)) return g.reason;
      }
    }
    return null;
  }

  private *groups(): Iterable<Group> {
    yield* this.fixed;
    yield* this.host;
    yield this.ssh;
  }
}

function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').trim().slice(0, 200);
}

function group(reason: ProtectionReason, entries: readonly string[]): Group {
  const list = new BlockList();
  const networks: string[] = [];
  for (const text of entries) {
    const c = canonicalCidr(text);
    if (c === null) continue;
    const [net, len] = c.split('/') as [string, string];
    list.addSubnet(net, Number(len), net.includes(':') ? 'ipv6' : 'ipv4');
    networks.push(c);
  }
  return { reason, list, networks };
}
