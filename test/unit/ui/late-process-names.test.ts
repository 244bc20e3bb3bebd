import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeedPacket } from '../../../src/model/feed-packet.js';
import type { FlowSummary } from '../../../src/model/flow-summary.js';
import { EngineDataStore } from '../../../src/ui/store/engine-data-store.js';
import { flow, packet, snapshot } from './ui-fixtures.js';

test('feed packets sent before their process was known get the name once a snapshot names the flow', () => {
  const store = new EngineDataStore(1000);
  const snap = (newPackets: FeedPacket[], flows: FlowSummary[]) => store.apply(snapshot({ newPackets, flows }));
  snap([packet(1, { flowUid: 7 }), packet(2, { flowUid: 7 }), packet(3, { flowUid: 8 })], [flow(7)]);
  assert.deepEqual(store.getSnapshot().feed.map((p) => p.process), [null, null, null]);
  snap([], [flow(7, { process: 'python3' })]);
  assert.deepEqual(store.getSnapshot().feed.map((p) => p.process), ['python3', 'python3', null]);
  store.dispose();
});
