import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Alert } from '../../../src/model/alert.js';
import type { GeoLookupFn, GeoRecord } from '../../../src/enrich/geo/index.js';
import type { HistoryEntry } from '../../../src/model/history-entry.js';
import { HistoryStore } from '../../../src/store/index.js';
import { runReport, type ReportDeps, type ReportOptions } from '../../../src/reports/index.js';

export function alert(id: string, over: Partial<Alert> & { details?: Partial<Alert['attack_details']> }): Alert {
  const { details, ...rest } = over;
  const timestamp = rest.timestamp ?? '2026-11-20T03:00:00.000Z';
  return {
    event_type: 'alert',
    id,
    timestamp,
    attack_type: 'PORT_SCAN',
    severity: 'medium',
    attacker_ip: '198.51.100.1',
    target_ip: '10.0.0.2',
    target_port: null,
    protocol: 'tcp',
    packet_count: 1,
    duration: 0,
    reverse_dns: null,
    country: null,
    process: null,
    action: 'logged',
    ...rest,
    attack_details: { service: null, first_seen: timestamp, interface: 'eth0', platform_info: 'Linux', ...details },
  };
}

/**
 * Eight alerts from six attackers over three UTC hours (03, 14, 23), five blocks (every action),
 * three unblocks (every reason). The numbers the tests expect are worked out in the comments.
 */
export function sampleHistory(): HistoryEntry[] {
  const alerts: Alert[] = [
    // 81.2.69.142 (GB): three alerts; last evidence 03:11:00, 03:20:00, 14:00:00 on 11-20
    alert('a1', {
      attacker_ip: '81.2.69.142',
      attack_type: 'SSH_BRUTE_FORCE',
      severity: 'medium',
      timestamp: '2026-11-20T03:10:00.000Z',
      target_port: 22,
      packet_count: 50,
      duration: 120,
      process: 'sshd',
      details: { service: 'ssh', first_seen: '2026-11-20T03:09:00.000Z' },
    }),
    alert('a2', {
      attacker_ip: '81.2.69.142',
      attack_type: 'PORT_SCAN',
      severity: 'high',
      timestamp: '2026-11-20T03:20:00.000Z',
      packet_count: 1000,
      duration: 1,
      details: { scan_type: 'SYN', ports_count: 1000, first_seen: '2026-11-20T03:19:59.000Z' },
    }),
    alert('a3', {
      attacker_ip: '81.2.69.142',
      attack_type: 'SQL_INJECTION',
      severity: 'critical',
      timestamp: '2026-11-20T14:00:00.000Z',
      target_port: 80,
      packet_count: 5,
      process: 'python3',
    }),
    // 1.1.1.1 (AU): recorded country AU
    alert('a4', {
      attacker_ip: '1.1.1.1',
      attack_type: 'SSH_BRUTE_FORCE',
      severity: 'high',
      timestamp: '2026-11-20T14:30:00.000Z',
      target_port: 22,
      packet_count: 30,
      duration: 30,
      country: 'AU',
      process: 'sshd',
      details: { service: 'SSH', first_seen: '2026-11-20T14:29:00.000Z' },
    }),
    alert('a5', {
      attacker_ip: '5.5.5.5',
      attack_type: 'PORT_SCAN',
      timestamp: '2026-11-20T23:59:00.000Z',
      packet_count: 100,
      details: { scan_type: 'FIN', ports_count: 100 },
    }),
    alert('a6', { attacker_ip: '9.9.9.9', attack_type: 'MALICIOUS_IP', severity: 'low', timestamp: '2026-11-21T03:00:00.000Z', target_port: 443, packet_count: 3 }),
    alert('a7', { attacker_ip: '10.0.0.5', attack_type: 'TELNET_ATTACK', timestamp: '2026-11-21T03:30:00.000Z', target_port: 23, packet_count: 20 }),
    alert('a8', { attacker_ip: '192.0.2.9', attack_type: 'SUSPICIOUS_COMMAND', severity: 'low', timestamp: '2026-11-21T14:10:00.000Z', packet_count: 0 }),
  ];
  const block = (at: string, address: string, action: 'blocked' | 'dry_run' | 'suppressed' | 'block_failed'): HistoryEntry => ({
    kind: 'block',
    at,
    address,
    reason: 'test',
    durationSeconds: 300,
    action,
  });
  return [
    ...alerts.map((a): HistoryEntry => ({ kind: 'alert', alert: a })),
    block('2026-11-20T03:10:30.000Z', '81.2.69.142', 'blocked'),
    block('2026-11-20T15:00:00.000Z', '1.1.1.1', 'dry_run'),
    block('2026-11-21T03:31:00.000Z', '10.0.0.5', 'suppressed'),
    block('2026-11-21T00:00:00.000Z', '5.5.5.5', 'block_failed'),
    block('2026-11-20T14:05:00.000Z', '81.2.69.142', 'blocked'),
    { kind: 'unblock', at: '2026-11-20T03:15:30.000Z', address: '81.2.69.142', reason: 'expired' },
    { kind: 'unblock', at: '2026-11-20T15:10:00.000Z', address: '1.1.1.1', reason: 'manual' },
    { kind: 'unblock', at: '2026-11-20T14:10:00.000Z', address: '81.2.69.142', reason: 'flush' },
  ];
}

const GEO: Record<string, GeoRecord | null> = {
  '81.2.69.142': { country: 'GB', region: 'ENG', city: 'London' },
  '1.1.1.1': { country: 'AU', region: null, city: null },
  '5.5.5.5': { country: 'DE', region: 'BE', city: 'Berlin' },
  '9.9.9.9': null,
};

/** A geo database for the sample addresses; counts its lookups. */
export function fakeGeo(): { loader: () => Promise<GeoLookupFn>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    loader: async () => (ip: string) => {
      asked.push(ip);
      return GEO[ip] ?? null;
    },
  };
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'snoopy-reports-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes entries through the real store (the format the engine writes). */
export async function writeHistory(file: string, entries: readonly HistoryEntry[], options: { maxEntries?: number } = {}): Promise<void> {
  const { store } = await HistoryStore.open(file, { debounceMs: 0, flushOnExit: false, ...options });
  for (const e of entries) {
    store.add(e);
    if (options.maxEntries !== undefined) await store.flush();
  }
  await store.close();
}

export class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false, readonly columns?: number) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

export interface ReportRun {
  status: number;
  stdout: string;
  diagnostics: string[];
}

export async function report(
  kind: 'analyze' | 'geolocate',
  options: Partial<ReportOptions> & { historyFile: string },
  deps: ReportDeps = {},
  stream: Capture = new Capture(),
): Promise<ReportRun> {
  const diagnostics: string[] = [];
  const status = await runReport(
    kind,
    { format: 'json', reverseDns: false, now: new Date('2026-11-22T00:00:00.000Z'), ...options },
    { stdout: stream, diagnostic: (l) => diagnostics.push(l) },
    { env: {}, ...deps },
  );
  return { status, stdout: stream.text, diagnostics };
}
