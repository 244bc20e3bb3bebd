/**
 * Every output past this host switched on for a replay measurement (`replay-once.ts --sinks`):
 * EVE lines to a temporary file, RFC 5424 over UDP to the discard port on loopback, Prometheus
 * metrics on an ephemeral loopback port (scraped once at the end), and the CrowdSec push sink
 * with a block per new alert towards a Local API that is not there (queue and retry: the worst
 * case for it). They are fed exactly as the assembly feeds them, in the engine's onAlert.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '../src/model/alert.js';
import type { EngineStats } from '../src/model/engine-stats.js';
import type { RunSink } from '../src/sinks/run-sink.js';
import type { MetricsReadings } from '../src/sinks/metrics/metrics-readings.js';

export interface BenchSinks {
  alert(alert: Alert, kind: 'new' | 'update'): void;
  close(stats: EngineStats): Promise<{ eve_bytes: number; metrics_bytes: number; push_queued: number }>;
}

export async function openBenchSinks(base: string, readings: MetricsReadings): Promise<BenchSinks> {
  const { eveSink } = (await import(`${base}sinks/eve/eve-sink.js`)) as typeof import('../src/sinks/eve/eve-sink.js');
  const { remoteSyslogSink } = (await import(`${base}sinks/syslog/remote-syslog-sink.js`)) as typeof import('../src/sinks/syslog/remote-syslog-sink.js');
  const { RemoteSyslogTransport } = (await import(`${base}sinks/syslog/remote-syslog-transport.js`)) as typeof import('../src/sinks/syslog/remote-syslog-transport.js');
  const { crowdsecSink } = (await import(`${base}sinks/crowdsec/crowdsec-sink.js`)) as typeof import('../src/sinks/crowdsec/crowdsec-sink.js');
  const { LapiClient } = (await import(`${base}fleet/lapi-client.js`)) as typeof import('../src/fleet/lapi-client.js');
  const { newFleetStatus } = (await import(`${base}model/fleet-status.js`)) as typeof import('../src/model/fleet-status.js');
  const { statSync } = await import('node:fs');

  const dir = mkdtempSync(join(tmpdir(), 'snoopy-bench-sinks-'));
  const eveFile = join(dir, 'eve.json');
  const warn = () => undefined;
  const status = newFleetStatus('http://127.0.0.1:9', { push: true, pull: false });
  const client = new LapiClient({ url: 'http://127.0.0.1:9', machine: { url: 'http://127.0.0.1:9', login: 'bench', password: 'bench' }, bouncerKey: null, fetch, userAgent: 'snoopy-tui/bench' });
  // SNOOPY_BENCH_SINKS=eve,syslog,metrics,crowdsec picks some (all by default), to find what costs.
  const only = process.env['SNOOPY_BENCH_SINKS']?.split(',');
  // As in the assembly, prom-client is loaded only when metrics are on.
  const metrics = only === undefined || only.includes('metrics') ? await ((await import(`${base}sinks/metrics/metrics-sink.js`)) as typeof import('../src/sinks/metrics/metrics-sink.js')).startMetrics('127.0.0.1', 0, { ...readings, fleet: () => status }) : null;
  const all: [string, () => RunSink][] = [
    ['eve', () => eveSink(eveFile, warn)],
    ['syslog', () => remoteSyslogSink(new RemoteSyslogTransport({ transport: 'udp', host: '127.0.0.1', port: 9, warn }))],
    ['metrics', () => metrics!.sink],
    ['crowdsec', () => crowdsecSink(client, 'bench', status, warn)],
  ];
  const sinks: RunSink[] = all.filter(([name]) => only === undefined || only.includes(name)).map(([, make]) => make());
  return {
    alert(alert, kind) {
      for (const s of sinks) s.alert?.(alert, kind);
      if (kind !== 'new') return;
      const now = Date.now();
      const record = { address: alert.attacker_ip, network: `${alert.attacker_ip}/${alert.attacker_ip.includes(':') ? 128 : 32}`, port: null, reason: `${alert.attack_type} detected`, createdAt: now, expiresAt: now + 300_000, action: 'blocked' as const, offense: 1, firewall: 'none' as const, alertId: alert.id, attackType: alert.attack_type };
      for (const s of sinks) s.record?.(record, 'block');
      for (const s of sinks) s.blocked?.(record);
    },
    async close(stats) {
      for (const s of sinks) s.stats?.(stats, true);
      const scraped = metrics !== null ? await (await fetch(`http://127.0.0.1:${metrics.address.port}/metrics`)).text() : '';
      const pushQueued = status.pushQueued;
      for (const s of sinks) await s.close?.();
      let eveBytes = 0;
      try {
        eveBytes = statSync(eveFile).size;
      } catch {
        // EVE not chosen
      }
      rmSync(dir, { recursive: true, force: true });
      return { eve_bytes: eveBytes, metrics_bytes: scraped.length, push_queued: pushQueued };
    },
  };
}
