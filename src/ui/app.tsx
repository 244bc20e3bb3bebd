import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { AddressActivity, AddressCheck, FeedState, HistoryPage } from '../engine/protocol.js';
import { compileFilter, type CompiledFilter } from '../filter/index.js';
import type { Alert } from '../model/alert.js';
import type { BlockRecord } from '../model/block-record.js';
import { AlertStrip } from './components/alert-strip.js';
import { BLOCK_PROMPT_LINES, BlockPrompt } from './components/block-prompt.js';
import { DetailView, detailBodyHeight } from './components/detail-view.js';
import { FILTER_PROMPT_LINES, FilterPrompt } from './components/filter-prompt.js';
import { Header } from './components/header.js';
import { HelpOverlay } from './components/help-overlay.js';
import { RowTable } from './components/row-table.js';
import { StatusBar } from './components/status-bar.js';
import { TabBar } from './components/tab-bar.js';
import { fitCell } from './components/fit-cell.js';
import { detailLines, detailTitle } from './detail/detail-lines.js';
import { detailRows } from './detail/detail-rows.js';
import { useAppInput } from './hooks/use-app-input.js';
import { usePolicyPrompts } from './hooks/use-policy-prompts.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useViewState } from './hooks/use-view-state.js';
import type { Effect, RouteEnv } from './input/route-key.js';
import { displayAction } from './panes/alert-rows.js';
import { blockTarget, rowAddress, type TargetContext } from './panes/block-target.js';
import { filterApplies, paneModel, type PaneModel } from './panes/pane-model.js';
import type { RowContext, RowItem } from './panes/pane-row.js';
import { formatDuration, initialViewState, PANES, resolveHighlight, type BlockTarget, type PaneId } from './state/view-state.js';
import type { EngineData, EngineDataStore } from './store/engine-data-store.js';
import type { Theme } from './theme.js';
import { timeFormat, type TimeFormat } from './time-format.js';

/** What the UI asks of the engine; the real one goes through EngineClient, tests pass fakes. */
export interface EngineActions {
  block(address: string, durationSeconds: number, reason: string): Promise<unknown>;
  unblock(address: string): Promise<unknown>;
  unblockAll(): Promise<unknown>;
  /** The history file's newest entries; `available` is false when the run keeps no history file. */
  history(limit: number): Promise<HistoryPage>;
  /** The engine's feed filter and whether the UI's own session is shown. */
  setFeed(filter: string, showOwn: boolean): Promise<FeedState>;
  /** Whether an address is protected, before y. */
  checkAddress(address: string): Promise<AddressCheck>;
  /** What the engine holds about an address, for the detail view. */
  activity(address: string, limit: number): Promise<AddressActivity>;
}

/** Entries the history pane asks for: enough for a long review, bounded for the IPC channel. */
const HISTORY_ROWS = 5000;
const HISTORY_REFRESH_MS = 5000;
const NO_TRUSTED: ReadonlySet<string> = new Set();
/** The smallest terminal everything fits in without wrapping. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export interface AppProps {
  store: EngineDataStore;
  actions: EngineActions;
  theme: Theme;
  /** Default duration offered by the block prompt (--block-duration). */
  blockSeconds: number;
  /** Blocks are recorded but change nothing (replays). */
  dryRun: boolean;
  onQuit(): void;
  /** Process names shown as trusted (green) when they have no alert. */
  trustedProcesses?: ReadonlySet<string>;
  /** How times are written (local zone, or UTC). */
  time?: TimeFormat;
  /** Rings the terminal bell for a new alert (config `bell`); absent: silent. */
  bell?: () => void;
  /** The pane shown first (History for a review). */
  initialPane?: PaneId;
  /** Wall clock, injectable for tests. */
  now?: () => number;
}

/** Header (2), alert strip, tab bar, status line. */
const CHROME_LINES = 5;

export function App({ store, actions, theme, blockSeconds, dryRun, onQuit, trustedProcesses = NO_TRUSTED, time: timeProp, bell, initialPane = 'feed', now = Date.now }: AppProps) {
  const live = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [view, dispatch, viewRef] = useViewState(() => initialViewState(initialPane));
  const { columns, rows } = useTerminalSize();
  const time = useMemo(() => timeProp ?? timeFormat(false), [timeProp]);
  const frozen = useRef<EngineData | null>(null);
  if (view.paused && frozen.current === null) frozen.current = live;
  if (!view.paused) frozen.current = null;
  const data = frozen.current ?? live;
  const review = live.source?.kind === 'review';
  // Countdowns and the uptime tick once a second even without snapshots.
  const [, setSecondTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setSecondTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  const nowMs = now();

  // The history pane reads the history file through the engine: when shown, when this session
  // adds to it, and every few seconds (a review follows a file another instance writes).
  const sessionEvents = live.history.length;
  useEffect(() => {
    if (view.pane !== 'history') return;
    let cancelled = false;
    const fetchHistory = () =>
      actions.history(HISTORY_ROWS).then(
        (r) => {
          if (!cancelled) store.update((d) => ({ ...d, storedHistory: r.available ? r.entries : null }));
        },
        () => undefined,
      );
    void fetchHistory();
    const t = setInterval(() => void fetchHistory(), HISTORY_REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(t);
    };
  }, [view.pane, actions, store, sessionEvents, live.blocks]);

  // Alerts on screen are seen; the strip counts the rest. A review starts with the file's alerts
  // seen: what is new is what a running snoopy-tui adds while it is open.
  const reviewBaseline = useRef(false);
  useEffect(() => {
    if (view.pane === 'alerts' && !view.help) dispatch({ type: 'sawAlerts', total: live.alertsTotal });
    else if (review && !reviewBaseline.current && live.alertsTotal > 0) dispatch({ type: 'sawAlerts', total: live.alertsTotal });
    if (review && live.alertsTotal > 0) reviewBaseline.current = true;
  }, [view.pane, view.help, live.alertsTotal, dispatch, review]);
  const rang = useRef(0);
  useEffect(() => {
    if (live.alertsTotal > rang.current && rang.current > 0 && review === false) bell?.();
    rang.current = Math.max(rang.current, live.alertsTotal, 1);
  }, [live.alertsTotal, bell, review]);

  const filter: CompiledFilter | null = useMemo(() => {
    if (view.filterText === '') return null;
    const r = compileFilter(view.filterText);
    return r.ok ? r.filter : null;
  }, [view.filterText]);

  // The engine drops an expired block from its snapshots within a second: no clock needed here.
  const blocked = useMemo(() => new Map(live.blocks.map((b) => [b.address, b] as const)), [live.blocks]);
  const second = Math.floor(nowMs / 1000);
  const countries = useMemo(() => {
    const m = new Map<string, string>();
    for (const a of live.alerts) if (a.country !== null) m.set(a.attacker_ip, a.country);
    return m;
  }, [live.alerts]);
  const ctx: RowContext = useMemo(() => ({ time, alerted: live.alertedAddresses, trusted: trustedProcesses, blocked, countries }), [time, live.alertedAddresses, trustedProcesses, blocked, countries]);
  const historySource = review ? 'review' : live.storedHistory !== null ? 'file' : 'session';
  const history = live.storedHistory ?? data.history;

  // One memo per pane, each on what its rows come from: a snapshot rebuilds the live panes, not
  // the history of thousands of entries.
  const inputs = { data, view, filter, ctx, history, historySource, nowMs } as const;
  const feedModel = useMemo(() => paneModel('feed', inputs), [data.feed, data.feedSkipped, data.feedState, data.source, filter, ctx]);
  const connectionsModel = useMemo(() => paneModel('connections', inputs), [data.flows, data.source, view.sort.connections, filter, ctx]);
  const alertsModel = useMemo(() => paneModel('alerts', inputs), [data.alerts, view.sort.alerts, filter, ctx]);
  // Its countdown ticks every second.
  const blockedModel = useMemo(() => paneModel('blocked', inputs), [data.blocks, view.sort.blocked, filter, ctx, second]);
  const historyModel = useMemo(() => paneModel('history', inputs), [history, historySource, filter, ctx]);
  const models: Record<PaneId, PaneModel> = { feed: feedModel, connections: connectionsModel, alerts: alertsModel, blocked: blockedModel, history: historyModel };

  const targets: TargetContext = useMemo(() => {
    const newest = new Map<string, Alert>();
    for (const a of live.alerts) newest.set(a.attacker_ip, a);
    return { local: live.local, alerted: live.alertedAddresses, alertOf: (address) => newest.get(address) };
  }, [live.local, live.alertedAddresses, live.alerts]);

  // Layout: everything fits 80x24 without a wrapped line.
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const usable = Math.max(6, rows - 1); // Ink 6 repaints the whole screen when the root is as tall as the terminal.
  const promptLines = view.prompt?.kind === 'block' ? BLOCK_PROMPT_LINES : view.prompt?.kind === 'filter' ? FILTER_PROMPT_LINES : 0;
  const bodyLines = Math.max(2, usable - CHROME_LINES - promptLines);
  const tableRows = bodyLines - 1;
  const model = models[view.pane];
  const highlightIndex = resolveHighlight(view.highlight[view.pane], model.rows.length);

  // The detail view: its lines, and what the engine holds about the address.
  const detailItem = view.detail?.item ?? null;
  const detailAddress = detailItem === null ? null : rowAddress(detailItem, targets);
  const [activity, setActivity] = useState<{ address: string; value: AddressActivity | null } | null>(null);
  useEffect(() => {
    if (detailAddress === null || review) return;
    let cancelled = false;
    setActivity({ address: detailAddress, value: null });
    actions.activity(detailAddress, 12).then(
      (value) => !cancelled && setActivity({ address: detailAddress, value }),
      () => !cancelled && setActivity(null),
    );
    return () => {
      cancelled = true;
    };
  }, [detailAddress, detailItem, actions, review]);
  const detail = useMemo(() => {
    if (detailItem === null) return null;
    const byId = new Map(live.alerts.map((a) => [a.id, a]));
    const lines = detailLines(detailItem, {
      time,
      alertById: (id) => byId.get(id),
      alertOf: targets.alertOf,
      blocked,
      activity: activity?.value ?? null,
      activityAddress: activity?.address ?? null,
      nowMs,
    });
    return { title: detailTitle(detailItem), rows: detailRows(lines, columns) };
  }, [detailItem, live.alerts, time, targets, blocked, activity, columns]);

  const env = (): RouteEnv => ({
    rowCount: (pane) => models[pane].rows.length,
    rowAt: (pane, index) => models[pane].rows[index]?.item,
    pageSize: Math.max(1, tableRows - 1),
    detailLines: detail?.rows.length ?? 0,
    detailHeight: detailBodyHeight(bodyLines),
    blockTarget: (item: RowItem): BlockTarget | null => blockTarget(item, targets),
    addressOf: (item) => rowAddress(item, targets),
    blockSeconds,
    blockRefusal: review ? 'reviewing the history: nothing is blocked from here (u lifts a block)' : null,
  });

  const notice = useCallback((text: string) => dispatch({ type: 'notice', text }), [dispatch]);
  const runEffect = (effect: Effect) => {
    switch (effect.kind) {
      case 'quit':
        return onQuit();
      case 'block':
        actions.block(effect.target.address, effect.durationSeconds, effect.target.reason).then(
          (result) => notice(blockNotice(effect.target.address, result as BlockRecord | undefined)),
          (e: Error) => notice(`block failed: ${e.message}`),
        );
        return;
      case 'unblock':
        actions.unblock(effect.address).then(
          () => notice(`unblocked ${effect.address}`),
          (e: Error) => notice(`unblock failed: ${e.message}`),
        );
        return;
      case 'unblockAll':
        actions.unblockAll().then(
          (count) => notice(`unblocked ${String(count)} address(es)`),
          (e: Error) => notice(`unblock failed: ${e.message}`),
        );
        return;
      case 'check':
        actions.checkAddress(effect.address).then(
          (r) => dispatch({ type: 'blockChecked', address: effect.address, check: { state: 'done', protectedReason: r.protectedReason } }),
          () => dispatch({ type: 'blockChecked', address: effect.address, check: { state: 'unknown' } }),
        );
        return;
      case 'feed':
        if (review) return;
        actions.setFeed(effect.filter, effect.showOwn).then(
          () => undefined,
          (e: Error) => notice(`feed: ${e.message}`),
        );
        return;
    }
  };
  useAppInput(viewRef, dispatch, env, runEffect);

  const askToBlock = useCallback(
    (target: BlockTarget) => {
      dispatch({ type: 'openBlockPrompt', target, durationSeconds: blockSeconds });
      actions.checkAddress(target.address).then(
        (r) => dispatch({ type: 'blockChecked', address: target.address, check: { state: 'done', protectedReason: r.protectedReason } }),
        () => dispatch({ type: 'blockChecked', address: target.address, check: { state: 'unknown' } }),
      );
    },
    [blockSeconds, actions, dispatch],
  );
  // A review asks nothing: its alerts are history, and it blocks nothing.
  usePolicyPrompts(live.alerts, live.blocks, !review && view.prompt === null && !view.paused && !view.help && view.detail === null, askToBlock);

  if (tooSmall) {
    return (
      <Text wrap="truncate" color={theme.warning}>
        {fitCell(`terminal ${columns}x${rows} is too small: snoopy-tui needs ${MIN_COLUMNS}x${MIN_ROWS} (q quits)`, Math.max(1, columns))}
      </Text>
    );
  }

  // The Alerts pane on screen shows them all: nothing is unseen (the effect above records it).
  const unseenCount = view.pane === 'alerts' && !view.help ? 0 : Math.max(0, live.alertsTotal - view.alertsSeen);
  const unseen = live.alerts.slice(Math.max(0, live.alerts.length - Math.min(unseenCount, 8))).reverse();
  const notFiltered = filter === null ? [] : PANES.filter((p) => !filterApplies(p, filter));
  const counts: Partial<Record<PaneId, number>> = { alerts: live.alerts.length, blocked: models.blocked.rows.length };

  let body;
  if (live.status === 'fatal') {
    body = (
      <Box height={bodyLines}>
        <Text color={theme.danger}>{live.fatal}</Text>
      </Box>
    );
  } else if (view.help) {
    body = <HelpOverlay height={bodyLines} width={columns} theme={theme} />;
  } else if (view.detail !== null && detail !== null) {
    body = <DetailView title={detail.title} rows={detail.rows} scroll={view.detail.scroll} height={bodyLines} width={columns} review={review} theme={theme} />;
  } else {
    body = (
      <RowTable
        columns={model.columns}
        rows={model.rows}
        height={tableRows}
        width={columns}
        highlight={highlightIndex}
        follow={model.follow && view.highlight[view.pane] < 0}
        theme={theme}
        emptyText={model.emptyText}
      />
    );
  }
  const position = model.rows.length > tableRows && view.detail === null && !view.help ? `${highlightIndex + 1}/${model.rows.length}` : undefined;
  const note = [model.note, position].filter((n) => n !== undefined).join(' ') || undefined;

  return (
    <Box flexDirection="column" width={columns} height={usable}>
      <Header data={live} paused={view.paused} showOwn={view.showOwn} zone={time.zone} width={columns} theme={theme} nowMs={nowMs} />
      <AlertStrip unseen={unseen} unseenCount={unseenCount} total={live.alertsTotal} actionOf={(a) => displayAction(a, blocked)} width={columns} theme={theme} />
      <TabBar active={view.pane} counts={counts} filterText={view.filterText} notFiltered={notFiltered} width={columns} theme={theme} />
      {body}
      {view.prompt?.kind === 'filter' ? <FilterPrompt line={view.prompt.line} current={view.filterText} error={view.prompt.error} width={columns} theme={theme} /> : null}
      {view.prompt?.kind === 'block' ? <BlockPrompt target={view.prompt.target} durationSeconds={view.prompt.durationSeconds} check={view.prompt.check} dryRun={dryRun} width={columns} theme={theme} /> : null}
      <StatusBar notice={live.status === 'ended' && live.endError ? live.endError : (view.notice ?? live.warning)} note={note} review={review} width={columns} theme={theme} />
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
