import type { Alert } from './alert.js';
import type { UnblockReason } from './response-event.js';

export type { UnblockReason };

/** What the history file records: every alert (latest version), every block decision, every unblock. */
export type BlockAction = 'blocked' | 'dry_run' | 'suppressed' | 'block_failed';

export interface AlertEntry {
  kind: 'alert';
  /** Every field of the alert record, as the JSON lines carry it. */
  alert: Alert;
}

export interface BlockEntry {
  kind: 'block';
  /** ISO 8601, UTC. */
  at: string;
  address: string;
  reason: string;
  durationSeconds: number;
  action: BlockAction;
  /** Why a block was suppressed or failed, or the backend's note. */
  detail?: string;
  alertId?: string;
  /** What the firewall held (an IPv6 /64, or the address as /32 or /128); absent = the address. */
  network?: string;
  /** Only this local port, for per-port blocks. */
  port?: { protocol: 'tcp' | 'udp'; number: number } | null;
  attackType?: string;
  /** Who decided, for a decision pulled from the fleet (see BlockRecord.origin). */
  origin?: string;
}

export interface UnblockEntry {
  kind: 'unblock';
  at: string;
  address: string;
  reason: UnblockReason;
  detail?: string;
  network?: string;
  port?: { protocol: 'tcp' | 'udp'; number: number } | null;
}

export type HistoryEntry = AlertEntry | BlockEntry | UnblockEntry;
