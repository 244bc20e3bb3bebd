/** @jsxRuntime automatic */
/** @jsxImportSource react */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { render } from 'ink-testing-library';
import type { EngineStats } from '../../../src/model/engine-stats.js';
import { newFleetStatus } from '../../../src/model/fleet-status.js';
import { Header } from '../../../src/ui/components/header.js';
import { blockedRows, BLOCKED_COLUMNS } from '../../../src/ui/panes/blocked-rows.js';
import { layoutColumns } from '../../../src/ui/components/column-layout.js';
import { rowContext } from './ui-fixtures.js';
import { EngineDataStore } from '../../../src/ui/store/engine-data-store.js';
import { themeFromEnv } from '../../../src/ui/theme.js';

const stats: EngineStats = { packets: 1, bytes: 60, malformed: 0, malformed_by_reason: {}, non_ip: 0, dropped: 0, elapsed_s: 1, pps: 1, alerts: 0, flows_active: 0, flows_evicted: 0, flows_expired: 0, event_loop_lag_ms: { p50: 0, p99: 0, max: 0 }, rss_mb: 0, rss_peak_mb: 0, blocks_active: 0, first_packet: null, last_packet: null };

describe('the fleet in the header and the Blocked pane', () => {
  function firstLines(description: string): string[] {
    const now = Date.now();
    const store = new EngineDataStore(1000);
    store.apply({ type: 'started', source: { kind: 'live', description } });
    const fleet = { ...newFleetStatus('http://10.0.0.5:8080', { push: true, pull: true }), connected: true, lastPullAt: now - 1000, decisions: 12 };
    store.apply({ type: 'snapshot', snapshot: { seq: 1, ts: now, packetTimeMicros: 0, stats, newPackets: [], skippedPackets: 0, flows: [], newAlerts: [], blocks: [], fleet, feed: { filter: '', generation: 0, shown: 0, own: { sessions: [], packets: 0, bytes: 0, hidden: true } } } });
    const ui = render(<Header data={store.getSnapshot()} paused={false} showOwn={false} zone="UTC" width={80} theme={themeFromEnv({ NO_COLOR: '1' })} nowMs={now} />);
    const lines = (ui.lastFrame() ?? '').split('\n');
    ui.unmount();
    store.dispose();
    return lines;
  }

  test('the header shows the API state on its first line and stays two lines at 80 columns', () => {
    const short = firstLines('eth0');
    assert.equal(short.length, 2, JSON.stringify(short));
    assert.match(short[0]!, /\[fleet ok · 12 bans · pulled …$/, 'the badge takes the room the source leaves');
    const long = firstLines('enp0s31f6-with-a-long-name');
    assert.equal(long.length, 2, JSON.stringify(long));
    assert.match(long[0]!, /enp0s31f6-w.*… \[running\].* UTC \[fleet ok · 12 ba.*…$/, 'both cut to fit, never wrapped');
    assert.ok(long[0]!.length <= 80);
  });

  test('the Blocked pane tells local from fleet decisions, visible at 80 columns', () => {
    const now = Date.now();
    const base = { port: null, reason: 'r', createdAt: now, expiresAt: now + 60_000, action: 'blocked' as const, offense: 1, firewall: 'nftables' as const };
    const rows = blockedRows([{ ...base, address: '203.0.113.1', network: '203.0.113.1/32' }, { ...base, address: '203.0.113.2', network: '203.0.113.2/32', origin: 'web-2' }], now, null, 0, rowContext());
    const from = BLOCKED_COLUMNS.findIndex((c) => c.title === 'FROM');
    assert.deepEqual(rows.map((r) => r.cells[from]), ['local', 'web-2']);
    const layout = layoutColumns(BLOCKED_COLUMNS, 80, BLOCKED_COLUMNS.map((_, i) => Math.max(...rows.map((r) => r.cells[i]!.length))));
    let end = 0;
    for (const c of layout) {
      end += c.width + (end === 0 ? 0 : 1);
      if (c.index === from) break;
    }
    assert.ok(end <= 80, `FROM ends at column ${end}`);
  });
});
