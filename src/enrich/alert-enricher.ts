import type { Alert } from '../model/alert.js';
import type { ReverseDnsResolver } from './dns/index.js';
import type { GeoTagger } from './geo/index.js';

/**
 * Fills an alert's `country` and `reverse_dns` without ever waiting on the packet path: the
 * country at once when the geo database is loaded (else as soon as it is), the name when the
 * PTR answer arrives. A late fill marks the alert changed, so it goes out as an update.
 */
export class AlertEnricher {
  /** Alerts waiting for a name, by canonical attacker address. */
  private readonly waitingForName = new Map<string, Alert[]>();
  private readonly unsubscribe: (() => void) | null;
  /** Country fills waiting for the geo database to load. */
  private pendingCountries = 0;

  constructor(
    private readonly geo: GeoTagger | null,
    private readonly dns: ReverseDnsResolver | null,
    private readonly changed: (alert: Alert) => void,
  ) {
    this.unsubscribe = dns?.onResolved((address, name) => this.nameResolved(address, name)) ?? null;
  }

  /** Called just before an alert is raised: what is known now goes into the first line. */
  enrich(alert: Alert): void {
    this.fillCountry(alert);
    if (this.dns === null) return;
    const known = this.dns.get(alert.attacker_ip);
    if (known !== undefined) {
      alert.reverse_dns = known;
      return;
    }
    const list = this.waitingForName.get(alert.attacker_ip);
    if (list) list.push(alert);
    else {
      // Bounded by the resolver's own queue: a dropped request just never fills the name.
      if (this.waitingForName.size >= 4096) this.waitingForName.delete(this.waitingForName.keys().next().value as string);
      this.waitingForName.set(alert.attacker_ip, [alert]);
    }
    this.dns.request(alert.attacker_ip);
  }

  /** Resolves when no country or name is pending, or after `maxMs` (end of a replay). */
  async settle(maxMs: number): Promise<void> {
    const deadline = performance.now() + maxMs;
    while (performance.now() < deadline) {
      const dnsBusy = this.dns !== null && this.waitingForName.size > 0 && (this.dns.stats().queued > 0 || this.dns.stats().inFlight > 0);
      if (!dnsBusy && this.pendingCountries === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.unsubscribe?.();
    this.waitingForName.clear();
  }

  private fillCountry(alert: Alert): void {
    if (this.geo === null) return;
    const tag = this.geo.lookup(alert.attacker_ip);
    if (tag !== null) {
      alert.country = tag.country;
      return;
    }
    // The database is loading: fill in when it is there.
    this.pendingCountries++;
    void this.geo.ready().then(() => {
      this.pendingCountries--;
      const later = this.geo!.lookup(alert.attacker_ip);
      if (later !== null && later.country !== alert.country) {
        alert.country = later.country;
        this.changed(alert);
      }
    });
  }

  private nameResolved(address: string, name: string | null): void {
    const alerts = this.waitingForName.get(address);
    if (alerts === undefined) return;
    this.waitingForName.delete(address);
    for (const alert of alerts) {
      if (alert.reverse_dns === name) continue;
      alert.reverse_dns = name;
      this.changed(alert);
    }
  }
}
