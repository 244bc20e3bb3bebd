import type { KeyEvent } from './input/key-event.js';

/**
 * Every key the UI understands, mapped to a named command in one place, per mode: the panes,
 * the detail view, the help. The help overlay is generated from this table, so it cannot drift
 * from what the keys do. Prompts (filter, block) are modal and keep their own few keys
 * (see input/route-key.ts); Ctrl-C quits from anywhere.
 */
export type CommandName =
  | 'moveUp'
  | 'moveDown'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'open'
  | 'close'
  | 'block'
  | 'unblock'
  | 'unblockAll'
  | 'openFilter'
  | 'clearFilter'
  | 'nextPane'
  | 'prevPane'
  | 'pane1'
  | 'pane2'
  | 'pane3'
  | 'pane4'
  | 'pane5'
  | 'history'
  | 'pause'
  | 'sort'
  | 'own'
  | 'help'
  | 'quit';

export type KeyMode = 'pane' | 'detail' | 'help';

export interface KeyBinding {
  command: CommandName;
  modes: readonly KeyMode[];
  keys: string;
  description: string;
  match(ev: KeyEvent): boolean;
}

const ch = (c: string) => (ev: KeyEvent) => ev.name === 'char' && ev.char === c && !ev.ctrl && !ev.meta;
const named = (name: KeyEvent['name']) => (ev: KeyEvent) => ev.name === name;
const ALL: readonly KeyMode[] = ['pane', 'detail', 'help'];
const PANE: readonly KeyMode[] = ['pane'];
const MOVING: readonly KeyMode[] = ['pane', 'detail'];

export const KEYMAP: readonly KeyBinding[] = [
  { command: 'moveUp', modes: MOVING, keys: '↑ k', description: 'up a row (detail: scroll)', match: (e) => named('up')(e) || ch('k')(e) },
  { command: 'moveDown', modes: MOVING, keys: '↓ j', description: 'down a row (detail: scroll)', match: (e) => named('down')(e) || ch('j')(e) },
  { command: 'pageUp', modes: MOVING, keys: 'PgUp', description: 'a page up', match: named('pageUp') },
  { command: 'pageDown', modes: MOVING, keys: 'PgDn', description: 'a page down', match: named('pageDown') },
  { command: 'top', modes: PANE, keys: 'g Home', description: 'first row', match: (e) => named('home')(e) || ch('g')(e) },
  { command: 'bottom', modes: PANE, keys: 'G End', description: 'last row, following new ones', match: (e) => named('end')(e) || ch('G')(e) },
  { command: 'open', modes: PANE, keys: 'Enter', description: 'details of the highlighted row', match: named('return') },
  { command: 'close', modes: ['detail', 'help'], keys: 'Esc', description: 'back (details, help); clears the filter', match: (e) => named('escape')(e) || named('left')(e) || named('return')(e) },
  { command: 'block', modes: MOVING, keys: 'b', description: 'block the address (asks first)', match: ch('b') },
  { command: 'unblock', modes: MOVING, keys: 'u', description: 'lift the block of the address', match: ch('u') },
  { command: 'unblockAll', modes: PANE, keys: 'U', description: 'lift every block of ours', match: ch('U') },
  { command: 'openFilter', modes: PANE, keys: '/', description: 'filter the rows (syntax below)', match: ch('/') },
  { command: 'clearFilter', modes: PANE, keys: 'Esc', description: 'clear the filter', match: named('escape') },
  { command: 'nextPane', modes: ['pane', 'detail'], keys: 'Tab', description: 'next pane (S-Tab back)', match: (e) => named('tab')(e) && !e.shift },
  { command: 'prevPane', modes: ['pane', 'detail'], keys: 'S-Tab', description: 'previous pane', match: (e) => named('tab')(e) && e.shift },
  { command: 'pane1', modes: ALL, keys: '1', description: 'packets', match: ch('1') },
  { command: 'pane2', modes: ALL, keys: '2', description: 'connections', match: ch('2') },
  { command: 'pane3', modes: ALL, keys: '3', description: 'alerts', match: ch('3') },
  { command: 'pane4', modes: ALL, keys: '4', description: 'blocked', match: ch('4') },
  { command: 'pane5', modes: ALL, keys: '5', description: 'history', match: ch('5') },
  { command: 'history', modes: ALL, keys: 'h', description: 'history pane', match: ch('h') },
  { command: 'pause', modes: PANE, keys: 'p', description: 'pause display (capture goes on)', match: ch('p') },
  { command: 'sort', modes: PANE, keys: 's', description: 'next sort order', match: ch('s') },
  { command: 'own', modes: PANE, keys: 'o', description: 'show / hide our own SSH session', match: ch('o') },
  { command: 'help', modes: ALL, keys: '?', description: 'this help', match: ch('?') },
  { command: 'quit', modes: ALL, keys: 'q', description: 'quit (Ctrl-C too)', match: (e) => ch('q')(e) || (e.ctrl && e.name === 'char' && e.char === 'c') },
];

export function commandFor(ev: KeyEvent, mode: KeyMode): CommandName | null {
  for (const b of KEYMAP) if (b.modes.includes(mode) && b.match(ev)) return b.command;
  return null;
}
