import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Key } from 'ink';
import { keyEvents } from '../../../src/ui/input/key-event.js';
import { routeKey, type Effect, type RouteEnv } from '../../../src/ui/input/route-key.js';
import { editLine, EMPTY_LINE } from '../../../src/ui/state/line-editor.js';
import { initialViewState, viewReducer, type ViewState } from '../../../src/ui/state/view-state.js';
import type { RowItem } from '../../../src/ui/panes/pane-row.js';
import { alert } from './ui-fixtures.js';

const NO_KEY: Key = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

const item: RowItem = { kind: 'alert', alert: alert() };
const env: RouteEnv = {
  rowCount: () => 1,
  rowAt: () => item,
  pageSize: 10,
  detailLines: 30,
  detailHeight: 10,
  blockTarget: () => ({ address: '203.0.113.9', country: null, process: null, reason: 'PORT_SCAN (high)' }),
  addressOf: () => '203.0.113.9',
  blockSeconds: 300,
  blockRefusal: null,
};

/** Feeds one Ink input (as Ink hands it over) through the router, as the app's input hook does. */
function feed(state: ViewState, input: string, key: Partial<Key> = {}): { state: ViewState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const ev of keyEvents(input, { ...NO_KEY, ...key })) {
    const routed = routeKey(state, ev, env);
    for (const a of routed.actions) state = viewReducer(state, a);
    effects.push(...routed.effects);
  }
  return { state, effects };
}

describe('keys to commands', () => {
  test('a run of text splits into its keys: Enter, Backspace, Tab and Ctrl combinations included', () => {
    const evs = keyEvents('ab\rc\u007f\t\u0015', NO_KEY);
    assert.deepEqual(evs.map((e) => (e.name === 'char' ? `${e.ctrl ? 'C-' : ''}${e.char}` : e.name)), ['a', 'b', 'return', 'c', 'backspace', 'tab', 'C-u']);
  });

  test('b then y, each read on its own before any render, blocks; b y in one read too', () => {
    let s = initialViewState('alerts');
    let r = feed(s, 'b');
    assert.equal(r.state.prompt?.kind, 'block');
    assert.deepEqual(r.effects, [{ kind: 'check', address: '203.0.113.9' }]);
    r = feed(r.state, 'y');
    assert.equal(r.state.prompt, null);
    assert.deepEqual(r.effects.map((e) => e.kind), ['block']);
    s = initialViewState('alerts');
    assert.deepEqual(feed(s, 'by').effects.map((e) => e.kind), ['check', 'block']);
  });

  test('anything but y or d says no to the block prompt', () => {
    for (const key of ['n', 'q', '\r', 'x']) {
      const opened = feed(initialViewState('alerts'), 'b').state;
      const r = feed(opened, key);
      assert.equal(r.state.prompt, null, key);
      assert.deepEqual(r.effects, [], key);
    }
  });

  test('a pasted filter with its Enter applies and tells the engine; Ctrl-U clears what was typed', () => {
    let s = feed(initialViewState(), '/').state;
    const r = feed(s, 'port 22\r');
    assert.equal(r.state.filterText, 'port 22');
    assert.equal(r.state.prompt, null);
    assert.deepEqual(r.effects, [{ kind: 'feed', filter: 'port 22', showOwn: false }]);
    s = feed(r.state, '/').state;
    assert.equal(s.prompt?.kind === 'filter' && s.prompt.line.text, '', 'the prompt opens empty');
    s = feed(s, '', { upArrow: true }).state;
    assert.equal(s.prompt?.kind === 'filter' && s.prompt.line.text, 'port 22', '↑ recalls the filter in force');
    s = feed(s, 'u', { ctrl: true }).state;
    assert.equal(s.prompt?.kind === 'filter' && s.prompt.line.text, '');
  });

  test('an invalid filter keeps the prompt open with the error and the filter in force', () => {
    const s = feed(feed(initialViewState(), '/port 80\r').state, '/prot tcp\r').state;
    assert.equal(s.filterText, 'port 80');
    assert.equal(s.prompt?.kind, 'filter');
    assert.match(s.prompt?.kind === 'filter' ? (s.prompt.error ?? '') : '', /unknown term 'prot'/);
  });

  test('Enter opens the detail, keys scroll it, Esc returns; q quits from anywhere, Ctrl-C too', () => {
    let s = feed(initialViewState('alerts'), '\r').state;
    assert.equal(s.detail?.item, item);
    s = feed(s, 'jjj').state;
    assert.equal(s.detail?.scroll, 3);
    s = feed(s, '', { pageDown: true }).state;
    assert.equal(s.detail?.scroll, 13);
    s = feed(s, '', { pageDown: true }).state;
    assert.equal(s.detail?.scroll, 20, 'no further than the last page');
    assert.equal(feed(s, '', { escape: true }).state.detail, null);
    assert.deepEqual(feed(s, 'q').effects, [{ kind: 'quit' }]);
    assert.deepEqual(feed(feed(initialViewState(), '/').state, 'c', { ctrl: true }).effects, [{ kind: 'quit' }]);
  });

  test('o toggles the own session and tells the engine, with the filter in force', () => {
    const s = feed(initialViewState(), '/port 22\r').state;
    const r = feed(s, 'o');
    assert.equal(r.state.showOwn, true);
    assert.deepEqual(r.effects, [{ kind: 'feed', filter: 'port 22', showOwn: true }]);
  });
});

describe('line editor', () => {
  test('inserts at the cursor, deletes, moves, kills', () => {
    let l = editLine(EMPTY_LINE, { kind: 'insert', text: 'port 2' }, 100);
    l = editLine(l, { kind: 'left' }, 100);
    l = editLine(l, { kind: 'insert', text: '1' }, 100);
    assert.deepEqual(l, { text: 'port 12', cursor: 6 });
    assert.deepEqual(editLine(l, { kind: 'killStart' }, 100), { text: '2', cursor: 0 });
    assert.deepEqual(editLine(l, { kind: 'killEnd' }, 100), { text: 'port 1', cursor: 6 });
    assert.deepEqual(editLine({ text: 'port 22 and', cursor: 11 }, { kind: 'killWord' }, 100), { text: 'port 22 ', cursor: 8 });
  });

  test('control characters never enter the field, and the text is capped', () => {
    assert.deepEqual(editLine(EMPTY_LINE, { kind: 'insert', text: 'a\u001b[2Jb\u0007' }, 100).text, 'a[2Jb');
    assert.equal(editLine(EMPTY_LINE, { kind: 'insert', text: 'x'.repeat(50) }, 10).text.length, 10);
  });
});
