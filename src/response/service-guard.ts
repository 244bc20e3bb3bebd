import type { AttackType } from '../model/alert.js';
import type { ServicePort } from '../host/host.js';
import type { ResponseEvent, ServiceEvent } from '../model/response-event.js';

/**
 * Opt-in (config `stopServices`, e.g. {"SSH_BRUTE_FORCE": "ssh"}): while an attack of that type
 * is blocked, its service is stopped; when the attack is noticed to have stopped, the service is
 * started again. A unit is stopped once however many attacks overlap, and started again only
 * when the last of them stopped. Existing sessions of sshd survive `systemctl stop ssh` (its
 * unit kills only the listener), so an admin logged in stays logged in.
 */
export class ServiceGuard {
  /** Unit → alerts that keep it stopped. */
  private readonly holding = new Map<string, Set<string>>();

  constructor(
    private readonly units: Partial<Record<AttackType, string>>,
    private readonly control: ServicePort,
    private readonly emit: (event: ServiceEvent) => void,
  ) {}

  onResponseEvent(event: ResponseEvent): void {
    if (event.event_type === 'block' && event.action === 'blocked' && event.attack_type !== null && event.alert_id !== null) {
      const unit = this.units[event.attack_type as AttackType];
      if (unit === undefined) return;
      const holders = this.holding.get(unit) ?? new Set<string>();
      const first = holders.size === 0;
      holders.add(event.alert_id);
      this.holding.set(unit, holders);
      if (first) void this.change(unit, 'stop', event.attack_type, event.alert_id);
    } else if (event.event_type === 'attack_stopped') {
      for (const [unit, holders] of this.holding) {
        if (!holders.delete(event.alert_id) || holders.size > 0) continue;
        this.holding.delete(unit);
        void this.change(unit, 'start', event.attack_type, event.alert_id);
      }
    }
  }

  private async change(unit: string, what: 'stop' | 'start', attackType: string, alertId: string): Promise<void> {
    const base = { event_type: 'service' as const, timestamp: new Date().toISOString(), unit, attack_type: attackType, alert_id: alertId };
    try {
      await (what === 'stop' ? this.control.stop(unit) : this.control.start(unit));
      this.emit({ ...base, action: what === 'stop' ? 'stopped' : 'started', detail: null });
    } catch (e) {
      this.emit({ ...base, action: what === 'stop' ? 'stop_failed' : 'start_failed', detail: (e as Error).message });
    }
  }
}
