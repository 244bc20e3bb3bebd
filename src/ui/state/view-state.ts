/**
 * What the person is doing in the UI — which pane, which row, which prompt or detail — as a pure
 * reducer (testable without Ink). Engine data lives elsewhere (EngineDataStore); side effects
 * such as sending a block to the engine are done by the caller (see input/route-key.ts).
 */
import type { RowItem } from '../panes/pane-row.js';
import { EMPTY_LINE, editLine, type LineEdit, type LineEditor } from './line-editor.js';

export const PANES = ['feed', 'connections', 'alerts', 'blocked', 'history'] as const;
export type PaneId = (typeof PANES)[number];

export const PANE_TITLES: Record<PaneId, string> = {
  feed: 'Packets',
  connections: 'Connections',
  alerts: 'Alerts',
  blocked: 'Blocked',
  history: 'History',
};

/** Tab labels when the terminal is narrower than 100 columns. */
export const PANE_SHORT_TITLES: Record<PaneId, string> = {
  feed: 'Packets',
  connections: 'Conns',
  alerts: 'Alerts',
  blocked: 'Blocked',
  history: 'History',
};

export const SORTS: Record<PaneId, readonly string[]> = {
  feed: ['time'],
  connections: ['bytes', 'packets', 'recent'],
  alerts: ['time', 'severity', 'packets'],
  blocked: ['time left', 'address'],
  history: ['time'],
};

/** Durations offered by the block prompt, seconds; `d` cycles through them. */
export const BLOCK_DURATIONS = [300, 900, 3600, 86_400, 604_800] as const;

/** Longest filter a person can type; the parser bounds its own work too. */
export const MAX_FILTER_CHARS = 512;
/** Filters kept for ↑ in the prompt. */
const FILTER_HISTORY = 20;

export interface BlockTarget {
  address: string;
  country: string | null;
  process: string | null;
  reason: string;
}

/** What the engine said about the address before y: pending, or why it would be refused. */
export type BlockCheck = { state: 'pending' } | { state: 'done'; protectedReason: string | null } | { state: 'unknown' };

export type Prompt =
  | { kind: 'filter'; line: LineEditor; error: string | null; recall: number }
  | { kind: 'block'; target: BlockTarget; durationSeconds: number; check: BlockCheck };

export interface DetailState {
  item: RowItem;
  /** First line shown. */
  scroll: number;
}

export interface ViewState {
  pane: PaneId;
  /** Highlighted row per pane; -1 = follow the newest row (bottom). */
  highlight: Record<PaneId, number>;
  sort: Record<PaneId, number>;
  filterText: string;
  /** Filters applied before, oldest first (↑ in the prompt recalls them). */
  filterHistory: readonly string[];
  prompt: Prompt | null;
  detail: DetailState | null;
  help: boolean;
  paused: boolean;
  /** The UI's own SSH session is shown in the feed and rates. */
  showOwn: boolean;
  /** How many alerts (of the store's alertsTotal) the person has seen: the Alerts pane on screen sees them all. */
  alertsSeen: number;
  /** One-line message in the status bar (result of the last action). */
  notice: string | null;
}

export function initialViewState(pane: PaneId = 'feed'): ViewState {
  return {
    pane,
    highlight: { feed: -1, connections: 0, alerts: -1, blocked: 0, history: -1 },
    sort: { feed: 0, connections: 0, alerts: 0, blocked: 0, history: 0 },
    filterText: '',
    filterHistory: [],
    prompt: null,
    detail: null,
    help: false,
    paused: false,
    showOwn: false,
    alertsSeen: 0,
    notice: null,
  };
}

export type ViewAction =
  | { type: 'move'; delta: number; rowCount: number }
  | { type: 'jump'; to: 'top' | 'bottom'; rowCount: number }
  | { type: 'select'; index: number }
  | { type: 'showPane'; pane: PaneId }
  | { type: 'cyclePane'; step: 1 | -1 }
  | { type: 'toggleHelp' }
  | { type: 'togglePause' }
  | { type: 'toggleOwn' }
  | { type: 'cycleSort' }
  | { type: 'openFilter'; text?: string }
  | { type: 'editFilter'; edit: LineEdit }
  | { type: 'recallFilter'; step: 1 | -1 }
  | { type: 'filterRejected'; error: string }
  | { type: 'applyFilter'; text: string }
  | { type: 'openBlockPrompt'; target: BlockTarget; durationSeconds: number }
  | { type: 'blockChecked'; address: string; check: BlockCheck }
  | { type: 'cycleBlockDuration' }
  | { type: 'closePrompt' }
  | { type: 'openDetail'; item: RowItem }
  | { type: 'scrollDetail'; delta: number; lineCount: number; height: number }
  | { type: 'closeDetail' }
  | { type: 'sawAlerts'; total: number }
  | { type: 'notice'; text: string | null }
  | { type: 'escape' };

export function viewReducer(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'move': {
      if (action.rowCount === 0) return state;
      const current = resolveHighlight(state.highlight[state.pane], action.rowCount);
      const next = clamp(current + action.delta, 0, action.rowCount - 1);
      // Moving onto the last row of a growing list re-enables following.
      const value = isFollowable(state.pane) && next === action.rowCount - 1 && action.delta > 0 ? -1 : next;
      return withHighlight(state, value);
    }
    case 'jump':
      return withHighlight(state, action.to === 'top' ? 0 : isFollowable(state.pane) ? -1 : Math.max(0, action.rowCount - 1));
    case 'select':
      return withHighlight(state, action.index);
    case 'showPane':
      return { ...state, pane: action.pane, help: false, detail: null };
    case 'cyclePane': {
      const i = PANES.indexOf(state.pane);
      return { ...state, pane: PANES[(i + action.step + PANES.length) % PANES.length]!, help: false, detail: null };
    }
    case 'toggleHelp':
      return { ...state, help: !state.help };
    case 'togglePause':
      return { ...state, paused: !state.paused, notice: state.paused ? 'display resumed' : 'display paused (capture goes on)' };
    case 'toggleOwn':
      return { ...state, showOwn: !state.showOwn, notice: state.showOwn ? 'own SSH session hidden from the feed and rates' : 'own SSH session shown in the feed and rates' };
    case 'cycleSort': {
      const options = SORTS[state.pane];
      const next = (state.sort[state.pane] + 1) % options.length;
      return { ...state, sort: { ...state.sort, [state.pane]: next }, notice: `sorted by ${options[next]}` };
    }
    case 'openFilter': {
      // Starts empty: the filter in force is the hint, ↑ brings it back.
      const line = action.text !== undefined ? editLine(EMPTY_LINE, { kind: 'set', text: action.text }, MAX_FILTER_CHARS) : EMPTY_LINE;
      return { ...state, help: false, notice: null, prompt: { kind: 'filter', line, error: null, recall: -1 } };
    }
    case 'editFilter':
      return state.prompt?.kind === 'filter' ? { ...state, prompt: { ...state.prompt, line: editLine(state.prompt.line, action.edit, MAX_FILTER_CHARS), error: null } } : state;
    case 'recallFilter': {
      if (state.prompt?.kind !== 'filter') return state;
      const list = recallList(state);
      if (list.length === 0) return state;
      // recall counts back from the newest: 0 = newest, list.length - 1 = oldest; -1 = what was being typed (empty).
      const next = clamp(state.prompt.recall + (action.step === -1 ? 1 : -1), -1, list.length - 1);
      const text = next < 0 ? '' : list[list.length - 1 - next]!;
      return { ...state, prompt: { ...state.prompt, recall: next, error: null, line: editLine(EMPTY_LINE, { kind: 'set', text }, MAX_FILTER_CHARS) } };
    }
    case 'filterRejected':
      // The previous filter stays in force; the prompt stays open with the error under it.
      return state.prompt?.kind === 'filter' ? { ...state, prompt: { ...state.prompt, error: action.error } } : state;
    case 'applyFilter': {
      const history = action.text === '' ? state.filterHistory : [...state.filterHistory.filter((f) => f !== action.text), action.text].slice(-FILTER_HISTORY);
      return {
        ...state,
        filterText: action.text,
        filterHistory: history,
        prompt: null,
        // Rows change under the highlight: follow the newest again.
        highlight: { ...state.highlight, feed: -1, alerts: -1, history: -1 },
        notice: action.text === '' ? 'filter cleared' : `filter: ${action.text}`,
      };
    }
    case 'openBlockPrompt':
      return { ...state, help: false, prompt: { kind: 'block', target: action.target, durationSeconds: action.durationSeconds, check: { state: 'pending' } } };
    case 'blockChecked':
      return state.prompt?.kind === 'block' && state.prompt.target.address === action.address ? { ...state, prompt: { ...state.prompt, check: action.check } } : state;
    case 'cycleBlockDuration': {
      if (state.prompt?.kind !== 'block') return state;
      const i = BLOCK_DURATIONS.indexOf(state.prompt.durationSeconds as (typeof BLOCK_DURATIONS)[number]);
      const next = BLOCK_DURATIONS[(i + 1) % BLOCK_DURATIONS.length]!;
      return { ...state, prompt: { ...state.prompt, durationSeconds: next } };
    }
    case 'closePrompt':
      return { ...state, prompt: null };
    case 'openDetail':
      return { ...state, help: false, detail: { item: action.item, scroll: 0 } };
    case 'scrollDetail': {
      if (state.detail === null) return state;
      const max = Math.max(0, action.lineCount - action.height);
      return { ...state, detail: { ...state.detail, scroll: clamp(state.detail.scroll + action.delta, 0, max) } };
    }
    case 'closeDetail':
      return { ...state, detail: null };
    case 'sawAlerts':
      return action.total === state.alertsSeen ? state : { ...state, alertsSeen: action.total };
    case 'notice':
      return state.notice === action.text ? state : { ...state, notice: action.text };
    case 'escape':
      if (state.help) return { ...state, help: false };
      if (state.detail !== null) return { ...state, detail: null };
      if (state.filterText !== '') return { ...state, filterText: '', notice: 'filter cleared' };
      return state;
  }
}

/** Filters ↑ can bring back: earlier ones, and the one in force. */
function recallList(state: ViewState): readonly string[] {
  return state.filterText !== '' && state.filterHistory[state.filterHistory.length - 1] !== state.filterText ? [...state.filterHistory, state.filterText] : state.filterHistory;
}

/** Panes whose newest rows come last and are followed. */
function isFollowable(pane: PaneId): boolean {
  return pane === 'feed' || pane === 'alerts' || pane === 'history';
}

/** The row index a highlight value points at, given the current row count. */
export function resolveHighlight(value: number, rowCount: number): number {
  if (rowCount === 0) return -1;
  if (value < 0) return rowCount - 1;
  return Math.min(value, rowCount - 1);
}

function withHighlight(state: ViewState, value: number): ViewState {
  return { ...state, highlight: { ...state.highlight, [state.pane]: value } };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
