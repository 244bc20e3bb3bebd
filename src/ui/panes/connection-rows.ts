import type { FlowSummary } from '../../model/flow-summary.js';
import type { ColumnSpec } from '../components/column-layout.js';
import type { CompiledFilter, FilterSubject } from '../../filter/index.js';
import { countryTag, endpoint, formatBytes, protoName } from '../format.js';
import { MARK_COLUMN, mark, type PaneRow, type RowContext } from './pane-row.js';

export const CONNECTION_COLUMNS: readonly ColumnSpec[] = [
  MARK_COLUMN,
  { title: 'PROTO', min: 4, max: 6 },
  { title: 'ORIGIN', min: 13, max: 47 },
  { title: 'RESPONDER', min: 13, max: 47 },
  { title: 'STATE', min: 5, max: 6 },
  { title: 'SENT', min: 5, max: 6, align: 'right' },
  { title: 'RECV', min: 5, max: 6, align: 'right' },
  { title: 'PROCESS', min: 7, max: 16 },
  { title: 'CC', min: 3, max: 4 },
  { title: 'INFO', min: 6, max: 6, grow: true, dropRank: 1 },
];

const SORT_KEYS: ((f: FlowSummary) => number)[] = [
  (f) => f.origBytes + f.respBytes,
  (f) => f.origPackets + f.respPackets,
  (f) => f.lastSeenMicros,
];

export function flowSubject(f: FlowSummary, alerted: ReadonlySet<string>): FilterSubject {
  return {
    proto: protoName(f.proto),
    addresses: [f.origAddr, f.respAddr],
    ports: f.proto === 6 || f.proto === 17 ? [f.origPort, f.respPort] : [],
    process: f.process,
    country: f.country,
    state: f.state,
    hasAlert: alerted.has(f.origAddr) || alerted.has(f.respAddr),
  };
}

export function connectionRows(flows: readonly FlowSummary[], filter: CompiledFilter | null, sortIndex: number, ctx: RowContext): PaneRow[] {
  const key = SORT_KEYS[sortIndex] ?? SORT_KEYS[0]!;
  const sorted = [...flows].sort((a, b) => key(b) - key(a) || a.uid - b.uid);
  const rows: PaneRow[] = [];
  for (const f of sorted) {
    const subject = flowSubject(f, ctx.alerted);
    if (filter !== null && !filter.matches(subject)) continue;
    rows.push({
      key: String(f.uid),
      item: { kind: 'flow', flow: f },
      tone: subject.hasAlert ? 'danger' : subject.process !== null && ctx.trusted.has(subject.process) ? 'ok' : null,
      cells: [
        mark(subject.hasAlert),
        protoName(f.proto),
        endpoint(f.origAddr, f.origPort, f.proto),
        endpoint(f.respAddr, f.respPort, f.proto),
        f.state,
        formatBytes(f.origBytes),
        formatBytes(f.respBytes),
        f.process ?? '',
        countryTag(f.country),
        f.http ? `${f.http.method} ${f.http.target}` : '',
      ],
    });
  }
  return rows;
}
