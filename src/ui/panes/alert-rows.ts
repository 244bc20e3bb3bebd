import type { Alert } from '../../model/alert.js';
import type { ColumnSpec, TableRow } from '../components/row-table.js';
import { countryTag } from '../format.js';

export const ALERT_COLUMNS: readonly ColumnSpec[] = [
  { title: 'TIME', width: 8 },
  { title: 'SEV', width: 6 },
  { title: 'ATTACK', width: 16 },
  { title: 'ATTACKER', width: 15, grow: true },
  { title: 'TARGET', width: 15, minTerminalWidth: 90 },
  { title: 'COUNT', width: 6, align: 'right' },
  { title: 'ACTION', width: 9 },
  { title: 'DETAIL', width: 16, minTerminalWidth: 110 },
];

export interface AlertRow extends TableRow {
  address: string;
  alert: Alert;
}

const SEVERITY_RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };

export function alertRows(alerts: readonly Alert[], sortIndex: number): AlertRow[] {
  const list = [...alerts];
  if (sortIndex === 1) list.sort((a, b) => (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0));
  else if (sortIndex === 2) list.sort((a, b) => b.packet_count - a.packet_count);
  return list.map((a) => {
    const d = a.attack_details;
    const detail = [d.scan_type, d.ports_count !== undefined ? `${d.ports_count} ports` : null, a.process ? `process ${a.process}` : null].filter(Boolean).join(' ');
    return {
      key: a.id,
      address: a.attacker_ip,
      alert: a,
      tone: a.severity === 'high' || a.severity === 'critical' ? 'danger' : a.severity === 'medium' ? 'warning' : 'info',
      cells: [
        a.timestamp.slice(11, 19),
        a.severity,
        a.attack_type,
        `${a.attacker_ip}${a.country ? ` ${countryTag(a.country)}` : ''}${a.reverse_dns ? ` (${a.reverse_dns})` : ''}`,
        a.target_ip ?? '*',
        String(a.packet_count),
        a.action,
        detail,
      ],
    };
  });
}
