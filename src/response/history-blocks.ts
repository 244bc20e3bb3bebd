import { canonicalCidr } from '../net/canonical.js';
import { entryKey } from '../platform/firewall/firewall.js';
import type { HistoryEntry } from '../model/history-entry.js';

/** A block the history says is still in force. */
export interface HistoryBlock {
  address: string;
  network: string;
  port: { protocol: 'tcp' | 'udp'; number: number } | null;
  reason: string;
  createdAt: number;
  expiresAt: number;
  alertId?: string;
  attackType?: string;
  /** A fleet decision's origin (see BlockRecord.origin). */
  origin?: string;
}

export interface HistoryBlockState {
  /** Firewall key → the block in force now. */
  active: Map<string, HistoryBlock>;
  /** Keys whose last history entry ended them (unblocked, or expired): stale if still in the firewall. */
  ended: Set<string>;
  /** Address → how many times it was blocked (escalation survives restarts). */
  offenses: Map<string, number>;
}

/** Replays the block and unblock entries of the history (oldest first) into the state at `nowMs`. */
export function historyBlockState(entries: readonly HistoryEntry[], nowMs: number): HistoryBlockState {
  const active = new Map<string, HistoryBlock>();
  const ended = new Set<string>();
  const offenses = new Map<string, number>();
  for (const e of entries) {
    if (e.kind === 'alert') continue;
    const network = (e.network !== undefined ? canonicalCidr(e.network) : null) ?? canonicalCidr(e.address);
    if (network === null) continue;
    const port = e.port ?? null;
    const key = entryKey({ cidr: network, port });
    if (e.kind === 'block') {
      if (e.action !== 'blocked') continue;
      // Another host's decision is not an offense against this one (no escalation here).
      if (e.origin === undefined) offenses.set(e.address, (offenses.get(e.address) ?? 0) + 1);
      const createdAt = Date.parse(e.at);
      const block: HistoryBlock = { address: e.address, network, port, reason: e.reason, createdAt, expiresAt: createdAt + e.durationSeconds * 1000 };
      if (e.alertId !== undefined) block.alertId = e.alertId;
      if (e.attackType !== undefined) block.attackType = e.attackType;
      if (e.origin !== undefined) block.origin = e.origin;
      active.set(key, block);
      ended.delete(key);
    } else {
      active.delete(key);
      ended.add(key);
    }
  }
  for (const [key, b] of active) {
    if (b.expiresAt <= nowMs) {
      active.delete(key);
      ended.add(key);
    }
  }
  return { active, ended, offenses };
}
