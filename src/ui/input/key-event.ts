import type { Key } from 'ink';

/** One key, whatever chunk it came in. */
export interface KeyEvent {
  name: 'char' | 'up' | 'down' | 'left' | 'right' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'backspace' | 'delete';
  /** The character for `char` (a letter for Ctrl combinations). */
  char: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
}

const key = (name: KeyEvent['name'], over: Partial<KeyEvent> = {}): KeyEvent => ({ name, char: '', ctrl: false, meta: false, shift: false, ...over });

/**
 * Ink hands over a run of plain text as one input (a paste, or keys typed faster than a read:
 * `by`, `port 22\r`). Split it into the keys it holds, Enter, Backspace, Tab and Ctrl
 * combinations included, so each is handled in order against the state the previous one left.
 * Escape sequences (arrows, PgUp …) come one per input from Ink's own parser.
 */
export function keyEvents(input: string, k: Key): KeyEvent[] {
  const mods = { ctrl: k.ctrl, meta: k.meta, shift: k.shift };
  if (k.upArrow) return [key('up', mods)];
  if (k.downArrow) return [key('down', mods)];
  if (k.leftArrow) return [key('left', mods)];
  if (k.rightArrow) return [key('right', mods)];
  if (k.pageUp) return [key('pageUp', mods)];
  if (k.pageDown) return [key('pageDown', mods)];
  if (k.home) return [key('home', mods)];
  if (k.end) return [key('end', mods)];
  if (k.return) return [key('return', mods)];
  if (k.tab) return [key('tab', mods)];
  if (k.backspace) return [key('backspace', mods)];
  // Terminals send DEL (0x7f) for Backspace, which Ink reports as delete: take it as Backspace, as @inkjs/ui does.
  if (k.delete) return [key('backspace', mods)];
  if (k.escape && input === '') return [key('escape', mods)];
  if (k.ctrl && input.length === 1) return [key('char', { ...mods, char: input })];
  // Alt+letter arrives as ESC letter: Ink strips the ESC and sets meta.
  if (k.meta && input.length === 1) return [key('char', { ...mods, char: input })];
  const out: KeyEvent[] = [];
  for (const c of input) {
    const code = c.codePointAt(0)!;
    if (c === '\r' || c === '\n') out.push(key('return'));
    else if (c === '\t') out.push(key('tab'));
    else if (c === '\x7f' || c === '\b') out.push(key('backspace'));
    else if (c === '\x1b') out.push(key('escape'));
    else if (code < 0x20) out.push(key('char', { char: String.fromCharCode(code + 0x60), ctrl: true }));
    else if (code >= 0x80 && code < 0xa0) continue;
    else out.push(key('char', { char: c, shift: c !== c.toLowerCase() }));
  }
  return out;
}

/** A run of printable characters (from a paste) that a text field can take in one edit. */
export function isPrintable(ev: KeyEvent): boolean {
  return ev.name === 'char' && !ev.ctrl && !ev.meta;
}
