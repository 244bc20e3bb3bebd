import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FeedPacket } from '../../../src/model/feed-packet.js';
import { compileFilter } from '../../../src/filter/index.js';
import { feedRows } from '../../../src/ui/panes/feed-rows.js';
import { alertRows, displayAction } from '../../../src/ui/panes/alert-rows.js';
import { blockedRows } from '../../../src/ui/panes/blocked-rows.js';
import { historyRows } from '../../../src/ui/panes/history-rows.js';
import { filterApplies, PANE_FIELDS } from '../../../src/ui/panes/pane-model.js';
import { blockTarget, remoteEnd } from '../../../src/ui/panes/block-target.js';
import type { BlockRecord } from '../../../src/model/block-record.js';
import { alert, flow, packet, rowContext } from './ui-fixtures.js';

const base: FeedPacket = { tsMicros: 1, proto: 6, src: '10.0.0.2', srcPort: 22, dst: '198.51.100.9', dstPort: 50000, tcpFlags: 0x18, length: 100, icmpType: -1, info: null, country: 'US', process: 'sshd', flowUid: 1 };
const filter = (text: string) => {
  const f = compileFilter(text);
  assert.ok(f.ok, text);
  return f.filter;
};
const block = (address: string, over: Partial<BlockRecord> = {}): BlockRecord => ({ address, network: `${address}/32`, port: null, reason: 'PORT_SCAN', createdAt: 1000, expiresAt: 10_000_000_000_000, action: 'blocked', offense: 1, firewall: 'nftables', ...over });

describe('pane rows', () => {
  test('rows of trusted processes are green, alerted addresses red and marked !, others plain', () => {
    const rows = feedRows([base, { ...base, process: 'nc' }, { ...base, src: '203.0.113.66' }], null, rowContext({ trusted: new Set(['sshd']), alerted: new Set(['203.0.113.66']) }));
    assert.deepEqual(rows.map((r) => r.tone), ['ok', null, 'danger']);
    assert.deepEqual(rows.map((r) => r.cells[0]), ['', '', '!']);
    assert.equal(rows[0]!.cells[6], 'sshd');
    assert.equal(rows[0]!.cells[7], '[US]');
  });

  test('the process and country filter terms see the feed packet fields', () => {
    const rows = feedRows([base, { ...base, process: 'nginx' }, { ...base, country: 'DE' }], filter('process ssh and country us'), rowContext());
    assert.equal(rows.length, 1);
  });

  test('the alerts pane filters on the attacker, target port and process', () => {
    const alerts = [alert({ id: 'x', attacker_ip: '198.51.100.1', target_port: 80, process: 'python3' }), alert({ id: 'y', attacker_ip: '198.51.100.2', target_port: 22, process: 'sshd' })];
    assert.deepEqual(alertRows(alerts, filter('port 22'), 0, rowContext()).map((r) => r.key), ['y']);
    assert.deepEqual(alertRows(alerts, filter('process python'), 0, rowContext()).map((r) => r.key), ['x']);
    assert.deepEqual(alertRows(alerts, filter('ip 198.51.100.1'), 0, rowContext()).map((r) => r.key), ['x']);
  });

  test('an alert that prompted shows blocked once its attacker is blocked, in the alerts and history panes', () => {
    const a = alert({ action: 'prompted' });
    const blocked = new Map([[a.attacker_ip, block(a.attacker_ip)]]);
    assert.equal(displayAction(a, new Map()), 'prompted');
    assert.equal(displayAction(a, blocked), 'blocked');
    assert.equal(alertRows([a], null, 0, rowContext({ blocked }))[0]!.cells[8], 'blocked');
    assert.equal(historyRows([{ kind: 'alert', alert: a }], null, rowContext({ blocked }))[0]!.cells[6], 'blocked');
    // A suppressed alert stays suppressed: the block did not come from it.
    assert.equal(displayAction(alert({ action: 'suppressed' }), blocked), 'suppressed');
  });

  test('the blocked pane shows the country of the block, or of the alert of its address', () => {
    const rows = blockedRows([block('198.51.100.7', { country: 'DE' }), block('198.51.100.8')], 0, null, 0, rowContext({ countries: new Map([['198.51.100.8', 'FR']]) }));
    assert.deepEqual(rows.map((r) => r.cells[1]), ['[DE]', '[FR]']);
  });

  test('history rows: one line each, with the time, event, address and what happened', () => {
    const rows = historyRows(
      [
        { kind: 'alert', alert: alert({ target_port: 80 }) },
        { kind: 'block', at: '2025-11-13T02:14:00.000Z', address: '203.0.113.9', reason: 'PORT_SCAN (high)', durationSeconds: 300, action: 'blocked' },
        { kind: 'unblock', at: '2025-11-13T02:19:00.000Z', address: '203.0.113.9', reason: 'expired' },
      ],
      null,
      rowContext(),
    );
    assert.deepEqual(rows.map((r) => r.cells[1]), ['alert', 'block', 'unblock']);
    assert.equal(rows[0]!.cells[0], '25-11-13 02:13:20');
    assert.match(rows[0]!.cells[4]!, /PORT_SCAN → 10\.0\.0\.2:80/);
    assert.equal(rows[2]!.cells[4], 'unblocked (expired)');
  });

  test('a filter applies only to panes whose rows have every field it tests', () => {
    assert.equal(filterApplies('feed', filter('port 22')), true);
    assert.equal(filterApplies('blocked', filter('process python3')), false);
    assert.equal(filterApplies('alerts', filter('status established')), false);
    assert.equal(filterApplies('connections', filter('status established and process x')), true);
    for (const pane of Object.keys(PANE_FIELDS)) assert.equal(filterApplies(pane as keyof typeof PANE_FIELDS, null), false);
  });

  test('b on a reply packet offers the remote end, never our own address', () => {
    const ctx = { local: new Set(['10.0.0.2']), alerted: new Set<string>(), alertOf: () => undefined };
    const reply = packet(1, { src: '10.0.0.2', srcPort: 80, dst: '203.0.113.9', dstPort: 40001 });
    assert.equal(blockTarget({ kind: 'packet', packet: reply }, ctx).address, '203.0.113.9');
    assert.equal(blockTarget({ kind: 'flow', flow: flow(1, { origAddr: '10.0.0.2', respAddr: '198.51.100.3' }) }, ctx).address, '198.51.100.3');
    // Neither end ours: the one with an alert, else the originator.
    assert.equal(remoteEnd('192.0.2.1', '192.0.2.2', { ...ctx, alerted: new Set(['192.0.2.2']) }), '192.0.2.2');
    assert.equal(remoteEnd('192.0.2.1', '192.0.2.2', ctx), '192.0.2.1');
  });
});
