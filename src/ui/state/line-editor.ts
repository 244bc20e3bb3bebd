/** A one-line text field's state: what is typed and where the cursor is (an index into `text`). */
export interface LineEditor {
  text: string;
  cursor: number;
}

export type LineEdit =
  | { kind: 'insert'; text: string }
  | { kind: 'backspace' }
  | { kind: 'delete' }
  | { kind: 'left' }
  | { kind: 'right' }
  | { kind: 'home' }
  | { kind: 'end' }
  /** Ctrl-U: everything before the cursor goes. */
  | { kind: 'killStart' }
  /** Ctrl-K: everything from the cursor on goes. */
  | { kind: 'killEnd' }
  /** Ctrl-W: the word before the cursor goes. */
  | { kind: 'killWord' }
  | { kind: 'set'; text: string };

export const EMPTY_LINE: LineEditor = { text: '', cursor: 0 };

/** Control characters never enter the field (a paste keeps only its printable text). */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Pure: the field after one edit. Text is capped at `max` characters. */
export function editLine(line: LineEditor, edit: LineEdit, max: number): LineEditor {
  const { text, cursor } = line;
  switch (edit.kind) {
    case 'insert': {
      const add = edit.text.replace(CONTROLS, '');
      if (add === '') return line;
      const next = (text.slice(0, cursor) + add + text.slice(cursor)).slice(0, max);
      return { text: next, cursor: Math.min(next.length, cursor + add.length) };
    }
    case 'backspace':
      return cursor === 0 ? line : { text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1 };
    case 'delete':
      return cursor >= text.length ? line : { text: text.slice(0, cursor) + text.slice(cursor + 1), cursor };
    case 'left':
      return { text, cursor: Math.max(0, cursor - 1) };
    case 'right':
      return { text, cursor: Math.min(text.length, cursor + 1) };
    case 'home':
      return { text, cursor: 0 };
    case 'end':
      return { text, cursor: text.length };
    case 'killStart':
      return { text: text.slice(cursor), cursor: 0 };
    case 'killEnd':
      return { text: text.slice(0, cursor), cursor };
    case 'killWord': {
      const before = text.slice(0, cursor).replace(/\S+\s*$/, '');
      return { text: before + text.slice(cursor), cursor: before.length };
    }
    case 'set': {
      const next = edit.text.replace(CONTROLS, '').slice(0, max);
      return { text: next, cursor: next.length };
    }
  }
}
