/** The firewall backends a block can live in ('none' = recorded, nothing changed). */
export type FirewallName = 'nftables' | 'iptables' | 'pfctl' | 'netsh' | 'none';

export const FIREWALL_NAMES: readonly FirewallName[] = ['nftables', 'iptables', 'pfctl', 'netsh', 'none'];

/** A block limited to one local port; null = every port. */
export type BlockPort = { protocol: 'tcp' | 'udp'; number: number } | null;

/** What became of a block request (the history's `action`, and the alert's). */
export type BlockOutcome = 'blocked' | 'dry_run' | 'suppressed' | 'block_failed';

/** One block as the UI, the history and the JSON lines see it. */
export interface BlockRecord {
  /** The attacker, canonical. */
  address: string;
  /** What the firewall holds: the address as /32 or /128, or an IPv6 /64. */
  network: string;
  /** Only this local port, when the block is per port. */
  port: BlockPort;
  reason: string;
  /** Wall-clock ms. */
  createdAt: number;
  expiresAt: number;
  action: BlockOutcome;
  /** Why it was suppressed or failed, or a note (restored from history, adopted from the firewall). */
  detail?: string;
  alertId?: string;
  attackType?: string;
  /** How many times this address has been blocked, this one included (escalation). */
  offense: number;
  firewall: FirewallName;
  /** Country tag of the address, when the UI is told (snapshots fill it; the history does not keep it). */
  country?: string | null;
  /**
   * Who decided, when another part of the fleet did (a decision pulled from a CrowdSec Local
   * API): `crowdsec`, `cscli`, or the machine name of another host. Absent for this host's own blocks.
   */
  origin?: string;
}

export function isActive(record: BlockRecord): boolean {
  return record.action === 'blocked' || record.action === 'dry_run';
}
