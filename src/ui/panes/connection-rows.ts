import type { FlowSummary } from '../../model/flow-summary.js';
import type { ColumnSpec, TableRow } from '../components/row-table.js';
import type { CompiledFilter, FilterSubject } from '../../filter/index.js';
import { countryTag, endpoint, formatBytes, protoName } from '../format.js';

export const CONNECTION_COLUMNS: readonly ColumnSpec[] = [
  { title: 'PROTO', width: 6 },
  { title: 'LOCAL/ORIGIN', width: 21, grow: true },
  { title: 'REMOTE/RESPONDER', width: 21 },
  { title: 'STATE', width: 6 },
  { title: 'SENT', width: 6, align: 'right' },
  { title: 'RECV', width: 6, align: 'right' },
  { title: 'PROCESS', width: 12, minTerminalWidth: 100 },
  { title: 'CC', width: 4, minTerminalWidth: 90 },
  { title: 'INFO', width: 20, minTerminalWidth: 120 },
];

export interface ConnectionRow extends TableRow {
  address: string;
}

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

export function connectionRows(flows: readonly FlowSummary[], filter: CompiledFilter | null, alerted: ReadonlySet<string>, sortIndex: number, trusted: ReadonlySet<string> = new Set()): ConnectionRow[] {
  const key = SORT_KEYS[sortIndex] ?? SORT_KEYS[0]!;
  const sorted = [...flows].sort((a, b) => key(b) - key(a) || a.uid - b.uid);
  const rows: ConnectionRow[] = [];
  for (const f of sorted) {
    const subject = flowSubject(f, alerted);
    if (filter !== null && !filter.matches(subject)) continue;
    const http = f.http ? `${f.http.method} ${f.http.target}` : '';
    rows.push({
      key: String(f.uid),
      address: alerted.has(f.respAddr) && !alerted.has(f.origAddr) ? f.respAddr : f.origAddr,
      tone: subject.hasAlert ? 'danger' : subject.process !== null && trusted.has(subject.process) ? 'ok' : null,
      cells: [
        protoName(f.proto),
        endpoint(f.origAddr, f.origPort, f.proto),
        endpoint(f.respAddr, f.respPort, f.proto),
        f.state,
        formatBytes(f.origBytes),
        formatBytes(f.respBytes),
        f.process ?? '',
        countryTag(f.country),
        http,
      ],
    });
  }
  return rows;
}
