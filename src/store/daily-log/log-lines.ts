import type { Alert } from '../../model/alert.js';
import type { BlockEntry, UnblockEntry } from '../../model/history-entry.js';

/** `YYYY-MM-DD` (UTC) of an ISO time; today's date when the time does not parse. */
export function utcDate(iso: string, fallback: () => Date = () => new Date()): string {
  const ms = Date.parse(iso);
  return (Number.isFinite(ms) ? new Date(ms) : fallback()).toISOString().slice(0, 10);
}

/** The attack log's name: `attacks_YYYY-MM-DD.json` (one JSON object per line). */
export function attacksFileName(date: string): string {
  return `attacks_${date}.json`;
}

/** The block log's name: `blocked_ports_YYYY-MM-DD.json` (blocks and unblocks). */
export function blockedFileName(date: string): string {
  return `blocked_ports_${date}.json`;
}

/** The alert line: the alert record's fields as they are. */
export function alertEventLine(alert: Alert): Alert {
  return alert;
}

/**
 * A block or unblock as an event line (`{"event_type":"block"|"unblock",…}`), in the
 * alert contract's snake_case.
 */
export function blockEventLine(entry: BlockEntry | UnblockEntry): Record<string, unknown> {
  if (entry.kind === 'block') {
    return {
      event_type: 'block',
      timestamp: entry.at,
      address: entry.address,
      action: entry.action,
      reason: entry.reason,
      duration_seconds: entry.durationSeconds,
      ...(entry.alertId !== undefined ? { alert_id: entry.alertId } : {}),
      ...(entry.detail !== undefined ? { detail: entry.detail } : {}),
    };
  }
  return {
    event_type: 'unblock',
    timestamp: entry.at,
    address: entry.address,
    reason: entry.reason,
    ...(entry.detail !== undefined ? { detail: entry.detail } : {}),
  };
}
