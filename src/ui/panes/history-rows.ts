import type { HistoryEntry } from '../../model/history-entry.js';
import type { ColumnSpec } from '../components/column-layout.js';
import type { CompiledFilter, FilterSubject } from '../../filter/index.js';
import { countryTag, endpoint } from '../format.js';
import { severityTone, type Tone } from '../theme.js';
import { isoMs } from '../time-format.js';
import { alertSubject, displayAction } from './alert-rows.js';
import type { PaneRow, RowContext } from './pane-row.js';

/** One line per entry; the date matters here (the file spans days). */
export const HISTORY_COLUMNS: readonly ColumnSpec[] = [
  { title: 'TIME', min: 14, max: 19 },
  { title: 'EVENT', min: 7, max: 7 },
  { title: 'ADDRESS', min: 11, max: 39 },
  { title: 'CC', min: 3, max: 4 },
  { title: 'WHAT', min: 12, max: 40, grow: true },
  { title: 'PROCESS', min: 7, max: 16, dropRank: 2 },
  { title: 'ACTION', min: 7, max: 12 },
];

export function entryAddress(e: HistoryEntry): string {
  return e.kind === 'alert' ? e.alert.attacker_ip : e.address;
}

export function entryTimeMs(e: HistoryEntry): number {
  return isoMs(e.kind === 'alert' ? e.alert.timestamp : e.at);
}

export function historySubject(e: HistoryEntry, ctx: RowContext): FilterSubject {
  if (e.kind === 'alert') return alertSubject(e.alert);
  return {
    proto: e.port?.protocol ?? 'ip',
    addresses: [e.address],
    ports: e.port ? [e.port.number] : [],
    process: null,
    country: ctx.countries.get(e.address) ?? null,
    state: null,
    hasAlert: ctx.alerted.has(e.address),
  };
}

function what(e: HistoryEntry): string {
  if (e.kind === 'alert') {
    const a = e.alert;
    const target = a.target_ip === null ? '' : ` → ${a.target_port === null ? a.target_ip : endpoint(a.target_ip, a.target_port, 6)}`;
    return `${a.attack_type}${target}`;
  }
  if (e.kind === 'block') return e.reason;
  return `unblocked (${e.reason})`;
}

function tone(e: HistoryEntry): Tone {
  if (e.kind === 'alert') return severityTone(e.alert.severity);
  if (e.kind === 'block') return e.action === 'blocked' ? 'danger' : e.action === 'block_failed' ? 'warning' : 'muted';
  return 'ok';
}

export function historyRows(entries: readonly HistoryEntry[], filter: CompiledFilter | null, ctx: RowContext): PaneRow[] {
  const rows: PaneRow[] = [];
  entries.forEach((e, i) => {
    if (filter !== null && !filter.matches(historySubject(e, ctx))) return;
    const address = entryAddress(e);
    const country = e.kind === 'alert' ? e.alert.country : (ctx.countries.get(address) ?? null);
    rows.push({
      key: `${i}|${e.kind}|${address}|${e.kind === 'alert' ? e.alert.id : e.at}`,
      item: { kind: 'history', entry: e },
      tone: tone(e),
      cells: [
        ctx.time.dateTime(entryTimeMs(e)).slice(2),
        e.kind,
        address,
        countryTag(country),
        what(e),
        e.kind === 'alert' ? (e.alert.process ?? '') : '',
        e.kind === 'alert' ? displayAction(e.alert, ctx.blocked) : e.kind === 'block' ? e.action : '',
      ],
    });
  });
  return rows;
}
