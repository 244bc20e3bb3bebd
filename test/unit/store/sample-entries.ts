import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '../../../src/model/alert.js';
import type { BlockEntry, HistoryEntry, UnblockEntry } from '../../../src/model/history-entry.js';

export function sampleAlert(n: number, overrides: Partial<Alert> = {}): Alert {
  return {
    event_type: 'alert',
    id: `a-${n}`,
    timestamp: new Date(Date.UTC(2026, 10, 21, 22, 15, 3, 123) + n * 1000).toISOString(),
    attack_type: 'PORT_SCAN',
    severity: 'high',
    attacker_ip: `203.0.113.${n % 250}`,
    target_ip: '198.51.100.7',
    target_port: null,
    protocol: 'tcp',
    packet_count: 1000 + n,
    duration: 1.84,
    reverse_dns: null,
    country: 'US',
    process: null,
    action: 'blocked',
    attack_details: {
      scan_type: 'SYN',
      ports_count: 1000,
      service: null,
      first_seen: '2026-11-21T22:15:01.283Z',
      interface: 'eth0',
      platform_info: 'Linux 6.1',
    },
    ...overrides,
  };
}

export function sampleBlock(n: number, overrides: Partial<BlockEntry> = {}): BlockEntry {
  return {
    kind: 'block',
    at: new Date(Date.UTC(2026, 10, 21, 22, 16, 0) + n * 1000).toISOString(),
    address: `203.0.113.${n % 250}`,
    reason: 'PORT_SCAN',
    durationSeconds: 300,
    action: 'blocked',
    alertId: `a-${n}`,
    ...overrides,
  };
}

export function sampleUnblock(n: number, overrides: Partial<UnblockEntry> = {}): UnblockEntry {
  return {
    kind: 'unblock',
    at: new Date(Date.UTC(2026, 10, 21, 22, 21, 0) + n * 1000).toISOString(),
    address: `203.0.113.${n % 250}`,
    reason: 'expired',
    ...overrides,
  };
}

/** A mix of the three kinds, distinct per n. */
export function sampleEntry(n: number): HistoryEntry {
  switch (n % 3) {
    case 0:
      return { kind: 'alert', alert: sampleAlert(n) };
    case 1:
      return sampleBlock(n);
    default:
      return sampleUnblock(n);
  }
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'snoopy-store-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
