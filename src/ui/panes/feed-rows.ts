import type { FeedPacket } from '../../model/feed-packet.js';
import type { ColumnSpec, TableRow } from '../components/row-table.js';
import type { CompiledFilter, FilterSubject } from '../../filter/index.js';
import { countryTag, endpoint, formatClock, protoName, tcpFlagsText } from '../format.js';

export const FEED_COLUMNS: readonly ColumnSpec[] = [
  { title: 'TIME', width: 8 },
  { title: 'PROTO', width: 6 },
  { title: 'SOURCE', width: 21 },
  { title: 'DESTINATION', width: 21 },
  { title: 'FLAGS', width: 5 },
  { title: 'LEN', width: 5, align: 'right', minTerminalWidth: 90 },
  { title: 'PROCESS', width: 12, minTerminalWidth: 110 },
  { title: 'CC', width: 4, minTerminalWidth: 90 },
  { title: 'INFO', width: 6, grow: true },
];

export interface FeedRow extends TableRow {
  /** The address a block from this row targets: the packet's source. */
  address: string;
}

/** Subject of the filter for one packet (addresses and ports of both ends). */
export function packetSubject(p: FeedPacket, alerted: ReadonlySet<string>): FilterSubject {
  return {
    proto: protoName(p.proto),
    addresses: [p.src, p.dst],
    ports: p.proto === 6 || p.proto === 17 ? [p.srcPort, p.dstPort] : [],
    process: p.process,
    country: p.country,
    state: null,
    hasAlert: alerted.has(p.src) || alerted.has(p.dst),
  };
}

export function feedRows(packets: readonly FeedPacket[], filter: CompiledFilter | null, alerted: ReadonlySet<string>, trusted: ReadonlySet<string> = new Set()): FeedRow[] {
  const rows: FeedRow[] = [];
  for (let i = 0; i < packets.length; i++) {
    const p = packets[i]!;
    const subject = packetSubject(p, alerted);
    if (filter !== null && !filter.matches(subject)) continue;
    const proto = protoName(p.proto);
    let info = p.info ?? '';
    if (info === '' && (p.proto === 1 || p.proto === 58)) info = `type ${p.icmpType}`;
    rows.push({
      key: `${p.tsMicros}-${i}-${p.src}-${p.srcPort}`,
      address: p.src,
      tone: subject.hasAlert ? 'danger' : subject.process !== null && trusted.has(subject.process) ? 'ok' : null,
      cells: [
        formatClock(p.tsMicros),
        proto,
        endpoint(p.src, p.srcPort, p.proto),
        endpoint(p.dst, p.dstPort, p.proto),
        p.proto === 6 ? tcpFlagsText(p.tcpFlags) : '',
        String(p.length),
        p.process ?? '',
        countryTag(p.country),
        info,
      ],
    });
  }
  return rows;
}
