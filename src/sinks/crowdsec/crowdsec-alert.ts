import type { Alert } from '../../model/alert.js';
import type { BlockRecord } from '../../model/block-record.js';
import { formatGoDuration } from '../../fleet/go-duration.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

/** `PORT_SCAN` → `snoopy/port-scan`; a block without an alert (a person's `b`) → `snoopy/manual`. */
export function scenarioName(attackType: string | undefined): string {
  if (attackType === undefined || !/^[A-Z0-9_]{1,40}$/.test(attackType)) return 'snoopy/manual';
  return `snoopy/${attackType.toLowerCase().replaceAll('_', '-')}`;
}

/**
 * One alert of the Local API's `POST /v1/alerts` for a block this host made, carrying its
 * decision: ban, `Ip` scope (an IPv6 /64 block is a `Range`), the block's duration in Go syntax,
 * our machine name as origin. `remediation` is set, but the API keeps the decision we give
 * instead of applying its profiles, since the alert carries one.
 */
export function crowdsecAlert(record: BlockRecord, alert: Alert | undefined, machine: string): object {
  const scenario = scenarioName(record.attackType);
  const single = record.network === `${record.address}/32` || record.network === `${record.address}/128`;
  const scope = single ? 'Ip' : 'Range';
  const value = single ? record.address : record.network;
  const seconds = Math.max(1, Math.round((record.expiresAt - record.createdAt) / 1000));
  const at = new Date(record.createdAt).toISOString();
  const startAt = alert !== undefined ? firstSeen(alert) ?? at : at;
  const what = record.attackType ?? 'manual block';
  const meta = [
    { key: 'source_ip', value: record.address },
    { key: 'snoopy_attack_type', value: what },
    { key: 'snoopy_reason', value: clean(record.reason) },
  ];
  if (alert !== undefined) {
    if (alert.target_port !== null) meta.push({ key: 'target_port', value: String(alert.target_port) });
    if (alert.target_ip !== null) meta.push({ key: 'target_ip', value: alert.target_ip });
    meta.push({ key: 'severity', value: alert.severity });
  }
  return {
    scenario,
    scenario_hash: '',
    scenario_version: '1',
    message: clean(`${machine}: ${what} from ${record.address}, blocked for ${seconds} s`),
    events_count: alert !== undefined ? Math.max(1, alert.packet_count) : 1,
    start_at: startAt,
    stop_at: at,
    capacity: 0,
    leakspeed: '0s',
    simulated: false,
    remediation: true,
    events: [{ timestamp: at, meta }],
    source: single ? { scope, value, ip: record.address } : { scope, value, range: record.network },
    decisions: [{ origin: machine, type: 'ban', scope, value, duration: formatGoDuration(seconds), scenario }],
  };
}

function firstSeen(alert: Alert): string | null {
  const t = alert.attack_details.first_seen;
  return typeof t === 'string' && Number.isFinite(Date.parse(t)) ? new Date(Date.parse(t)).toISOString() : null;
}

/** Reasons and messages can quote attacker text: one escaped line. */
function clean(text: string): string {
  return sanitizeForDisplay(text, { maxWidth: 200 });
}
