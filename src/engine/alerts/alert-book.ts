import { randomUUID } from 'node:crypto';
import type { Alert, AttackType } from '../../model/alert.js';

/** What the engine passes on: a new alert, or a changed one (same id) while the attack goes on. */
export type AlertListener = (alert: Alert, kind: 'new' | 'update') => void;

/**
 * Keeps the alerts raised so far and decides when changes are passed on: a new alert at once,
 * updates at most once per `updateIntervalMicros` of packet time per alert, and every pending
 * update on flush() (end of a replay, shutdown). Bounded: the oldest alerts are forgotten
 * (their updates stop) past `maxAlerts`.
 */
export class AlertBook {
  private readonly alerts = new Map<string, { alert: Alert; emittedAt: number; dirty: boolean }>();
  private readonly dirty = new Set<string>();
  /** The latest alert per (attack type, attacker): detectors of other inputs (auth logs) join it. */
  private readonly latestByAttack = new Map<string, string>();
  total = 0;
  forgotten = 0;

  constructor(
    private readonly listener: AlertListener,
    private readonly updateIntervalMicros = 5_000_000,
    private readonly maxAlerts = 10_000,
  ) {}

  static newId(): string {
    return randomUUID();
  }

  raise(alert: Alert, nowMicros: number): void {
    if (this.alerts.size >= this.maxAlerts) {
      const oldest = this.alerts.keys().next().value as string;
      const gone = this.alerts.get(oldest)!.alert;
      this.alerts.delete(oldest);
      this.dirty.delete(oldest);
      const key = attackKey(gone.attack_type, gone.attacker_ip);
      if (this.latestByAttack.get(key) === oldest) this.latestByAttack.delete(key);
      this.forgotten++;
    }
    this.alerts.set(alert.id, { alert, emittedAt: nowMicros, dirty: false });
    this.latestByAttack.set(attackKey(alert.attack_type, alert.attacker_ip), alert.id);
    this.total++;
    this.listener(alert, 'new');
  }

  /** The detector changed the alert in place. */
  changed(alert: Alert): void {
    const entry = this.alerts.get(alert.id);
    if (entry === undefined) return;
    entry.dirty = true;
    this.dirty.add(alert.id);
  }

  /** Passes on updates that are due at `nowMicros` (packet time). */
  tick(nowMicros: number): void {
    if (this.dirty.size === 0) return;
    for (const id of this.dirty) {
      const entry = this.alerts.get(id)!;
      if (nowMicros - entry.emittedAt < this.updateIntervalMicros) continue;
      this.emitUpdate(id, entry, nowMicros);
    }
  }

  flush(nowMicros: number): void {
    for (const id of this.dirty) this.emitUpdate(id, this.alerts.get(id)!, nowMicros);
  }

  private emitUpdate(id: string, entry: { alert: Alert; emittedAt: number; dirty: boolean }, nowMicros: number): void {
    entry.dirty = false;
    entry.emittedAt = nowMicros;
    this.dirty.delete(id);
    this.listener(entry.alert, 'update');
  }

  /** The latest alert raised for this attacker and attack type, whichever detector raised it. */
  find(attackType: AttackType, attacker: string): Alert | null {
    const id = this.latestByAttack.get(attackKey(attackType, attacker));
    return id === undefined ? null : (this.alerts.get(id)?.alert ?? null);
  }

  list(): Alert[] {
    return [...this.alerts.values()].map((e) => e.alert);
  }
}

function attackKey(attackType: AttackType, attacker: string): string {
  return `${attackType}|${attacker}`;
}
