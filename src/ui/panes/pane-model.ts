import type { CompiledFilter, FilterField } from '../../filter/index.js';
import type { HistoryEntry } from '../../model/history-entry.js';
import type { ColumnSpec } from '../components/column-layout.js';
import { formatCount } from '../format.js';
import type { EngineData } from '../store/engine-data-store.js';
import type { PaneId, ViewState } from '../state/view-state.js';
import { ALERT_COLUMNS, alertRows } from './alert-rows.js';
import { BLOCKED_COLUMNS, blockedRows } from './blocked-rows.js';
import { CONNECTION_COLUMNS, connectionRows } from './connection-rows.js';
import { FEED_COLUMNS, feedRows } from './feed-rows.js';
import { HISTORY_COLUMNS, historyRows } from './history-rows.js';
import type { PaneRow, RowContext } from './pane-row.js';

/** The fields each pane's rows have: a filter testing a field a pane lacks does not apply there. */
export const PANE_FIELDS: Record<PaneId, ReadonlySet<FilterField>> = {
  feed: new Set(['process', 'port', 'ip', 'country', 'proto', 'alert']),
  connections: new Set(['process', 'port', 'ip', 'status', 'country', 'proto', 'alert']),
  alerts: new Set(['process', 'port', 'ip', 'country', 'proto', 'alert']),
  blocked: new Set(['port', 'ip', 'country', 'alert']),
  history: new Set(['process', 'port', 'ip', 'country', 'proto', 'alert']),
};

export function filterApplies(pane: PaneId, filter: CompiledFilter | null): boolean {
  if (filter === null) return false;
  for (const f of filter.fields) if (!PANE_FIELDS[pane].has(f)) return false;
  return true;
}

export interface PaneModel {
  columns: readonly ColumnSpec[];
  rows: PaneRow[];
  /** New rows come last and the highlight may follow them. */
  follow: boolean;
  emptyText: string;
  /** What the status line says the pane leaves out (a sample, a filter that does not apply). */
  note: string | undefined;
}

export interface ModelInputs {
  data: EngineData;
  view: ViewState;
  filter: CompiledFilter | null;
  ctx: RowContext;
  /** The history pane's entries: the history file's, or this session's. */
  history: readonly HistoryEntry[];
  historySource: 'file' | 'session' | 'review';
  nowMs: number;
}

/** The rows of one pane, from the data and the view. Pure. */
export function paneModel(pane: PaneId, m: ModelInputs): PaneModel {
  const { data, view, ctx } = m;
  const applies = filterApplies(pane, m.filter);
  const filter = applies ? m.filter : null;
  const notApplied = m.filter !== null && !applies ? 'filter n/a here' : undefined;
  const filtered = filter !== null ? ' matching the filter' : '';
  switch (pane) {
    case 'feed': {
      // The engine filters the feed on every packet; filter here only what it did not (review, an older engine state).
      const engineFiltered = data.feedState !== null && data.feedState.filter === (filter?.text ?? '');
      const rows = feedRows(data.feed, engineFiltered ? null : filter, ctx);
      const sampled = data.feedSkipped > 0 ? `sample: ${formatCount(data.feedSkipped)} not shown` : undefined;
      const empty = data.source?.kind === 'review' ? 'No packets: reviewing a history file (no capture).' : filter !== null ? 'No packets matching the filter yet (the engine tests every packet).' : 'No packets yet.';
      return { columns: FEED_COLUMNS, rows, follow: true, emptyText: empty, note: notApplied ?? sampled };
    }
    case 'connections': {
      const empty = data.source?.kind === 'review' ? 'No connections: reviewing a history file (no capture).' : `No connections${filtered}.`;
      return { columns: CONNECTION_COLUMNS, rows: connectionRows(data.flows, filter, view.sort.connections, ctx), follow: false, emptyText: empty, note: notApplied ?? (data.flows.length >= 50 ? 'top 50 by activity' : undefined) };
    }
    case 'alerts':
      return { columns: ALERT_COLUMNS, rows: alertRows(data.alerts, filter, view.sort.alerts, ctx), follow: view.sort.alerts === 0, emptyText: `No alerts${filtered}.`, note: notApplied };
    case 'blocked':
      return { columns: BLOCKED_COLUMNS, rows: blockedRows(data.blocks, m.nowMs, filter, view.sort.blocked, ctx), follow: false, emptyText: `Nothing is blocked${filtered}.`, note: notApplied };
    case 'history': {
      const empty = m.historySource === 'session' ? 'No alerts or blocks yet (no history file: --history FILE keeps one).' : `The history file holds nothing${filtered}.`;
      return { columns: HISTORY_COLUMNS, rows: historyRows(m.history, filter, ctx), follow: true, emptyText: empty, note: notApplied ?? (m.historySource === 'session' ? 'this session only' : undefined) };
    }
  }
}
