import type { ColumnSpec, TableRow } from '../components/row-table.js';
import { countryTag, formatUptime } from '../format.js';
import type { BlockRecord } from '../../model/block-record.js';

export const BLOCKED_COLUMNS: readonly ColumnSpec[] = [
  { title: 'ADDRESS', width: 24, grow: true },
  { title: 'CC', width: 4 },
  { title: 'REASON', width: 22 },
  { title: 'LEFT', width: 8, align: 'right' },
  { title: '#', width: 3, align: 'right' },
  // Who decided: this host (local) or the fleet decision's origin (crowdsec, cscli, a host's name).
  { title: 'FROM', width: 9 },
  { title: 'FIREWALL', width: 9 },
  { title: 'ACTION', width: 9 },
];

export interface BlockedRow extends TableRow {
  address: string;
}

export function blockedRows(blocks: readonly BlockRecord[], nowMs: number, sortIndex: number): BlockedRow[] {
  const live = blocks.filter((b) => b.expiresAt > nowMs);
  live.sort(sortIndex === 1 ? (a, b) => a.address.localeCompare(b.address) : (a, b) => a.expiresAt - b.expiresAt);
  return live.map((b) => ({
    key: b.address,
    address: b.address,
    tone: b.action === 'blocked' ? 'danger' : 'warning',
    // The network when it is wider than the address (an IPv6 /64).
    cells: [b.network !== undefined && !b.network.startsWith(`${b.address}/`) ? b.network : b.address, countryTag(null), b.reason, formatUptime((b.expiresAt - nowMs) / 1000), String(b.offense ?? 1), b.origin ?? 'local', b.firewall ?? '', b.action],
  }));
}
