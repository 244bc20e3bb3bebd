/**
 * Everything OS-bound a run needs, in one place: live capture, the host's addresses, what must
 * never be blocked, the firewall, fail2ban and systemd, process owners and samples, the auth
 * log, the country tables, DNS and the notification transports. The real one is system-host.ts;
 * tests pass a fake one and run a whole engine in process, fast and without root.
 */
import type { PacketSource } from '../engine/capture/packet-source.js';
import type { LiveCaptureOptions } from '../engine/capture/live/live-capture-source.js';
import type { GeoLookupFn } from '../enrich/geo/index.js';
import type { PtrResolver } from '../enrich/dns/index.js';
import type { ProtectedSources } from '../response/protected-addresses.js';
import type { ChosenFirewall, FirewallChoice } from '../platform/firewall/choose-firewall.js';
import type { IptablesVariant } from '../platform/firewall/iptables-firewall.js';
import type { LogSource } from '../platform/logs/log-source.js';
import type { ProcessOwnerLookup } from '../platform/process-owners/process-owner-lookup.js';
import type { ProcessSampler } from '../platform/processes/proc-sampler.js';
import type { CommandRunner } from '../platform/exec/run-command.js';

/** Bans handed on to fail2ban (when it is installed). */
export interface Fail2banPort {
  ban(address: string): Promise<boolean>;
}

/** systemd units stopped and started during an attack (opt-in). */
export interface ServicePort {
  stop(unit: string): Promise<void>;
  start(unit: string): Promise<void>;
}

export interface Host {
  /** attack_details.platform_info, e.g. "Linux 6.1.0". */
  readonly platformInfo: string;
  /** Our own process id (never reported as a suspicious process). */
  readonly pid: number;
  /** Live capture on an interface; throws SourceOpenError (one line) when it cannot. */
  openLiveCapture(options: LiveCaptureOptions): Promise<PacketSource>;
  /** This host's addresses as CIDRs: the default home net of a live run, re-read while it runs. */
  interfaceAddresses(): string[];
  /** Addresses that must never be blocked: own, gateways, resolvers, live SSH peers. */
  protectedSources(): ProtectedSources;
  /** The firewall backend for a choice (auto probes nftables, iptables + ipset, pf, netsh). */
  chooseFirewall(choice: FirewallChoice, variant: IptablesVariant): Promise<ChosenFirewall>;
  /** fail2ban-client for a jail, or null when fail2ban is not installed. */
  fail2ban(jail: string, warn: (line: string) => void): Fail2banPort | null;
  serviceControl(): ServicePort;
  /** Names the local process of a socket. */
  processOwners(): ProcessOwnerLookup;
  /** Samples the process list (SUSPICIOUS_PROCESS). */
  processSampler(): ProcessSampler;
  /** The auth log a run watches: a file, journald, or none (`option` as --auth-log gives it). */
  openAuthLog(option: string | null, live: boolean, warn: (line: string) => void): LogSource | null;
  /** The country tables, loaded once and lazily. */
  loadCountryDatabase(): Promise<GeoLookupFn>;
  /** A DNS resolver for PTR names (one per run; its queries are cancelled when the run ends). */
  dnsResolver(): PtrResolver;
  /** Runs a command given as an argv array (notifications: notify-send, logger). */
  readonly runCommand: CommandRunner;
  /** HTTP for webhooks, Slack, Telegram. */
  readonly fetch: typeof fetch;
}
