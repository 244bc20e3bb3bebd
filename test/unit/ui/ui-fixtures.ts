/** Records for the UI's unit tests: packets, flows, alerts, snapshots, a row context. */
import type { Alert } from '../../../src/model/alert.js';
import type { EngineStats } from '../../../src/model/engine-stats.js';
import type { FeedPacket } from '../../../src/model/feed-packet.js';
import type { FlowSummary } from '../../../src/model/flow-summary.js';
import type { EngineToUi, FeedState, Snapshot } from '../../../src/engine/protocol.js';
import type { RowContext } from '../../../src/ui/panes/pane-row.js';
import { timeFormat } from '../../../src/ui/time-format.js';

export const UTC = timeFormat(true);

export function packet(i: number, over: Partial<FeedPacket> = {}): FeedPacket {
  return { tsMicros: 1_763_000_000_000_000 + i * 1000, proto: 6, src: '203.0.113.9', srcPort: 40000 + i, dst: '10.0.0.2', dstPort: i % 2 === 0 ? 22 : 80, tcpFlags: 2, length: 60, icmpType: -1, info: null, country: null, process: null, flowUid: i + 1, ...over };
}

export function flow(uid: number, over: Partial<FlowSummary> = {}): FlowSummary {
  return { uid, proto: 6, origAddr: '203.0.113.9', origPort: 40000, respAddr: '10.0.0.2', respPort: 80, state: 'SF', origPackets: 3, respPackets: 3, origBytes: 100, respBytes: 200, firstSeenMicros: 1_763_000_000_000_000, lastSeenMicros: 1_763_000_001_000_000, http: null, country: null, process: null, ...over };
}

export function alert(over: Partial<Alert> = {}): Alert {
  return {
    event_type: 'alert', id: 'a1', timestamp: '2025-11-13T02:13:20.000Z', attack_type: 'PORT_SCAN', severity: 'high',
    attacker_ip: '203.0.113.9', target_ip: '10.0.0.2', target_port: null, protocol: 'tcp', packet_count: 1000, duration: 1.5,
    reverse_dns: null, country: null, process: null, action: 'logged',
    attack_details: { scan_type: 'SYN', ports_count: 1000, service: null, first_seen: '2025-11-13T02:13:19.000Z', interface: 'eth0', platform_info: 'Linux' },
    ...over,
  };
}

export function stats(over: Partial<EngineStats> = {}): EngineStats {
  return { packets: 10, bytes: 600, malformed: 0, malformed_by_reason: {}, non_ip: 0, dropped: null, elapsed_s: 1, pps: 10, alerts: 1, flows_active: 1, flows_evicted: 0, flows_expired: 0, event_loop_lag_ms: { p50: 0, p99: 0, max: 0 }, rss_mb: 0, rss_peak_mb: 0, blocks_active: 0, first_packet: null, last_packet: null, ...over };
}

export function feedState(over: Partial<FeedState> = {}): FeedState {
  return { filter: '', generation: 0, shown: 0, own: { sessions: [], packets: 0, bytes: 0, hidden: true }, ...over };
}

let seq = 0;
export function snapshot(over: Partial<Snapshot> = {}, packets = 10): EngineToUi {
  seq++;
  return {
    type: 'snapshot',
    snapshot: { seq, ts: Date.now(), packetTimeMicros: 0, stats: stats({ packets, elapsed_s: seq }), newPackets: [], skippedPackets: 0, flows: [], newAlerts: [], blocks: [], feed: feedState(), ...over },
  };
}

export function rowContext(over: Partial<RowContext> = {}): RowContext {
  return { time: UTC, alerted: new Set(), trusted: new Set(), blocked: new Map(), countries: new Map(), ...over };
}
