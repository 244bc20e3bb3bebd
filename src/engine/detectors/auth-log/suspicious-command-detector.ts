import type { PrivilegedCommand } from '../../logs/auth-events.js';
import type { Alert } from '../../../model/alert.js';
import { sanitizeForDisplay } from '../../../text/display-sanitizer.js';
import type { DetectorContext } from '../detector.js';
import { matchCommand, type CommandPattern } from '../host/suspicious-commands.js';
import { newAlert } from '../new-alert.js';
import type { DetectorDescriptor } from '../detector-descriptor.js';
import { compileCommandPatterns } from '../host/suspicious-commands.js';

/** Local activity has no remote attacker: the alert names the loopback address, which is never blocked. */
export const LOCAL_ATTACKER = '127.0.0.1';
const MAX_ALERTS = 1024;
/** Columns of command text kept in an alert (attacker-chosen: escaped like every log text). */
const MAX_COMMAND_IN_ALERT = 1024;

/**
 * SUSPICIOUS_COMMAND from commands the auth log records (sudo's COMMAND=): one alert per user and
 * pattern, updated with a count and the latest command while it goes on.
 */
export class SuspiciousCommandDetector {
  private readonly alerts = new Map<string, Alert>();

  constructor(
    private readonly patterns: readonly CommandPattern[],
    private readonly ctx: DetectorContext,
  ) {}

  onCommand(ev: PrivilegedCommand, ts: number): void {
    const pattern = matchCommand(this.patterns, ev.command);
    if (pattern === null) return;
    const key = `${ev.user}|${pattern.name}`;
    const command = sanitizeForDisplay(ev.command, { maxWidth: MAX_COMMAND_IN_ALERT });
    const runAs = ev.runAs === null ? null : sanitizeForDisplay(ev.runAs, { maxWidth: 64 });
    const existing = this.alerts.get(key);
    if (existing !== undefined) {
      const d = existing.attack_details;
      d.count = (d.count as number) + 1;
      d.command = command;
      d.run_as = runAs;
      existing.packet_count = d.count as number;
      existing.duration = Math.max(0, Math.round((ts / 1000 - Date.parse(d.first_seen)) ) / 1000);
      this.ctx.changed(existing);
      return;
    }
    if (this.alerts.size >= MAX_ALERTS) this.alerts.delete(this.alerts.keys().next().value as string);
    const alert = newAlert(this.ctx, {
      attackType: 'SUSPICIOUS_COMMAND',
      severity: 'high',
      attacker: LOCAL_ATTACKER,
      nowMicros: ts,
      details: { source: 'auth_log', pattern: pattern.name, command, user: sanitizeForDisplay(ev.user, { maxWidth: 64 }), run_as: runAs, via: ev.program, count: 1 },
    });
    alert.packet_count = 1;
    this.alerts.set(key, alert);
    this.ctx.raise(alert, ts);
  }
}

/** SUSPICIOUS_COMMAND from the auth log; extra patterns from config key `suspiciousCommands`. */
export const suspiciousCommandDescriptor: DetectorDescriptor<'suspiciousCommand', undefined, SuspiciousCommandDetector> = {
  name: 'suspiciousCommand',
  stage: 'host',
  create: (_settings, inputs) => (inputs.authLog ? new SuspiciousCommandDetector(compileCommandPatterns(inputs.config.suspiciousCommands), inputs.context) : null),
};
