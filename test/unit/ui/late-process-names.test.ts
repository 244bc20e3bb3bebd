import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineStats } from '../../../src/model/engine-stats.js';
import type { FeedPacket } from '../../../src/model/feed-packet.js';
import type { FlowSummary } from '../../../src/model/flow-summary.js';
import { EngineDataStore } from '../../../src/ui/store/engine-data-store.js';

const stats = { packets: 1, bytes: 1, malformed: 0, malformed_by_reason: {}, non_ip: 0, dropped: 0, elapsed_s: 1, pps: 1, alerts: 0, flows_active: 1, flows_evicted: 0, flows_expired: 0, first_packet: null, last_packet: null } as unknown as EngineStats;

function packet(flowUid: number, process: string | null): FeedPacket {
  return { tsMicros: 1, proto: 6, src: '127.0.0.1', srcPort: 40000, dst: '127.0.0.1', dstPort: 8000, tcpFlags: 2, length: 60, icmpType: -1, info: null, country: null, process, flowUid };
}

function flow(uid: number, process: string | null): FlowSummary {
  return { uid, proto: 6, origAddr: '127.0.0.1', origPort: 40000, respAddr: '127.0.0.1', respPort: 8000, state: 'SF', origPackets: 3, respPackets: 3, origBytes: 1, respBytes: 1, firstSeenMicros: 1, lastSeenMicros: 2, http: null, country: null, process } as FlowSummary;
}

test('feed packets sent before their process was known get the name once a snapshot names the flow', () => {
  const store = new EngineDataStore(1000);
  let seq = 0;
  const snap = (newPackets: FeedPacket[], flows: FlowSummary[]) =>
    store.apply({ type: 'snapshot', snapshot: { seq: ++seq, ts: Date.now(), packetTimeMicros: 0, stats, newPackets, skippedPackets: 0, flows, newAlerts: [], blocks: [] } });
  snap([packet(7, null), packet(7, null), packet(8, null)], [flow(7, null)]);
  assert.deepEqual(store.getSnapshot().feed.map((p) => p.process), [null, null, null]);
  snap([], [flow(7, 'python3')]);
  assert.deepEqual(store.getSnapshot().feed.map((p) => p.process), ['python3', 'python3', null]);
  store.dispose();
});
