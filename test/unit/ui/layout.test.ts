import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { layoutColumns, measureColumns } from '../../../src/ui/components/column-layout.js';
import { detailRows, breakToWidth } from '../../../src/ui/detail/detail-rows.js';
import { FEED_COLUMNS, feedRows } from '../../../src/ui/panes/feed-rows.js';
import { ALERT_COLUMNS, alertRows } from '../../../src/ui/panes/alert-rows.js';
import { timeFormat } from '../../../src/ui/time-format.js';
import { alert, packet, rowContext } from './ui-fixtures.js';

const widthOf = (placed: { width: number }[]) => placed.reduce((s, c) => s + c.width, 0) + placed.length - 1;
const titles = (placed: { spec: { title: string } }[]) => placed.map((c) => c.spec.title);

describe('column layout', () => {
  test('the Packets pane at 80 columns keeps time, both ends in full, flags, PROCESS and CC; LEN gives way', () => {
    const rows = feedRows([packet(1, { src: '203.0.113.250', srcPort: 65000, dst: '198.51.100.200', dstPort: 44321, process: 'python3', country: 'DE' })], null, rowContext());
    const placed = layoutColumns(FEED_COLUMNS, 80, measureColumns(FEED_COLUMNS, rows));
    assert.deepEqual(titles(placed), ['', 'TIME', 'PROTO', 'SOURCE', 'DESTINATION', 'FL', 'PROCESS', 'CC', 'INFO']);
    assert.equal(widthOf(placed), 80);
    assert.equal(placed.find((c) => c.spec.title === 'SOURCE')!.width, '203.0.113.250:65000'.length);
    assert.equal(placed.find((c) => c.spec.title === 'DESTINATION')!.width, '198.51.100.200:44321'.length);
    const wide = layoutColumns(FEED_COLUMNS, 160, measureColumns(FEED_COLUMNS, rows));
    assert.deepEqual(titles(wide).slice(-2), ['LEN', 'INFO']);
    assert.equal(widthOf(wide), 160, 'the growing column takes the rest');
  });

  test('at 160 columns no alert column is cut and none is padded past what it needs, but the growing one', () => {
    const rows = alertRows([alert({ attack_type: 'COMMAND_INJECTION', attacker_ip: '203.0.113.9' })], null, 0, rowContext());
    const placed = layoutColumns(ALERT_COLUMNS, 160, measureColumns(ALERT_COLUMNS, rows));
    assert.equal(placed.find((c) => c.spec.title === 'ATTACK')!.width, 'COMMAND_INJECTION'.length);
    assert.equal(placed.find((c) => c.spec.title === 'ATTACKER')!.width, 11, 'an IPv4 attacker needs no 70 columns');
    const at80 = layoutColumns(ALERT_COLUMNS, 80, measureColumns(ALERT_COLUMNS, rows));
    assert.ok(widthOf(at80) <= 80);
  });

  test('never wider than the width, even when minimums do not fit', () => {
    for (const w of [20, 40, 79, 80, 81, 200]) assert.ok(widthOf(layoutColumns(FEED_COLUMNS, w, [])) <= w, String(w));
  });
});

describe('detail rows', () => {
  test('long values are broken over lines that fit, after escaping', () => {
    const rows = detailRows([{ label: 'bytes', value: `${'A'.repeat(100)}\u001b[2J` }], 80);
    assert.ok(rows.length >= 2);
    for (const r of rows) assert.ok(r.text.length <= 80 - 15);
    assert.ok(rows.map((r) => r.text).join('').endsWith('\\e[2J'));
    assert.equal(rows[1]!.label, '');
  });

  test('wide characters count two columns', () => {
    assert.deepEqual(breakToWidth('日本語', 4), ['日本', '語']);
  });
});

describe('time format', () => {
  test('UTC writes UTC; local time names its zone', () => {
    const t = timeFormat(true);
    assert.equal(t.zone, 'UTC');
    assert.equal(t.clock(Date.UTC(2025, 0, 1, 13, 2, 3)), '13:02:03');
    assert.equal(t.dateTime(Date.UTC(2025, 0, 1, 13, 2, 3)), '2025-01-01 13:02:03');
    assert.notEqual(timeFormat(false).zone, '');
  });
});
