import { compileFilter } from '../../filter/index.js';
import { commandFor, type CommandName, type KeyMode } from '../keymap.js';
import type { RowItem } from '../panes/pane-row.js';
import { PANES, resolveHighlight, type BlockTarget, type PaneId, type ViewAction, type ViewState } from '../state/view-state.js';
import type { LineEdit } from '../state/line-editor.js';
import type { KeyEvent } from './key-event.js';

/** What a key asks the world to do, once the view state has taken it. */
export type Effect =
  | { kind: 'block'; target: BlockTarget; durationSeconds: number }
  | { kind: 'unblock'; address: string }
  | { kind: 'unblockAll' }
  /** Ask the engine whether the address may be blocked, for the open prompt. */
  | { kind: 'check'; address: string }
  /** The engine's feed filter and own-traffic setting. */
  | { kind: 'feed'; filter: string; showOwn: boolean }
  | { kind: 'quit' };

/** What the router needs to know of the screen as last drawn. */
export interface RouteEnv {
  rowCount(pane: PaneId): number;
  /** The row at `index` of `pane`, if any. */
  rowAt(pane: PaneId, index: number): RowItem | undefined;
  /** Body rows of the pane on screen (a page). */
  pageSize: number;
  /** Lines of the open detail, and how many fit. */
  detailLines: number;
  detailHeight: number;
  blockTarget(item: RowItem): BlockTarget | null;
  /** The address `u` lifts the block of, for a row. */
  addressOf(item: RowItem): string | null;
  blockSeconds: number;
  /** Why `b` does nothing here (a review blocks nothing), or null. */
  blockRefusal: string | null;
}

export interface Routed {
  actions: ViewAction[];
  effects: Effect[];
}

const none: Routed = { actions: [], effects: [] };
const act = (...actions: ViewAction[]): Routed => ({ actions, effects: [] });

/**
 * Pure: what one key does in the state the previous key left (not the state last drawn, which
 * may be a key behind when keys come faster than frames). Prompts are modal: they see every key
 * and the panes see none of them.
 */
export function routeKey(state: ViewState, ev: KeyEvent, env: RouteEnv): Routed {
  if (ev.name === 'char' && ev.ctrl && ev.char === 'c') return { actions: [], effects: [{ kind: 'quit' }] };
  if (state.prompt?.kind === 'block') return blockPromptKey(state, ev);
  if (state.prompt?.kind === 'filter') return filterPromptKey(state, ev);
  const mode: KeyMode = state.help ? 'help' : state.detail !== null ? 'detail' : 'pane';
  const command = commandFor(ev, mode);
  if (command === null) return none;
  const routed = runCommand(state, command, mode, env);
  // Any key clears the last notice, unless the command leaves one of its own.
  if (state.notice !== null && !routed.actions.some((a) => a.type === 'notice' || a.type === 'applyFilter' || a.type === 'togglePause' || a.type === 'toggleOwn' || a.type === 'cycleSort' || a.type === 'escape')) {
    routed.actions.unshift({ type: 'notice', text: null });
  }
  return routed;
}

function blockPromptKey(state: ViewState, ev: KeyEvent): Routed {
  const prompt = state.prompt;
  if (prompt?.kind !== 'block') return none;
  const c = ev.name === 'char' && !ev.ctrl && !ev.meta ? ev.char : '';
  if (c === 'y' || c === 'Y') return { actions: [{ type: 'closePrompt' }], effects: [{ kind: 'block', target: prompt.target, durationSeconds: prompt.durationSeconds }] };
  if (c === 'd' || c === 'D') return act({ type: 'cycleBlockDuration' });
  // Anything else says no: the safe default.
  return act({ type: 'closePrompt' }, { type: 'notice', text: `not blocked: ${prompt.target.address}` });
}

const EDIT_KEYS: Partial<Record<KeyEvent['name'], LineEdit>> = {
  backspace: { kind: 'backspace' },
  delete: { kind: 'delete' },
  left: { kind: 'left' },
  right: { kind: 'right' },
  home: { kind: 'home' },
  end: { kind: 'end' },
};

const CTRL_EDITS: Record<string, LineEdit> = {
  a: { kind: 'home' },
  e: { kind: 'end' },
  u: { kind: 'killStart' },
  k: { kind: 'killEnd' },
  w: { kind: 'killWord' },
  b: { kind: 'left' },
  f: { kind: 'right' },
  h: { kind: 'backspace' },
  d: { kind: 'delete' },
};

function filterPromptKey(state: ViewState, ev: KeyEvent): Routed {
  const prompt = state.prompt;
  if (prompt?.kind !== 'filter') return none;
  if (ev.name === 'escape') return act({ type: 'closePrompt' });
  if (ev.name === 'up') return act({ type: 'recallFilter', step: -1 });
  if (ev.name === 'down') return act({ type: 'recallFilter', step: 1 });
  if (ev.name === 'return') {
    const text = prompt.line.text.trim();
    const compiled = compileFilter(text);
    if (!compiled.ok) return act({ type: 'filterRejected', error: `${compiled.error} (at ${compiled.position + 1})` });
    return { actions: [{ type: 'applyFilter', text }], effects: [{ kind: 'feed', filter: text, showOwn: state.showOwn }] };
  }
  const edit = EDIT_KEYS[ev.name];
  if (edit !== undefined) return act({ type: 'editFilter', edit });
  if (ev.name === 'char' && ev.ctrl) {
    const ctrl = CTRL_EDITS[ev.char];
    return ctrl !== undefined ? act({ type: 'editFilter', edit: ctrl }) : none;
  }
  if (ev.name === 'char' && !ev.meta) return act({ type: 'editFilter', edit: { kind: 'insert', text: ev.char } });
  return none;
}

function runCommand(state: ViewState, command: CommandName, mode: KeyMode, env: RouteEnv): Routed {
  const pane = state.pane;
  const rowCount = env.rowCount(pane);
  const highlighted = (): RowItem | undefined => (mode === 'detail' ? state.detail!.item : env.rowAt(pane, resolveHighlight(state.highlight[pane], rowCount)));
  const scroll = (delta: number): Routed => act({ type: 'scrollDetail', delta, lineCount: env.detailLines, height: env.detailHeight });
  switch (command) {
    case 'moveUp':
      return mode === 'detail' ? scroll(-1) : act({ type: 'move', delta: -1, rowCount });
    case 'moveDown':
      return mode === 'detail' ? scroll(1) : act({ type: 'move', delta: 1, rowCount });
    case 'pageUp':
      return mode === 'detail' ? scroll(-env.detailHeight) : act({ type: 'move', delta: -env.pageSize, rowCount });
    case 'pageDown':
      return mode === 'detail' ? scroll(env.detailHeight) : act({ type: 'move', delta: env.pageSize, rowCount });
    case 'top':
      return act({ type: 'jump', to: 'top', rowCount });
    case 'bottom':
      return act({ type: 'jump', to: 'bottom', rowCount });
    case 'open': {
      const item = highlighted();
      return item === undefined ? act({ type: 'notice', text: 'no row to show' }) : act({ type: 'openDetail', item });
    }
    case 'close':
      return act({ type: 'escape' });
    case 'block': {
      if (env.blockRefusal !== null) return act({ type: 'notice', text: env.blockRefusal });
      const item = highlighted();
      const target = item === undefined ? null : env.blockTarget(item);
      if (target === null) return act({ type: 'notice', text: 'nothing highlighted to block' });
      return { actions: [{ type: 'openBlockPrompt', target, durationSeconds: env.blockSeconds }], effects: [{ kind: 'check', address: target.address }] };
    }
    case 'unblock': {
      const item = highlighted();
      const address = item === undefined ? null : env.addressOf(item);
      if (address === null) return act({ type: 'notice', text: 'nothing highlighted to unblock' });
      return { actions: [], effects: [{ kind: 'unblock', address }] };
    }
    case 'unblockAll':
      return { actions: [], effects: [{ kind: 'unblockAll' }] };
    case 'openFilter':
      return act({ type: 'openFilter' });
    case 'clearFilter':
      if (state.filterText === '') return none;
      return { actions: [{ type: 'escape' }], effects: [{ kind: 'feed', filter: '', showOwn: state.showOwn }] };
    case 'nextPane':
      return act({ type: 'cyclePane', step: 1 });
    case 'prevPane':
      return act({ type: 'cyclePane', step: -1 });
    case 'pane1':
    case 'pane2':
    case 'pane3':
    case 'pane4':
    case 'pane5':
      return act({ type: 'showPane', pane: PANES[Number(command.slice(4)) - 1]! });
    case 'history':
      return act({ type: 'showPane', pane: 'history' });
    case 'pause':
      return act({ type: 'togglePause' });
    case 'sort':
      return act({ type: 'cycleSort' });
    case 'own':
      return { actions: [{ type: 'toggleOwn' }], effects: [{ kind: 'feed', filter: state.filterText, showOwn: !state.showOwn }] };
    case 'help':
      return act({ type: 'toggleHelp' });
    case 'quit':
      return { actions: [], effects: [{ kind: 'quit' }] };
  }
}
