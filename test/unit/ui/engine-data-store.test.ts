import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEngineMessage, initialEngineData, type EngineData } from '../../../src/ui/store/engine-data-store.js';
import type { EngineToUi } from '../../../src/engine/protocol.js';
import { alert, feedState, packet, stats } from './ui-fixtures.js';

function snap(seq: number, over: Partial<Extract<EngineToUi, { type: 'snapshot' }>['snapshot']> = {}): EngineToUi {
  return { type: 'snapshot', snapshot: { seq, ts: 0, packetTimeMicros: 0, stats: stats(), newPackets: [], skippedPackets: 0, flows: [], newAlerts: [], blocks: [], feed: feedState(), ...over } };
}

function apply(...messages: EngineToUi[]): EngineData {
  return messages.reduce(applyEngineMessage, initialEngineData(0));
}

describe('engine data', () => {
  test('rates leave out the own SSH session while it is hidden, and count it when shown', () => {
    const own = (packets: number, hidden: boolean) => feedState({ own: { sessions: ['x'], packets, bytes: packets * 100, hidden } });
    const hidden = apply(snap(1, { stats: stats({ packets: 100, bytes: 10_000, elapsed_s: 1 }), feed: own(50, true) }), snap(2, { stats: stats({ packets: 130, bytes: 13_000, elapsed_s: 2 }), feed: own(80, true) }));
    assert.equal(hidden.packetRate, 0);
    assert.equal(hidden.byteRate, 0);
    const shown = apply(snap(1, { stats: stats({ packets: 100, elapsed_s: 1 }), feed: own(50, false) }), snap(2, { stats: stats({ packets: 130, elapsed_s: 2 }), feed: own(80, false) }));
    assert.equal(shown.packetRate, 30);
  });

  test('after the source ends the rates read 0, not those of the last interval', () => {
    const d = apply(snap(1, { stats: stats({ packets: 0, elapsed_s: 1 }) }), snap(2, { stats: stats({ packets: 500, elapsed_s: 2 }) }));
    assert.equal(d.packetRate, 500);
    const ended = applyEngineMessage(d, { type: 'ended', reason: 'eof', stats: stats({ packets: 500 }) });
    assert.equal(ended.packetRate, 0);
    assert.equal(ended.byteRate, 0);
  });

  test('a new feed generation (filter, own traffic) drops the packets held; late packets are put in time order', () => {
    let d = apply(snap(1, { newPackets: [packet(1), packet(5)], skippedPackets: 7 }));
    assert.equal(d.feedSkipped, 7);
    d = applyEngineMessage(d, snap(2, { newPackets: [packet(3)] }));
    assert.deepEqual(d.feed.map((p) => p.srcPort), [40001, 40003, 40005]);
    d = applyEngineMessage(d, snap(3, { newPackets: [packet(9)], feed: feedState({ generation: 1, filter: 'port 22' }) }));
    assert.deepEqual(d.feed.map((p) => p.srcPort), [40009]);
    assert.equal(d.feedSkipped, 0);
  });

  test('alerts are counted once each (updates replace), and the session history keeps their latest version', () => {
    let d = apply(snap(1, { newAlerts: [alert({ id: 'a', action: 'prompted' })] }));
    d = applyEngineMessage(d, snap(2, { newAlerts: [alert({ id: 'a', action: 'blocked', packet_count: 5 }), alert({ id: 'b' })] }));
    assert.equal(d.alertsTotal, 2);
    assert.equal(d.alerts.length, 2);
    const entry = d.history.find((e) => e.kind === 'alert' && e.alert.id === 'a');
    assert.equal(entry?.kind === 'alert' && entry.alert.action, 'blocked');
  });
});
