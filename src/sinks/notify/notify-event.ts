import type { Alert, Severity } from '../../model/alert.js';
import type { BlockRecord } from '../../model/block-record.js';

/** What a notification is about: a new alert, a block the response made, or `--test-alerts`. */
export type NotifyEvent =
  | { kind: 'alert'; alert: Alert }
  | { kind: 'block'; block: BlockRecord; severity: Severity }
  | { kind: 'test'; at: string };

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The severity a channel's `minSeverity` is compared with; a test message always passes. */
export function eventSeverity(event: NotifyEvent): Severity {
  switch (event.kind) {
    case 'alert':
      return event.alert.severity;
    case 'block':
      return event.severity;
    case 'test':
      return 'critical';
  }
}

/** The JSON record a webhook receives: the JSON alert line itself, or a block / test event line. */
export function eventRecord(event: NotifyEvent): Record<string, unknown> {
  switch (event.kind) {
    case 'alert':
      return event.alert as unknown as Record<string, unknown>;
    case 'block':
      return {
        event_type: 'block',
        address: event.block.address,
        reason: event.block.reason,
        action: event.block.action,
        created_at: new Date(event.block.createdAt).toISOString(),
        expires_at: new Date(event.block.expiresAt).toISOString(),
      };
    case 'test':
      return { event_type: 'test', timestamp: event.at, message: 'snoopy-tui test notification' };
  }
}
