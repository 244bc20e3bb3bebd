import type { Alert } from '../../model/alert.js';
import { cleanText } from '../notify/notify-text.js';

/**
 * -v: one human-readable line per new alert on stderr, beside the JSON on
 * stdout. Names from DNS and processes are attacker-influenced: controls are escaped, length capped.
 */
export function verboseAlertLine(alert: Alert): string {
  const target = alert.target_ip === null ? '' : ` -> ${alert.target_ip}${alert.target_port !== null ? `:${alert.target_port}` : ''}`;
  const d = alert.attack_details;
  const what = d.scan_type !== undefined ? ` ${d.scan_type}${d.ports_count !== undefined ? ` ${d.ports_count} ports` : ''}` : d.service ? ` ${d.service}` : '';
  const tags = [alert.country, alert.reverse_dns, alert.process].filter((t): t is string => t !== null && t !== '');
  const line = `${alert.timestamp} ${alert.severity.toUpperCase()} ${alert.attack_type}${what} from ${alert.attacker_ip}${target}, ${alert.packet_count} packets, ${alert.action}${tags.length > 0 ? ` [${tags.join(', ')}]` : ''}`;
  return `snoopy-tui: alert: ${cleanText(line, 400)}`;
}
