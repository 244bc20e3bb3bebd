import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FIREWALL_NAMES } from '../../model/block-record.js';
import { FLEET_OPERATIONS } from '../../model/fleet-status.js';
import type { MetricsReadings } from './metrics-readings.js';

/** What the sink feeds as events arrive (alerts, blocks, latencies). */
export interface MetricsRecorder {
  readonly registry: Registry;
  alert(type: string, severity: string): void;
  blockAdded(backend: string): void;
  blockFailed(backend: string): void;
  blockSuppressed(): void;
  /** Seconds from the alert to its block being in the firewall. */
  detectionToBlock(seconds: number): void;
  /** Stops the event-loop monitor. */
  close(): void;
}

/**
 * Our metrics, in base units with `_total` counters and labels of small fixed sets only (attack
 * type, severity, backend, malformed reason, fleet operation): never an address. prom-client's
 * default Node metrics are left out (three of them break the `_total` rule `promtool check
 * metrics` enforces); the process figures a dashboard needs are here under their usual names.
 */
export function createMetrics(readings: MetricsReadings): MetricsRecorder {
  const registry = new Registry();
  const registers = [registry];
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();

  counterFrom(registers, 'snoopy_packets_total', 'Packets the engine has read (captured or replayed).', () => readings.packets().packets);
  counterFrom(registers, 'snoopy_bytes_total', 'Bytes of the packets the engine has read.', () => readings.packets().bytes);
  counterFrom(registers, 'snoopy_dropped_packets_total', 'Packets the kernel dropped before the engine read them (absent when the source cannot tell).', () => readings.packets().dropped);
  new Counter({
    name: 'snoopy_malformed_packets_total',
    help: 'Packets that could not be decoded, by reason.',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(readings.packets().malformedByReason)) if (n > 0) this.inc({ reason }, n);
    },
  });
  gaugeFrom(registers, 'snoopy_flow_table_entries', 'Connections in the flow table now.', () => readings.packets().flowsActive);
  gaugeFrom(registers, 'snoopy_flow_table_capacity', 'Connections the flow table holds at most.', () => readings.packets().flowCapacity);
  counterFrom(registers, 'snoopy_flow_table_evictions_total', 'Connections evicted because the flow table was full.', () => readings.packets().flowsEvicted);
  counterFrom(registers, 'snoopy_flows_expired_total', 'Connections that ended or went idle.', () => readings.packets().flowsExpired);

  const alerts = new Counter({ name: 'snoopy_alerts_total', help: 'New alerts, by attack type and severity.', labelNames: ['type', 'severity'], registers });
  new Gauge({
    name: 'snoopy_blocks_active',
    help: 'Blocks in force, by firewall backend.',
    labelNames: ['backend'],
    registers,
    collect() {
      const counts = new Map<string, number>(FIREWALL_NAMES.map((n) => [n, 0]));
      for (const b of readings.blocks()) counts.set(b.firewall, (counts.get(b.firewall) ?? 0) + 1);
      for (const [backend, n] of counts) this.set({ backend }, n);
    },
  });
  const added = new Counter({ name: 'snoopy_blocks_added_total', help: 'Blocks put into force (dry runs under backend none), by firewall backend.', labelNames: ['backend'], registers });
  const failed = new Counter({ name: 'snoopy_blocks_failed_total', help: 'Blocks the firewall refused, by backend.', labelNames: ['backend'], registers });
  const suppressed = new Counter({ name: 'snoopy_blocks_suppressed_total', help: 'Blocks refused by self-protection (a protected address).', registers });
  const latency = new Histogram({
    name: 'snoopy_detection_to_block_seconds',
    help: 'Time from an alert to its block being in the firewall.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  new Counter({
    name: 'snoopy_fleet_api_errors_total',
    help: 'Failed exchanges with the CrowdSec Local API, by operation.',
    labelNames: ['operation'],
    registers,
    collect() {
      const f = readings.fleet();
      this.reset();
      if (f !== null) for (const op of FLEET_OPERATIONS) this.inc({ operation: op }, f.errors[op]);
    },
  });
  gaugeFrom(registers, 'snoopy_fleet_connected', '1 when the last exchange with the CrowdSec Local API succeeded.', () => fleetValue(readings, (f) => (f.connected ? 1 : 0)));
  gaugeFrom(registers, 'snoopy_fleet_decisions', 'Active decisions pulled from the CrowdSec Local API.', () => fleetValue(readings, (f) => f.decisions));
  gaugeFrom(registers, 'snoopy_fleet_push_queue', 'Blocks waiting to be pushed to the CrowdSec Local API.', () => fleetValue(readings, (f) => f.pushQueued));
  counterFrom(registers, 'snoopy_fleet_pushed_total', 'Blocks the CrowdSec Local API accepted.', () => fleetValue(readings, (f) => f.pushed));
  gaugeFrom(registers, 'snoopy_fleet_last_pull_timestamp_seconds', 'When decisions were last pulled (Unix time).', () => fleetValue(readings, (f) => (f.lastPullAt === null ? null : f.lastPullAt / 1000)));

  gaugeFrom(registers, 'process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
  gaugeFrom(registers, 'process_start_time_seconds', 'Start time of the process since the Unix epoch in seconds.', () => startSeconds);
  counterFrom(registers, 'process_cpu_seconds_total', 'User and system CPU time spent in seconds.', () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  });
  // Delay since the previous scrape: how long timers, commands and snapshots waited.
  let lagSnapshot = { p50: 0, p99: 0, max: 0 };
  const readLag = () => {
    const s = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
    lagSnapshot = { p50: s(lag.percentile(50)), p99: s(lag.percentile(99)), max: s(lag.max) };
    lag.reset();
  };
  gaugeFrom(registers, 'nodejs_eventloop_lag_p50_seconds', 'Median event-loop delay since the previous scrape.', () => (readLag(), lagSnapshot.p50));
  gaugeFrom(registers, 'nodejs_eventloop_lag_p99_seconds', '99th percentile of the event-loop delay since the previous scrape.', () => lagSnapshot.p99);
  gaugeFrom(registers, 'nodejs_eventloop_lag_max_seconds', 'Longest event-loop delay since the previous scrape.', () => lagSnapshot.max);

  return {
    registry,
    alert: (type, severity) => alerts.inc({ type, severity }),
    blockAdded: (backend) => added.inc({ backend }),
    blockFailed: (backend) => failed.inc({ backend }),
    blockSuppressed: () => suppressed.inc(),
    detectionToBlock: (seconds) => latency.observe(seconds),
    close: () => lag.disable(),
  };
}

function fleetValue(readings: MetricsReadings, pick: (f: NonNullable<ReturnType<MetricsReadings['fleet']>>) => number | null): number | null {
  const f = readings.fleet();
  return f === null ? null : pick(f);
}

/** A counter whose value is read from elsewhere at scrape time (null: no sample). */
function counterFrom(registers: Registry[], name: string, help: string, read: () => number | null): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      const v = read();
      this.reset();
      if (v !== null && v > 0) this.inc(v);
    },
  });
}

function gaugeFrom(registers: Registry[], name: string, help: string, read: () => number | null): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      const v = read();
      if (v !== null) this.set(v);
      else this.reset();
    },
  });
}
