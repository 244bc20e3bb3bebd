import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { sanitizeForDisplay } from '../../../src/text/display-sanitizer.js';

// End to end through Ink: what the attacker sent reaches the frame as visible text only.
test('hostile strings render in Ink as inert, visible text on one line', () => {
  const hostile = [
    '\x1b]52;c;ZWNobyBwd25lZA==\x07',
    '\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\',
    '\x1b[2J\x1b[Hgood\rEVIL',
    'admin\b\b\b\b\bguest\u009b31m',
    'user\u202Etxt.exe\u200b\ud800',
  ];
  const rows = hostile.map((s) => sanitizeForDisplay(s, { maxWidth: 60 }));
  const { lastFrame, unmount } = render(
    h(Box, { flexDirection: 'column', width: 80 }, ...rows.map((r, i) => h(Text, { key: i, wrap: 'truncate' }, r))),
  );
  const frame = lastFrame() ?? '';
  unmount();
  assert.equal(frame, rows.join('\n'));
  assert.ok(!/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\ud800-\udfff]/.test(frame), JSON.stringify(frame));
  assert.equal(
    frame,
    [
      '\\e]52;c;ZWNobyBwd25lZA==\\a',
      '\\e]8;;http://x\\e\\\\link\\e]8;;\\e\\\\',
      '\\e[2J\\e[Hgood\\rEVIL',
      'admin\\b\\b\\b\\b\\bguest\\u{9b}31m',
      'user\\u{202e}txt.exe\\u{200b}\\u{d800}',
    ].join('\n'),
  );
});
