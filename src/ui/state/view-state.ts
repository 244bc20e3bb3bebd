/**
 * What the person is doing in the UI — which pane, which row, which prompt — as a pure reducer
 * (testable without Ink). Engine data lives elsewhere (EngineDataStore); side effects such as
 * sending a block to the engine are done by the caller after dispatching.
 */
export const PANES = ['feed', 'connections', 'alerts', 'blocked', 'history'] as const;
export type PaneId = (typeof PANES)[number];

export const PANE_TITLES: Record<PaneId, string> = {
  feed: 'Packets',
  connections: 'Connections',
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

export interface BlockTarget {
  address: string;
  country: string | null;
  process: string | null;
  reason: string;
}

export type Prompt =
  | { kind: 'filter'; draft: string; cursor: number; error: string | null }
  | { kind: 'block'; target: BlockTarget; durationSeconds: number };

export interface ViewState {
  pane: PaneId;
  /** Highlighted row per pane; -1 = follow the newest row (bottom). */
  highlight: Record<PaneId, number>;
  sort: Record<PaneId, number>;
  filterText: string;
  prompt: Prompt | null;
  help: boolean;
  paused: boolean;
  /** One-line message in the status bar (result of the last action). */
  notice: string | null;
}

export function initialViewState(): ViewState {
  return {
    pane: 'feed',
    highlight: { feed: -1, connections: 0, alerts: -1, blocked: 0, history: -1 },
    sort: { feed: 0, connections: 0, alerts: 0, blocked: 0, history: 0 },
    filterText: '',
    prompt: null,
    help: false,
    paused: false,
    notice: null,
  };
}

export type ViewAction =
  | { type: 'move'; delta: number; rowCount: number }
  | { type: 'jump'; to: 'top' | 'bottom'; rowCount: number }
  | { type: 'showPane'; pane: PaneId }
  | { type: 'cyclePane'; step: 1 | -1 }
  | { type: 'toggleHelp' }
  | { type: 'togglePause' }
  | { type: 'cycleSort' }
  | { type: 'openFilter'; draft?: string }
  | { type: 'editFilter'; draft: string; cursor: number }
  | { type: 'filterRejected'; error: string }
  | { type: 'applyFilter'; text: string }
  | { type: 'clearFilter' }
  | { type: 'openBlockPrompt'; target: BlockTarget; durationSeconds: number }
  | { type: 'cycleBlockDuration' }
  | { type: 'closePrompt' }
  | { type: 'notice'; text: string | null }
  | { type: 'escape' };

export function viewReducer(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'move': {
      if (action.rowCount === 0) return state;
      const current = resolveHighlight(state.highlight[state.pane], action.rowCount);
      const next = clamp(current + action.delta, 0, action.rowCount - 1);
      // Moving onto the last row of a growing list re-enables following.
      const followable = state.pane === 'feed' || state.pane === 'alerts' || state.pane === 'history';
      const value = followable && next === action.rowCount - 1 && action.delta > 0 ? -1 : next;
      return withHighlight(state, value);
    }
    case 'jump':
      return withHighlight(state, action.to === 'top' ? 0 : state.pane === 'connections' || state.pane === 'blocked' ? Math.max(0, action.rowCount - 1) : -1);
    case 'showPane':
      return { ...state, pane: action.pane, help: false };
    case 'cyclePane': {
      const i = PANES.indexOf(state.pane);
      return { ...state, pane: PANES[(i + action.step + PANES.length) % PANES.length]!, help: false };
    }
    case 'toggleHelp':
      return { ...state, help: !state.help };
    case 'togglePause':
      return { ...state, paused: !state.paused, notice: state.paused ? 'display resumed' : 'display paused (capture goes on)' };
    case 'cycleSort': {
      const options = SORTS[state.pane];
      const next = (state.sort[state.pane] + 1) % options.length;
      return { ...state, sort: { ...state.sort, [state.pane]: next }, notice: `sorted by ${options[next]}` };
    }
    case 'openFilter': {
      const draft = action.draft ?? state.filterText;
      return { ...state, help: false, notice: null, prompt: { kind: 'filter', draft, cursor: draft.length, error: null } };
    }
    case 'editFilter':
      return state.prompt?.kind === 'filter' ? { ...state, prompt: { ...state.prompt, draft: action.draft, cursor: action.cursor, error: null } } : state;
    case 'filterRejected':
      // The previous filter stays in force; the prompt stays open with the error under it.
      return state.prompt?.kind === 'filter' ? { ...state, prompt: { ...state.prompt, error: action.error } } : state;
    case 'applyFilter':
      return { ...state, filterText: action.text, prompt: null, notice: action.text === '' ? 'filter cleared' : `filter: ${action.text}` };
    case 'clearFilter':
      return { ...state, filterText: '', notice: 'filter cleared' };
    case 'openBlockPrompt':
      return { ...state, help: false, prompt: { kind: 'block', target: action.target, durationSeconds: action.durationSeconds } };
    case 'cycleBlockDuration': {
      if (state.prompt?.kind !== 'block') return state;
      const i = BLOCK_DURATIONS.indexOf(state.prompt.durationSeconds as (typeof BLOCK_DURATIONS)[number]);
      const next = BLOCK_DURATIONS[(i + 1) % BLOCK_DURATIONS.length]!;
      return { ...state, prompt: { ...state.prompt, durationSeconds: next } };
    }
    case 'closePrompt':
      return { ...state, prompt: null };
    case 'notice':
      return { ...state, notice: action.text };
    case 'escape':
      if (state.help) return { ...state, help: false };
      if (state.filterText !== '') return { ...state, filterText: '', notice: 'filter cleared' };
      return state;
  }
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
