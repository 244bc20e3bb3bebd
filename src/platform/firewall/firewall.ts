/**
 * The host firewall as the block manager sees it: our own table / chain / sets /
 * anchor / named rules, changed in batches, idempotent, listable for reconciliation at start and
 * removable as a whole. One implementation per backend; all commands go through a CommandRunner.
 */
import type { BlockPort, FirewallName } from '../../model/block-record.js';
import type { CommandObserver } from '../exec/run-command.js';

export { FIREWALL_NAMES, type FirewallName } from '../../model/block-record.js';

/** One thing the firewall drops: a source network, optionally only towards one local port. */
export interface BlockSpec {
  /** Canonical network: `10.0.0.1/32`, `2001:db8:1:2::/64` (IPv6 is blocked as its /64 by default). */
  cidr: string;
  family: 4 | 6;
  /** Only traffic to this local port and protocol; null = every packet from the network. */
  port: BlockPort;
  /** Seconds the kernel keeps the entry where the backend has timeouts (≥ 1). */
  timeoutSeconds: number;
}

/** What the firewall holds now (for reconciliation). */
export interface FirewallEntry {
  cidr: string;
  family: 4 | 6;
  port: BlockSpec['port'];
  /** Seconds left before the kernel drops the entry; null = no kernel timeout. */
  remainingSeconds: number | null;
}

export interface Firewall {
  readonly name: FirewallName;
  /** True when entries expire in the kernel (nftables, ipset); otherwise our timer removes them. */
  readonly kernelTimeouts: boolean;
  /** Creates our table/chain/sets/anchor if missing, keeping the entries already in them. */
  setup(): Promise<void>;
  /** Adds (or refreshes the timeout of) and removes entries in one batch; `observer` hears its command start and end. */
  apply(add: readonly BlockSpec[], remove: readonly BlockSpec[], observer?: CommandObserver): Promise<void>;
  /** Entries currently in our sets; [] when our table does not exist. */
  list(): Promise<FirewallEntry[]>;
  /** Removes everything of ours from the firewall (table, chains, sets, jumps, anchor). */
  flush(): Promise<void>;
}

/** Identity of an entry regardless of its timeout: the same network and port are one entry. */
export function entryKey(e: Pick<BlockSpec, 'cidr' | 'port'>): string {
  return e.port === null ? e.cidr : `${e.cidr} ${e.port.protocol}/${e.port.number}`;
}

/** The address part of a canonical cidr, and its prefix length. */
export function splitCidr(cidr: string): { address: string; prefix: number } {
  const slash = cidr.lastIndexOf('/');
  return { address: cidr.slice(0, slash), prefix: Number(cidr.slice(slash + 1)) };
}

/** `10.0.0.1/32` → `10.0.0.1`: single addresses are written without a prefix in commands. */
export function hostOrCidr(cidr: string, family: 4 | 6): string {
  const { address, prefix } = splitCidr(cidr);
  return prefix === (family === 4 ? 32 : 128) ? address : cidr;
}

/** Kernel timeouts are whole seconds ≥ 1. */
export function timeoutOf(spec: BlockSpec): number {
  return Math.max(1, Math.ceil(spec.timeoutSeconds));
}
