import { sanitizeForDisplay } from '../../text/display-sanitizer.js';
import type { NotifyEvent } from './notify-event.js';

/** Longest piece of attacker-influenced text in a notification (a title or body line). */
const MAX_FIELD = 200;

/**
 * Makes untrusted text (reverse-DNS names, process names, reasons) safe to put in a notification:
 * control characters, bidi overrides, zero-width and separator characters are shown as `\u{…}`
 * escapes (not dropped, so the attack stays visible), and the length is capped. Channel-specific
 * quoting (AppleScript, PowerShell, Slack) happens after this, in each channel.
 */
export function cleanText(text: string, max = MAX_FIELD): string {
  // The one display sanitizer, as for every other output.
  return sanitizeForDisplay(text, { maxWidth: max });
}

/** Title and body of the human-readable message of an event (every field already cleaned). */
export function eventText(event: NotifyEvent): { title: string; body: string } {
  switch (event.kind) {
    case 'alert': {
      const a = event.alert;
      const where = a.target_port !== null ? `${a.target_ip}:${a.target_port}` : a.target_ip;
      const extra = [a.country ? `country ${a.country}` : '', a.reverse_dns ? `rdns ${a.reverse_dns}` : '', a.process ? `process ${a.process}` : '']
        .filter((s) => s !== '')
        .join(', ');
      return {
        title: cleanText(`snoopy-tui: ${a.attack_type} (${a.severity})`),
        body: cleanText(`${a.attacker_ip} → ${where ?? '?'}: ${a.packet_count} packets, action ${a.action}${extra ? `; ${extra}` : ''}`, 400),
      };
    }
    case 'block':
      return {
        title: cleanText(`snoopy-tui: ${event.block.action === 'blocked' ? 'blocked' : 'would block (dry run)'} ${event.block.address}`),
        body: cleanText(`${event.block.reason}; until ${new Date(event.block.expiresAt).toISOString()}`, 400),
      };
    case 'test':
      return { title: 'snoopy-tui: test notification', body: `Sent by snoopy-tui --test-alerts at ${event.at}` };
  }
}

/** One line for chat channels (Slack, Telegram): title, then body. */
export function eventLine(event: NotifyEvent): string {
  const { title, body } = eventText(event);
  return `${title}\n${body}`;
}
