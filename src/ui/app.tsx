import { Box, Text, useInput } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import { BlockPrompt } from './components/block-prompt.js';
import { FilterPrompt } from './components/filter-prompt.js';
import { Header } from './components/header.js';
import { HelpOverlay } from './components/help-overlay.js';
import { HistoryPane } from './components/history-pane.js';
import { RowTable, type ColumnSpec, type TableRow } from './components/row-table.js';
import { StatusBar } from './components/status-bar.js';
import { TabBar } from './components/tab-bar.js';
import { compileFilter, type CompiledFilter } from '../filter/index.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { commandForKey, type CommandName } from './keymap.js';
import { ALERT_COLUMNS, alertRows } from './panes/alert-rows.js';
import { BLOCKED_COLUMNS, blockedRows } from './panes/blocked-rows.js';
import { usePolicyPrompts } from './hooks/use-policy-prompts.js';
import type { BlockRecord } from '../model/block-record.js';
import { CONNECTION_COLUMNS, connectionRows } from './panes/connection-rows.js';
import { FEED_COLUMNS, feedRows } from './panes/feed-rows.js';
import { formatDuration, initialViewState, PANES, resolveHighlight, viewReducer, type BlockTarget, type PaneId } from './state/view-state.js';
import { historyEventFromEntry, type EngineData, type EngineDataStore } from './store/engine-data-store.js';
import type { HistoryEntry } from '../model/history-entry.js';
import type { Theme } from './theme.js';

/** What the UI asks of the engine; the real one goes through EngineClient, tests pass fakes. */
export interface EngineActions {
  block(address: string, durationSeconds: number, reason: string): Promise<unknown>;
  unblock(address: string): Promise<unknown>;
  unblockAll(): Promise<unknown>;
  /** The history file's newest entries; `available` is false when the run keeps no history file. */
  history(limit: number): Promise<{ available: boolean; entries: HistoryEntry[] }>;
}

/** Rows the history pane asks the engine for. */
const HISTORY_ROWS = 500;
const HISTORY_REFRESH_MS = 3000;
const NO_TRUSTED: ReadonlySet<string> = new Set();

export interface AppProps {
  store: EngineDataStore;
  actions: EngineActions;
  theme: Theme;
  /** Default duration offered by the block prompt (--block-duration). */
  blockSeconds: number;
  /** Blocks are recorded but change nothing (replays, and live until the firewall backends land). */
  dryRun: boolean;
  onQuit(): void;
  /** Process names shown as trusted (green) when they have no alert. */
  trustedProcesses?: ReadonlySet<string>;
  /** Wall clock, injectable for tests. */
  now?: () => number;
}

/** Lines that are not the active pane: header (2), tab bar, status bar. */
const CHROME_LINES = 4;

interface PaneRows {
  columns: readonly ColumnSpec[];
  rows: (TableRow & { address: string; reason?: string })[];
  follow: boolean;
  emptyText: string;
}

export function App({ store, actions, theme, blockSeconds, dryRun, onQuit, trustedProcesses = NO_TRUSTED, now = Date.now }: AppProps) {
  const live = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [view, dispatch] = useReducer(viewReducer, undefined, initialViewState);
  const { columns, rows } = useTerminalSize();
  const frozen = useRef<EngineData | null>(null);
  if (view.paused && frozen.current === null) frozen.current = live;
  if (!view.paused) frozen.current = null;
  const data = frozen.current ?? live;
  // Countdowns in the blocked pane and the uptime tick once a second even without snapshots.
  const [, setSecondTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setSecondTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  const nowMs = now();

  // The history pane reads the history file through the engine while it is shown.
  useEffect(() => {
    if (view.pane !== 'history') return;
    let cancelled = false;
    const fetchHistory = () =>
      actions.history(HISTORY_ROWS).then(
        (r) => {
          if (!cancelled) store.update((d) => ({ ...d, storedHistory: r.available ? r.entries.map(historyEventFromEntry) : null }));
        },
        () => undefined,
      );
    void fetchHistory();
    const t = setInterval(() => void fetchHistory(), HISTORY_REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(t);
    };
  }, [view.pane, actions, store]);

  const filter: CompiledFilter | null = useMemo(() => {
    if (view.filterText === '') return null;
    const r = compileFilter(view.filterText);
    return r.ok ? r.filter : null;
  }, [view.filterText]);

  const alerted = live.alertedAddresses;
  const memoRows = useMemo((): Record<Exclude<PaneId, 'history' | 'blocked'>, PaneRows> => {
    const filtered = filter !== null ? ' matching the filter' : '';
    return {
      feed: {
        columns: FEED_COLUMNS,
        rows: feedRows(data.feed, filter, alerted, trustedProcesses),
        follow: true,
        // The feed keeps the most recent packets only; say so rather than "none".
        emptyText: filter !== null ? `No packets matching the filter among the last ${data.feed.length}.` : 'No packets yet.',
      },
      connections: { columns: CONNECTION_COLUMNS, rows: connectionRows(data.flows, filter, alerted, view.sort.connections, trustedProcesses), follow: false, emptyText: `No connections${filtered}.` },
      alerts: {
        columns: ALERT_COLUMNS,
        rows: alertRows(data.alerts, view.sort.alerts).map((r) => ({ ...r, reason: `${r.alert.attack_type}${r.alert.attack_details.scan_type ? ` (${r.alert.attack_details.scan_type}, ${r.alert.attack_details.ports_count ?? '?'} ports)` : ''}` })),
        follow: view.sort.alerts === 0,
        emptyText: 'No alerts.',
      },
    };
  }, [data, filter, alerted, view.sort, trustedProcesses]);
  // Outside the memo: the countdown changes every second.
  const paneRows: Record<Exclude<PaneId, 'history'>, PaneRows> = { ...memoRows, blocked: { columns: BLOCKED_COLUMNS, rows: blockedRows(live.blocks, nowMs, view.sort.blocked), follow: false, emptyText: 'Nothing is blocked.' } };

  const usable = Math.max(6, rows - 1); // Ink 6 repaints the whole screen when the root is as tall as the terminal.
  const promptLines = view.prompt?.kind === 'block' ? 5 : view.prompt?.kind === 'filter' ? 2 : 0;
  const paneHeight = Math.max(2, usable - CHROME_LINES - promptLines);
  const bodyHeight = paneHeight - 1; // the table header
  const active = view.pane === 'history' ? null : paneRows[view.pane];
  const historyEvents = live.storedHistory ?? data.history;
  const rowCount = view.pane === 'history' ? historyEvents.length : active!.rows.length;
  const highlightIndex = resolveHighlight(view.highlight[view.pane], rowCount);
  const highlightedRow = active !== null && highlightIndex >= 0 ? active.rows[highlightIndex] : undefined;

  /** Why the highlighted address would be blocked: its alert, if it has one. */
  const blockTarget = (): BlockTarget | null => {
    if (highlightedRow === undefined) return null;
    const address = highlightedRow.address;
    const alert = data.alerts.find((a) => a.attacker_ip === address);
    const reason = highlightedRow.reason ?? (alert ? `${alert.attack_type} (${alert.severity})` : 'manual block from the UI');
    return { address, country: alert?.country ?? null, process: alert?.process ?? null, reason };
  };

  const run = (command: CommandName) => {
    switch (command) {
      case 'moveUp':
        return dispatch({ type: 'move', delta: -1, rowCount });
      case 'moveDown':
        return dispatch({ type: 'move', delta: 1, rowCount });
      case 'pageUp':
        return dispatch({ type: 'move', delta: -bodyHeight, rowCount });
      case 'pageDown':
        return dispatch({ type: 'move', delta: bodyHeight, rowCount });
      case 'top':
        return dispatch({ type: 'jump', to: 'top', rowCount });
      case 'bottom':
        return dispatch({ type: 'jump', to: 'bottom', rowCount });
      case 'block': {
        const target = blockTarget();
        if (target === null) return dispatch({ type: 'notice', text: 'nothing highlighted to block' });
        return dispatch({ type: 'openBlockPrompt', target, durationSeconds: blockSeconds });
      }
      case 'unblock': {
        if (highlightedRow === undefined) return dispatch({ type: 'notice', text: 'nothing highlighted to unblock' });
        const address = highlightedRow.address;
        actions.unblock(address).then(
          () => dispatch({ type: 'notice', text: `unblocked ${address}` }),
          (e: Error) => dispatch({ type: 'notice', text: `unblock failed: ${e.message}` }),
        );
        return;
      }
      case 'unblockAll':
        actions.unblockAll().then(
          (count) => dispatch({ type: 'notice', text: `unblocked ${String(count)} address(es)` }),
          (e: Error) => dispatch({ type: 'notice', text: `unblock failed: ${e.message}` }),
        );
        return;
      case 'openFilter':
        return dispatch({ type: 'openFilter' });
      case 'clearFilter':
        return dispatch({ type: 'escape' });
      case 'nextPane':
        return dispatch({ type: 'cyclePane', step: 1 });
      case 'prevPane':
        return dispatch({ type: 'cyclePane', step: -1 });
      case 'pane1':
      case 'pane2':
      case 'pane3':
      case 'pane4':
      case 'pane5':
        return dispatch({ type: 'showPane', pane: PANES[Number(command.slice(4)) - 1]! });
      case 'history':
        return dispatch({ type: 'showPane', pane: 'history' });
      case 'pause':
        return dispatch({ type: 'togglePause' });
      case 'sort':
        return dispatch({ type: 'cycleSort' });
      case 'help':
        return dispatch({ type: 'toggleHelp' });
      case 'quit':
        return onQuit();
    }
  };

  // The panes' keys; inactive while a prompt is open, so the prompt takes every key.
  useInput(
    (input, key) => {
      // Typed or pasted faster than a frame: "/port 22" arrives as one chunk.
      if (input.length > 1 && input.startsWith('/') && !key.ctrl && !key.meta) {
        return dispatch({ type: 'openFilter', draft: input.slice(1).replace(/[\u0000-\u001f\u007f-\u009f]/g, '') });
      }
      const command = commandForKey(input, key);
      if (command === null) return;
      if (view.notice !== null) dispatch({ type: 'notice', text: null });
      run(command);
    },
    { isActive: view.prompt === null },
  );

  const askToBlock = useCallback((target: BlockTarget) => dispatch({ type: 'openBlockPrompt', target, durationSeconds: blockSeconds }), [blockSeconds]);
  usePolicyPrompts(live.alerts, live.blocks, view.prompt === null && !view.paused && !view.help, askToBlock);

  const confirmBlock = () => {
    if (view.prompt?.kind !== 'block') return;
    const { target, durationSeconds } = view.prompt;
    dispatch({ type: 'closePrompt' });
    actions.block(target.address, durationSeconds, target.reason).then(
      (result) => dispatch({ type: 'notice', text: blockNotice(target.address, result as BlockRecord | undefined) }),
      (e: Error) => dispatch({ type: 'notice', text: `block failed: ${e.message}` }),
    );
  };

  const submitFilter = (text: string) => {
    const r = compileFilter(text);
    if (r.ok) dispatch({ type: 'applyFilter', text });
    else dispatch({ type: 'filterRejected', error: `${r.error} (at ${r.position + 1})` });
  };

  const counts: Partial<Record<PaneId, number>> = {
    alerts: data.alerts.length,
    blocked: paneRows.blocked.rows.length,
  };

  let body;
  if (live.status === 'fatal') {
    body = (
      <Box height={paneHeight}>
        <Text color={theme.danger}>{live.fatal}</Text>
      </Box>
    );
  } else if (view.help) {
    body = <HelpOverlay height={paneHeight} width={columns} theme={theme} />;
  } else if (view.pane === 'history') {
    body = (
      <HistoryPane
        events={historyEvents}
        source={live.storedHistory !== null ? 'file' : 'session'}
        height={paneHeight}
        width={columns}
        highlight={view.highlight.history}
        theme={theme}
      />
    );
  } else {
    body = (
      <RowTable
        columns={active!.columns}
        rows={active!.rows}
        height={bodyHeight}
        width={columns}
        highlight={highlightIndex}
        follow={active!.follow && view.highlight[view.pane] < 0}
        theme={theme}
        emptyText={active!.emptyText}
      />
    );
  }

  return (
    <Box flexDirection="column" width={columns} height={usable}>
      <Header data={live} paused={view.paused} width={columns} theme={theme} nowMs={nowMs} />
      <TabBar active={view.pane} counts={counts} filterText={view.filterText} width={columns} theme={theme} />
      {body}
      {view.prompt?.kind === 'filter' ? (
        <FilterPrompt
          draft={view.prompt.draft}
          cursor={view.prompt.cursor}
          error={view.prompt.error}
          width={columns}
          theme={theme}
          onEdit={(draft, cursor) => dispatch({ type: 'editFilter', draft, cursor })}
          onSubmit={submitFilter}
          onCancel={() => dispatch({ type: 'closePrompt' })}
        />
      ) : null}
      {view.prompt?.kind === 'block' ? (
        <BlockPrompt
          target={view.prompt.target}
          durationSeconds={view.prompt.durationSeconds}
          dryRun={dryRun}
          width={columns}
          theme={theme}
          onConfirm={confirmBlock}
          onCancel={() => dispatch({ type: 'closePrompt' })}
          onCycleDuration={() => dispatch({ type: 'cycleBlockDuration' })}
        />
      ) : null}
      <StatusBar notice={live.status === 'ended' && live.endError ? live.endError : (view.notice ?? live.warning)} width={columns} theme={theme} />
    </Box>
  );
}

/** What became of a block the person asked for, in one line for the status bar. */
export function blockNotice(address: string, r: BlockRecord | undefined): string {
  switch (r?.action) {
    case 'blocked':
      return `blocked ${r.network} in ${r.firewall} for ${formatDuration(Math.round((r.expiresAt - r.createdAt) / 1000))}`;
    case 'dry_run':
      return `dry run: recorded block of ${address}, no firewall change`;
    case 'suppressed':
      return `not blocked: ${address} is ${(r.detail ?? 'protected').replace(/^protected: /, '')}`;
    case 'block_failed':
      return `block of ${address} failed: ${r.detail ?? 'firewall error'}`;
    default:
      return `block of ${address} requested`;
  }
}
