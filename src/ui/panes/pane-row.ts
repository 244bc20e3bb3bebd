import type { Alert } from '../../model/alert.js';
import type { BlockRecord } from '../../model/block-record.js';
import type { FeedPacket } from '../../model/feed-packet.js';
import type { FlowSummary } from '../../model/flow-summary.js';
import type { HistoryEntry } from '../../model/history-entry.js';
import type { TableRow } from '../components/row-table.js';
import type { TimeFormat } from '../time-format.js';

/** What a row stands for: Enter opens its detail, b and u act on its address. */
export type RowItem =
  | { kind: 'packet'; packet: FeedPacket }
  | { kind: 'flow'; flow: FlowSummary }
  | { kind: 'alert'; alert: Alert }
  | { kind: 'block'; block: BlockRecord }
  | { kind: 'history'; entry: HistoryEntry };

export interface PaneRow extends TableRow {
  item: RowItem;
}

/** What the row builders need besides their records. */
export interface RowContext {
  time: TimeFormat;
  /** Addresses with an alert: their rows are marked. */
  alerted: ReadonlySet<string>;
  /** Process names shown as trusted (green) when they have no alert. */
  trusted: ReadonlySet<string>;
  /** Blocks in force, by address: an alert whose attacker is blocked shows it. */
  blocked: ReadonlyMap<string, BlockRecord>;
  /** Countries known per address (from alerts), for rows that carry none. */
  countries: ReadonlyMap<string, string>;
}

/** The mark column: `!` on the rows of an address with an alert (colour alone is lost without colour). */
export const MARK_COLUMN = { title: '', min: 1, max: 1 } as const;

export function mark(hasAlert: boolean): string {
  return hasAlert ? '!' : '';
}
