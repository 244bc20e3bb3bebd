import type { Key } from 'ink';

/**
 * Every key the panes understand, mapped to a named command in one place: the help overlay is
 * generated from this table, so it cannot drift from what the keys do.
 */
export type CommandName =
  | 'moveUp'
  | 'moveDown'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
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
  | 'help'
  | 'quit';

export interface KeyBinding {
  command: CommandName;
  keys: string;
  description: string;
  match(input: string, key: Key): boolean;
}

const ch = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;

export const KEYMAP: readonly KeyBinding[] = [
  { command: 'moveUp', keys: '↑ k', description: 'move the highlight up', match: (i, k) => k.upArrow || ch('k')(i, k) },
  { command: 'moveDown', keys: '↓ j', description: 'move the highlight down', match: (i, k) => k.downArrow || ch('j')(i, k) },
  { command: 'pageUp', keys: 'PgUp', description: 'one page up', match: (_i, k) => k.pageUp },
  { command: 'pageDown', keys: 'PgDn', description: 'one page down', match: (_i, k) => k.pageDown },
  { command: 'top', keys: 'g Home', description: 'first row', match: (i, k) => k.home || ch('g')(i, k) },
  { command: 'bottom', keys: 'G End', description: 'last row (follow new rows)', match: (i, k) => k.end || ch('G')(i, k) },
  { command: 'block', keys: 'b', description: 'block the highlighted address (asks first)', match: ch('b') },
  { command: 'unblock', keys: 'u', description: 'unblock the highlighted address', match: ch('u') },
  { command: 'unblockAll', keys: 'U', description: 'unblock every address we blocked', match: ch('U') },
  { command: 'openFilter', keys: '/', description: 'filter: process NAME, port N, ip CIDR, status S, country CC, proto P, alert; and/or/not ( )', match: ch('/') },
  { command: 'clearFilter', keys: 'Esc', description: 'clear the filter / close overlays', match: (_i, k) => k.escape },
  { command: 'nextPane', keys: 'Tab', description: 'next pane', match: (_i, k) => k.tab && !k.shift },
  { command: 'prevPane', keys: 'Shift-Tab', description: 'previous pane', match: (_i, k) => k.tab && k.shift },
  { command: 'pane1', keys: '1', description: 'packet feed', match: ch('1') },
  { command: 'pane2', keys: '2', description: 'connections', match: ch('2') },
  { command: 'pane3', keys: '3', description: 'alerts', match: ch('3') },
  { command: 'pane4', keys: '4', description: 'blocked', match: ch('4') },
  { command: 'pane5', keys: '5', description: 'history', match: ch('5') },
  { command: 'history', keys: 'h', description: 'history pane', match: ch('h') },
  { command: 'pause', keys: 'p', description: 'pause / resume the display (capture goes on)', match: ch('p') },
  { command: 'sort', keys: 's', description: 'change the sort order', match: ch('s') },
  { command: 'help', keys: '?', description: 'this help', match: ch('?') },
  { command: 'quit', keys: 'q Ctrl-C', description: 'quit', match: (i, k) => ch('q')(i, k) || (k.ctrl && i === 'c') },
];

export function commandForKey(input: string, key: Key): CommandName | null {
  for (const b of KEYMAP) if (b.match(input, key)) return b.command;
  return null;
}
