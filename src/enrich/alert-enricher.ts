import type { Alert } from '../model/alert.js';
import type { ReverseDnsResolver } from './dns/index.js';
import type { GeoTagger } from './geo/index.js';
import type { ProcessInfo } from '../platform/process-owners/process-owner-lookup.js';

/** Names the local process an alert is about (see FlowProcessTagger.processForAlert). */
export interface AlertProcessSource {
  processForAlert(alert: Alert): ProcessInfo | null | Promise<ProcessInfo | null>;
}

/** How long an update waits before asking again for a process that was not found. */
const PROCESS_RETRY_MS = 5000;

/**
 * Fills an alert's `country`, `reverse_dns` and `process` without ever waiting on the packet
 * path: the country at once when the geo database is loaded (else as soon as it is), the name
 * when the PTR answer arrives, the process at once when its socket's owner is cached (else when
 * the lookup answers). A late fill marks the alert changed, so it goes out as an update. An
 * update that moves the alert to another attacker (a DDoS's latest source) is enriched again.
 */
export class AlertEnricher {
  /** Alerts waiting for a name, by canonical attacker address. */
  private readonly waitingForName = new Map<string, Alert[]>();
  private readonly unsubscribe: (() => void) | null;
  /** Country fills waiting for the geo database to load. */
  private pendingCountries = 0;
  /** Process lookups under way. */
  private pendingProcesses = 0;
  private readonly processAskedAt = new WeakMap<Alert, number>();
  /** The attacker each alert was enriched for. */
  private readonly enrichedFor = new WeakMap<Alert, string>();

  constructor(
    private readonly geo: GeoTagger | null,
    private readonly dns: ReverseDnsResolver | null,
    private readonly changed: (alert: Alert) => void,
    private readonly processes: AlertProcessSource | null = null,
  ) {
    this.unsubscribe = dns?.onResolved((address, name) => this.nameResolved(address, name)) ?? null;
  }

  /** Called just before an alert is raised: what is known now goes into the first line. */
  enrich(alert: Alert): void {
    this.enrichedFor.set(alert, alert.attacker_ip);
    this.fillProcess(alert);
    this.fillCountry(alert);
    this.fillName(alert);
  }

  /**
   * Called when a detector updates an alert: an alert now about another attacker gets that
   * attacker's country and name (never the first attacker's), and a process still missing is
   * asked for again.
   */
  refresh(alert: Alert): void {
    if (alert.process === null) {
      // Detectors update some alerts on every packet: ask for the process again at most every few seconds.
      const now = performance.now();
      if (now - (this.processAskedAt.get(alert) ?? 0) >= PROCESS_RETRY_MS) this.fillProcess(alert);
    }
    const before = this.enrichedFor.get(alert);
    if (before === undefined || before === alert.attacker_ip) return;
    this.enrichedFor.set(alert, alert.attacker_ip);
    alert.country = null;
    alert.reverse_dns = null;
    this.fillCountry(alert);
    this.fillName(alert);
  }

  private fillProcess(alert: Alert): void {
    if (this.processes === null || alert.process !== null) return;
    this.processAskedAt.set(alert, performance.now());
    const found = this.processes.processForAlert(alert);
    if (found === null) return;
    if (!(found instanceof Promise)) {
      alert.process = found.name;
      return;
    }
    this.pendingProcesses++;
    void found.then(
      (info) => {
        this.pendingProcesses--;
        if (info === null || alert.process !== null) return;
        alert.process = info.name;
        this.changed(alert);
      },
      () => {
        this.pendingProcesses--;
      },
    );
  }

  private fillName(alert: Alert): void {
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
      if (!dnsBusy && this.pendingCountries === 0 && this.pendingProcesses === 0) return;
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
      // The alert may have moved to another attacker meanwhile; that one's fill is its own.
      if (this.enrichedFor.get(alert) !== undefined && this.enrichedFor.get(alert) !== alert.attacker_ip) return;
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
      if (alert.attacker_ip !== address || alert.reverse_dns === name) continue;
      alert.reverse_dns = name;
      this.changed(alert);
    }
  }
}
