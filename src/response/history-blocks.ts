import { canonicalCidr } from '../net/canonical.js';
import { entryKey } from '../platform/firewall/firewall.js';
import type { HistoryEntry } from '../model/history-entry.js';
import { blockSpecProblem } from './block-spec-check.js';

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
export function historyBlockState(entries: readonly HistoryEntry[], nowMs: number, refused?: (line: string) => void): HistoryBlockState {
  const active = new Map<string, HistoryBlock>();
  const ended = new Set<string>();
  const offenses = new Map<string, number>();
  for (const e of entries) {
    if (e.kind === 'alert') continue;
    const network = (e.network !== undefined ? canonicalCidr(e.network) : null) ?? canonicalCidr(e.address);
    const port = e.port ?? null;
    // The history is a file anyone with access may have edited: its blocks are re-applied at
    // start only when they are what we would have written ourselves.
    const problem = network === null ? `not a network: ${JSON.stringify(e.network ?? e.address)}` : blockSpecProblem({ cidr: network, family: network.includes(':') ? 6 : 4, port, timeoutSeconds: 1 });
    if (problem !== null || network === null) {
      refused?.(`history ${e.kind} entry of ${JSON.stringify(String(e.address).slice(0, 64))} at ${JSON.stringify(String(e.at).slice(0, 40))} refused: ${problem}`);
      continue;
    }
    const key = entryKey({ cidr: network, port });
    if (e.kind === 'block') {
      if (e.action !== 'blocked') continue;
      const createdAt = Date.parse(e.at);
      if (!Number.isFinite(createdAt) || !Number.isFinite(e.durationSeconds) || e.durationSeconds < 0) {
        refused?.(`history block entry of ${JSON.stringify(String(e.address).slice(0, 64))} refused: bad time or duration`);
        continue;
      }
      // Another host's decision is not an offense against this one (no escalation here).
      if (e.origin === undefined) offenses.set(e.address, (offenses.get(e.address) ?? 0) + 1);
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
