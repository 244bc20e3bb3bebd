import type { Snapshot } from '../engine/protocol.js';
import type { EngineStats } from '../model/engine-stats.js';
import type { ReviewSession } from './review-session.js';

const NO_STATS: EngineStats = {
  packets: 0, bytes: 0, malformed: 0, malformed_by_reason: {}, non_ip: 0, dropped: null, elapsed_s: 0, pps: 0, alerts: 0,
  flows_active: 0, flows_evicted: 0, flows_expired: 0, event_loop_lag_ms: { p50: 0, p99: 0, max: 0 }, rss_mb: 0, rss_peak_mb: 0,
  blocks_active: 0, first_packet: null, last_packet: null,
};

/**
 * Turns a review into the snapshots the UI already reads: the history's alerts and blocks in
 * force, sent again whenever the file changes (a running snoopy-tui keeps writing it) and every
 * `intervalMs` for blocks that expire. Returns a function that stops it.
 */
export function publishReview(session: ReviewSession, first: { alerts: Snapshot['newAlerts']; blocks: Snapshot['blocks'] }, send: (s: Snapshot) => void, warn: (line: string) => void, intervalMs = 2000): () => void {
  let seq = 0;
  const startedAt = performance.now();
  const snapshot = (alerts: Snapshot['newAlerts'], blocks: Snapshot['blocks']): Snapshot => ({
    seq: ++seq,
    ts: Date.now(),
    packetTimeMicros: 0,
    stats: { ...NO_STATS, elapsed_s: (performance.now() - startedAt) / 1000, alerts: alerts.length, blocks_active: blocks.length },
    newPackets: [],
    skippedPackets: 0,
    flows: [],
    newAlerts: alerts,
    blocks,
    feed: { filter: '', generation: 0, shown: 0, own: { sessions: [], packets: 0, bytes: 0, hidden: false } },
  });
  send(snapshot(first.alerts, first.blocks));
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    session.reload().then(
      (contents) => {
        busy = false;
        if (contents?.warning) warn(contents.warning);
        send(snapshot(contents?.alerts ?? [], contents?.blocks ?? session.activeBlocks()));
      },
      (e: Error) => {
        busy = false;
        warn(`cannot read the history file again: ${e.message}`);
      },
    );
  }, intervalMs);
  return () => clearInterval(timer);
}
