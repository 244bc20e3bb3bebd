import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeedPacket } from '../../../src/model/feed-packet.js';
import { compileFilter } from '../../../src/filter/index.js';
import { feedRows } from '../../../src/ui/panes/feed-rows.js';

const base: FeedPacket = { tsMicros: 1, proto: 6, src: '10.0.0.2', srcPort: 22, dst: '198.51.100.9', dstPort: 50000, tcpFlags: 0x18, length: 100, icmpType: -1, info: null, country: 'US', process: 'sshd', flowUid: 1 };

test('rows of trusted processes are green, alerted addresses red, others plain', () => {
  const trusted = new Set(['sshd']);
  const packets = [base, { ...base, process: 'nc' }, { ...base, src: '203.0.113.66' }];
  const rows = feedRows(packets, null, new Set(['203.0.113.66']), trusted);
  assert.deepEqual(rows.map((r) => r.tone), ['ok', null, 'danger']);
  assert.equal(rows[0]!.cells[6], 'sshd');
  assert.equal(rows[0]!.cells[7], '[US]');
});

test('the process and country filter terms see the feed packet fields', () => {
  const f = compileFilter('process ssh and country us');
  assert.ok(f.ok);
  const rows = feedRows([base, { ...base, process: 'nginx' }, { ...base, country: 'DE' }], f.ok ? f.filter : null, new Set());
  assert.equal(rows.length, 1);
});
