/**
 * History files with many entries, for the UI's review and history-pane tests: alternating
 * alerts and blocks (some lifted), each from its own documentation address, a second apart.
 */
import { writeFileSync } from 'node:fs';
import type { HistoryEntry } from '../../src/model/history-entry.js';
import { serializeHistory } from '../../src/store/history/history-entry.js';

export function historyEntries(count: number, startMs = Date.UTC(2026, 10, 21)): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (let n = 0; out.length < count; n++) {
    const at = new Date(startMs + n * 1000).toISOString();
    const address = `198.51.100.${n % 250}`;
    if (n % 3 !== 2) {
      out.push({
        kind: 'alert',
        alert: {
          event_type: 'alert', id: `hist-${n}`, timestamp: at, attack_type: n % 2 ? 'SSH_BRUTE_FORCE' : 'PORT_SCAN', severity: 'medium', attacker_ip: address, target_ip: '192.0.2.1',
          target_port: n % 2 ? 22 : null, protocol: 'tcp', packet_count: 10 + n, duration: 1, reverse_dns: null, country: 'US', process: n % 2 ? 'sshd' : null, action: 'logged',
          attack_details: { service: n % 2 ? 'SSH' : null, first_seen: at, interface: 'eth0', platform_info: 'Linux' },
        },
      });
    } else {
      out.push({ kind: 'block', at, address, reason: 'PORT_SCAN (medium)', durationSeconds: 300, action: 'blocked', network: `${address}/32` });
    }
  }
  return out;
}

export function writeHistoryFile(path: string, entries: readonly HistoryEntry[]): void {
  writeFileSync(path, serializeHistory(entries));
}
