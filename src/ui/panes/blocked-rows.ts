import type { BlockRecord } from '../../model/block-record.js';
import type { ColumnSpec } from '../components/column-layout.js';
import type { CompiledFilter, FilterSubject } from '../../filter/index.js';
import { countryTag, formatUptime } from '../format.js';
import type { PaneRow, RowContext } from './pane-row.js';

export const BLOCKED_COLUMNS: readonly ColumnSpec[] = [
  { title: 'ADDRESS', min: 11, max: 43 },
  { title: 'CC', min: 3, max: 4 },
  { title: 'REASON', min: 14, max: 40, grow: true },
  { title: 'SINCE', min: 8, max: 8 },
  { title: 'LEFT', min: 7, max: 8, align: 'right' },
  { title: '#', min: 2, max: 3, align: 'right' },
  // Who decided: this host (local) or the fleet decision's origin (crowdsec, cscli, a host's name).
  { title: 'FROM', min: 5, max: 12, dropRank: 2 },
  { title: 'FIREWALL', min: 8, max: 9, dropRank: 1 },
  { title: 'ACTION', min: 7, max: 12 },
];

/** The network when it is wider than the address (an IPv6 /64). */
function shownAddress(b: BlockRecord): string {
  return b.network !== undefined && !b.network.startsWith(`${b.address}/`) ? b.network : b.address;
}

export function blockSubject(b: BlockRecord, country: string | null, alerted: ReadonlySet<string>): FilterSubject {
  return {
    proto: b.port?.protocol ?? 'ip',
    addresses: [b.address],
    ports: b.port !== null ? [b.port.number] : [],
    process: null,
    country,
    state: null,
    hasAlert: alerted.has(b.address),
  };
}

export function blockedRows(blocks: readonly BlockRecord[], nowMs: number, filter: CompiledFilter | null, sortIndex: number, ctx: RowContext): PaneRow[] {
  const live = blocks.filter((b) => b.expiresAt > nowMs);
  live.sort(sortIndex === 1 ? (a, b) => a.address.localeCompare(b.address) : (a, b) => a.expiresAt - b.expiresAt);
  const rows: PaneRow[] = [];
  for (const b of live) {
    const country = b.country ?? ctx.countries.get(b.address) ?? null;
    if (filter !== null && !filter.matches(blockSubject(b, country, ctx.alerted))) continue;
    rows.push({
      key: `${b.address}|${b.port?.protocol ?? ''}${b.port?.number ?? ''}`,
      item: { kind: 'block', block: b },
      tone: b.action === 'blocked' ? 'danger' : 'warning',
      cells: [shownAddress(b), countryTag(country), b.reason, ctx.time.clock(b.createdAt), formatUptime((b.expiresAt - nowMs) / 1000), String(b.offense ?? 1), b.origin ?? 'local', b.firewall ?? '', b.action],
    });
  }
  return rows;
}
