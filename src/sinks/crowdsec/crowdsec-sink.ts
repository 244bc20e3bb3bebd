import type { Alert } from '../../model/alert.js';
import type { BlockRecord } from '../../model/block-record.js';
import type { FleetStatus } from '../../model/fleet-status.js';
import type { LapiClient } from '../../fleet/lapi-client.js';
import type { RunSink } from '../run-sink.js';
import { crowdsecAlert } from './crowdsec-alert.js';
import { PushQueue } from './push-queue.js';

/** Alerts remembered for the blocks that follow them (the alert comes first). */
const MAX_ALERTS = 1024;

/**
 * The watcher side: every block this host puts into its firewall goes to the CrowdSec Local API
 * as an alert with a ban decision, so every other host's bouncer (ours, or CrowdSec's firewall
 * bouncer) blocks the attacker too. Only real blocks: dry runs and suppressed or failed blocks
 * change nothing elsewhere either, alerts the policy only logged are not pushed (a profile on
 * the API could turn them into bans of a possibly spoofed source), per-port blocks have no
 * CrowdSec equivalent, and decisions pulled from the fleet are not sent back.
 */
export function crowdsecSink(client: LapiClient, machine: string, status: FleetStatus, warn: (line: string) => void): RunSink {
  const alerts = new Map<string, Alert>();
  const queue = new PushQueue({ send: (batch) => client.pushAlerts(batch), status, warn });
  return {
    alert(alert) {
      alerts.delete(alert.id);
      if (alerts.size >= MAX_ALERTS) alerts.delete(alerts.keys().next().value as string);
      alerts.set(alert.id, alert);
    },
    record(record: BlockRecord, kind) {
      if (kind !== 'block' || record.action !== 'blocked' || record.origin !== undefined || record.port !== null) return;
      queue.add(crowdsecAlert(record, record.alertId !== undefined ? alerts.get(record.alertId) : undefined, machine));
    },
    close: () => queue.flush(2000),
  };
}
