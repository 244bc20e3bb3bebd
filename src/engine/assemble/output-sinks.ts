import { ConfigError } from '../../config/config-error.js';
import type { RunConfig } from '../../config/run-config.js';
import type { FleetStatus } from '../../model/fleet-status.js';
import { eveSink } from '../../sinks/eve/eve-sink.js';
import type { MetricsReadings } from '../../sinks/metrics/metrics-readings.js';
import type { RunSink } from '../../sinks/run-sink.js';
import { remoteSyslogSink } from '../../sinks/syslog/remote-syslog-sink.js';
import { RemoteSyslogTransport } from '../../sinks/syslog/remote-syslog-transport.js';
import type { BlockManager } from '../../response/block-manager.js';
import type { Engine } from '../engine.js';
import type { PacketSource } from '../capture/packet-source.js';

/**
 * The outputs past this host that the config asks for: EVE lines, RFC 5424 to a collector,
 * Prometheus metrics. Each queues; none waits on the packet path. Throws a ConfigError (one
 * line) when one cannot start: the metrics address is taken, the EVE file cannot be opened.
 */
export async function outputSinks(config: RunConfig, readings: MetricsReadings, warn: (line: string) => void, debug: (line: string) => void): Promise<RunSink[]> {
  const sinks: RunSink[] = [];
  if (config.eveFile !== null) {
    try {
      sinks.push(eveSink(config.eveFile, warn));
    } catch (e) {
      throw new ConfigError(`--eve: cannot open ${config.eveFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (config.syslogRemote !== null) sinks.push(remoteSyslogSink(new RemoteSyslogTransport({ ...config.syslogRemote, warn })));
  if (config.metrics !== null) {
    // prom-client is loaded only when metrics are asked for.
    const { startMetrics } = await import('../../sinks/metrics/metrics-sink.js');
    const m = await startMetrics(config.metrics.host, config.metrics.port, readings).catch(async (e: unknown) => {
      await Promise.allSettled(sinks.map((sink) => sink.close?.()));
      throw new ConfigError((e as Error).message);
    });
    debug(`metrics on http://${m.address.host.includes(':') ? `[${m.address.host}]` : m.address.host}:${m.address.port}/metrics`);
    sinks.push(m.sink);
  }
  return sinks;
}

/** What the metrics read from a run: packet-path counters without side effects, blocks, the fleet. */
export function runReadings(parts: { engine: () => Engine | null; source: PacketSource; blocks: () => BlockManager | null; fleet: () => FleetStatus | null; flowCapacity: number }): MetricsReadings {
  return {
    packets() {
      const p = parts.engine()?.pipeline;
      return {
        packets: p?.packets ?? 0,
        bytes: p?.bytes ?? 0,
        dropped: parts.source.stats().dropped,
        malformedByReason: p?.malformed.toRecord() ?? {},
        flowsActive: p?.flows.size ?? 0,
        flowCapacity: p?.flows.capacity ?? parts.flowCapacity,
        flowsEvicted: p?.flows.evicted ?? 0,
        flowsExpired: p?.flows.expired ?? 0,
      };
    },
    blocks: () => parts.blocks()?.active() ?? [],
    fleet: parts.fleet,
  };
}
