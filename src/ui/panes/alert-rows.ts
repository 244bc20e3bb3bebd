import type { Alert } from '../../model/alert.js';
import type { ColumnSpec } from '../components/column-layout.js';
import type { CompiledFilter, FilterSubject } from '../../filter/index.js';
import { countryTag, endpoint } from '../format.js';
import { severityTone } from '../theme.js';
import { isoMs } from '../time-format.js';
import type { PaneRow, RowContext } from './pane-row.js';

export const ALERT_COLUMNS: readonly ColumnSpec[] = [
  { title: 'TIME', min: 8, max: 8 },
  { title: 'SEV', min: 4, max: 8 },
  { title: 'ATTACK', min: 9, max: 20 },
  { title: 'ATTACKER', min: 11, max: 39 },
  { title: 'CC', min: 3, max: 4 },
  { title: 'TARGET', min: 11, max: 47 },
  { title: 'PROCESS', min: 7, max: 16 },
  { title: 'COUNT', min: 5, max: 8, align: 'right' },
  { title: 'ACTION', min: 7, max: 12 },
  { title: 'DETAIL', min: 8, max: 8, grow: true, dropRank: 1 },
];

const SEVERITY_RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };
const SEVERITY_SHORT: Record<string, string> = { critical: 'CRIT', high: 'HIGH', medium: 'MED', low: 'LOW' };

export function severityLabel(severity: string): string {
  return SEVERITY_SHORT[severity] ?? severity.toUpperCase();
}

/**
 * What became of the alert as far as anyone can see now: an alert that asked (prompted) or was
 * only logged shows `blocked` once its attacker is blocked, and `dry_run` for a recorded block.
 */
export function displayAction(alert: Alert, blocked: ReadonlyMap<string, { action: string }>): string {
  const block = blocked.get(alert.attacker_ip);
  if (block !== undefined && (alert.action === 'prompted' || alert.action === 'logged') && (block.action === 'blocked' || block.action === 'dry_run')) return block.action;
  return alert.action;
}

/** One line of what else the alert says: scan type and ports, the rule that matched, the reverse-DNS name. */
export function alertSummary(a: Alert): string {
  const d = a.attack_details;
  const parts: string[] = [];
  if (d.scan_type !== undefined) parts.push(d.scan_type);
  if (d.ports_count !== undefined) parts.push(`${d.ports_count} ports`);
  if (typeof d.matched === 'string' && d.matched !== '') parts.push(typeof d.matched_part === 'string' ? `${d.matched} in ${d.matched_part}` : d.matched);
  if (typeof d.sources === 'number') parts.push(`${d.sources} sources`);
  if (a.reverse_dns) parts.push(a.reverse_dns);
  return parts.join(' ');
}

export function alertSubject(a: Alert): FilterSubject {
  return {
    proto: a.protocol ?? 'ip',
    addresses: a.target_ip !== null ? [a.attacker_ip, a.target_ip] : [a.attacker_ip],
    ports: a.target_port !== null ? [a.target_port] : [],
    process: a.process,
    country: a.country,
    state: null,
    hasAlert: true,
  };
}

export function alertRows(alerts: readonly Alert[], filter: CompiledFilter | null, sortIndex: number, ctx: RowContext): PaneRow[] {
  let list = filter === null ? [...alerts] : alerts.filter((a) => filter.matches(alertSubject(a)));
  if (sortIndex === 1) list = list.sort((a, b) => (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0));
  else if (sortIndex === 2) list = list.sort((a, b) => b.packet_count - a.packet_count);
  return list.map((a) => ({
    key: a.id,
    item: { kind: 'alert', alert: a },
    tone: severityTone(a.severity),
    cells: [
      ctx.time.clock(isoMs(a.timestamp)),
      severityLabel(a.severity),
      a.attack_type,
      a.attacker_ip,
      countryTag(a.country),
      a.target_ip === null ? '*' : a.target_port === null ? a.target_ip : endpoint(a.target_ip, a.target_port, 6),
      a.process ?? '',
      String(a.packet_count),
      displayAction(a, ctx.blocked),
      alertSummary(a),
    ],
  }));
}
