import { createServer, type Server } from 'node:http';
import type { RunSink } from '../run-sink.js';
import type { MetricsReadings } from './metrics-readings.js';
import { createMetrics } from './metrics-registry.js';

/** Alerts waiting for their block, for the detection-to-block latency (oldest forgotten). */
const MAX_WAITING = 4096;

export interface MetricsEndpoint {
  sink: RunSink;
  /** Where it listens, as bound (the port is known after binding). */
  address: { host: string; port: number };
}

/**
 * Prometheus `/metrics` on `host:port` (`--metrics`): counters of the packet path read at scrape
 * time, alerts and blocks counted as they happen, the detection-to-block latency measured from
 * the alert's arrival here to its block's. Rejects with one line when the address is taken.
 */
export async function startMetrics(host: string, port: number, readings: MetricsReadings): Promise<MetricsEndpoint> {
  const metrics = createMetrics(readings);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('snoopy-tui: metrics are at /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500).end(),
    );
  });
  server.keepAliveTimeout = 65_000;
  await listen(server, host, port);
  server.unref();
  const bound = server.address();
  const detectedAt = new Map<string, number>();
  const sink: RunSink = {
    alert(alert, kind) {
      if (kind !== 'new') return;
      metrics.alert(alert.attack_type, alert.severity);
      if (detectedAt.size >= MAX_WAITING) detectedAt.delete(detectedAt.keys().next().value as string);
      detectedAt.set(alert.id, performance.now());
    },
    record(record, kind) {
      if (kind !== 'block') return;
      if (record.action === 'blocked' || record.action === 'dry_run') metrics.blockAdded(record.firewall);
      else if (record.action === 'block_failed') metrics.blockFailed(record.firewall);
      else if (record.action === 'suppressed') metrics.blockSuppressed();
    },
    blocked(record) {
      const at = record.alertId !== undefined ? detectedAt.get(record.alertId) : undefined;
      if (at === undefined) return;
      detectedAt.delete(record.alertId!);
      metrics.detectionToBlock((performance.now() - at) / 1000);
    },
    async close() {
      metrics.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return { sink, address: typeof bound === 'object' && bound !== null ? { host: bound.address, port: bound.port } : { host, port } };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'address in use' : e.code === 'EADDRNOTAVAIL' ? 'not an address of this host' : e.code === 'EACCES' ? 'permission denied' : e.message;
      reject(new Error(`--metrics: cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}: ${why}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}
