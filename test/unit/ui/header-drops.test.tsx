/** @jsxRuntime automatic */
/** @jsxImportSource react */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { render } from 'ink-testing-library';
import type { EngineStats } from '../../../src/model/engine-stats.js';
import { Header } from '../../../src/ui/components/header.js';
import { EngineDataStore } from '../../../src/ui/store/engine-data-store.js';
import { themeFromEnv } from '../../../src/ui/theme.js';

function headerWith(dropped: number | null): string {
  const store = new EngineDataStore(1000);
  store.apply({ type: 'started', source: { kind: 'live', description: 'eth0' } });
  const stats: EngineStats = { packets: 42861, bytes: 600, malformed: 0, malformed_by_reason: {}, non_ip: 0, dropped, elapsed_s: 1, pps: 10, alerts: 0, flows_active: 1, flows_evicted: 0, flows_expired: 0, event_loop_lag_ms: { p50: 0, p99: 0, max: 0 }, rss_mb: 0, rss_peak_mb: 0, blocks_active: 0, first_packet: null, last_packet: null };
  store.apply({ type: 'snapshot', snapshot: { seq: 1, ts: Date.now(), packetTimeMicros: 0, stats, newPackets: [], skippedPackets: 0, flows: [], newAlerts: [], blocks: [], feed: { filter: '', generation: 0, shown: 0, own: { sessions: [], packets: 0, bytes: 0, hidden: true } } } });
  const data = store.getSnapshot();
  const ui = render(<Header data={data} paused={false} showOwn={false} zone="UTC" width={120} theme={themeFromEnv({ NO_COLOR: '1' })} nowMs={Date.now()} />);
  const frame = ui.lastFrame() ?? '';
  ui.unmount();
  store.dispose();
  return frame;
}

describe('header drop counter', () => {
  test('kernel drops are shown next to the captured count', () => {
    assert.match(headerWith(238_800), /pkts 43k drops 239k /);
  });

  test('a source that cannot tell shows n/a, not 0', () => {
    assert.match(headerWith(null), /drops n\/a /);
  });
});
