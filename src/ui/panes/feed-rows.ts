import type { FeedPacket } from '../../model/feed-packet.js';
import type { ColumnSpec } from '../components/column-layout.js';
import type { CompiledFilter, FilterSubject } from '../../filter/index.js';
import { countryTag, endpoint, protoName, tcpFlagsText } from '../format.js';
import { packetClock } from '../time-format.js';
import { MARK_COLUMN, mark, type PaneRow, type RowContext } from './pane-row.js';

/** At 80 columns: time, both ends, flags, process and country; length and the request line come back when there is room. */
export const FEED_COLUMNS: readonly ColumnSpec[] = [
  MARK_COLUMN,
  { title: 'TIME', min: 8, max: 8 },
  { title: 'PROTO', min: 4, max: 6 },
  { title: 'SOURCE', min: 13, max: 47 },
  { title: 'DESTINATION', min: 13, max: 47 },
  { title: 'FL', min: 2, max: 5 },
  { title: 'PROCESS', min: 7, max: 16 },
  { title: 'CC', min: 3, max: 4 },
  { title: 'LEN', min: 5, max: 5, align: 'right', dropRank: 2 },
  { title: 'INFO', min: 6, max: 6, grow: true, dropRank: 1 },
];

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

/** Feed rows; `filter` is null when the engine already filtered the packets. */
export function feedRows(packets: readonly FeedPacket[], filter: CompiledFilter | null, ctx: RowContext): PaneRow[] {
  const rows: PaneRow[] = [];
  for (let i = 0; i < packets.length; i++) {
    const p = packets[i]!;
    const subject = packetSubject(p, ctx.alerted);
    if (filter !== null && !filter.matches(subject)) continue;
    let info = p.info ?? '';
    if (info === '' && (p.proto === 1 || p.proto === 58)) info = `type ${p.icmpType}`;
    rows.push({
      key: `${p.tsMicros}-${p.flowUid}-${i}`,
      item: { kind: 'packet', packet: p },
      tone: subject.hasAlert ? 'danger' : subject.process !== null && ctx.trusted.has(subject.process) ? 'ok' : null,
      cells: [
        mark(subject.hasAlert),
        packetClock(ctx.time, p.tsMicros),
        protoName(p.proto),
        endpoint(p.src, p.srcPort, p.proto),
        endpoint(p.dst, p.dstPort, p.proto),
        p.proto === 6 ? tcpFlagsText(p.tcpFlags) : '',
        p.process ?? '',
        countryTag(p.country),
        String(p.length),
        info,
      ],
    });
  }
  return rows;
}
