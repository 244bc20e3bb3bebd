import { type as osType, release as osRelease } from 'node:os';
import type { RunConfig } from '../config/run-config.js';
import { CidrSet } from '../net/cidr-set.js';
import { isoFromMicros } from './alerts/alert.js';
import type { AlertListener } from './alerts/alert-book.js';
import type { PacketSource, SourceEnd } from './capture/packet-source.js';
import type { EngineStats } from './engine-stats.js';
import type { PacketFeed } from './feed/packet-feed.js';
import { AlertEnricher } from './enrich/alert-enricher.js';
import type { ReverseDnsResolver } from './enrich/dns/index.js';
import type { GeoTagger } from './enrich/geo/index.js';
import { FlowProcessTagger } from './enrich/flow-process-tagger.js';
import type { ProcessOwnerLookup } from '../platform/process-owners/process-owner-lookup.js';
import { Pipeline } from './pipeline.js';
import type { ForensicRecorder } from './store/forensic/index.js';
import type { AddressBlocklist } from './detectors/blocklist/address-blocklist.js';

export interface EngineOptions {
  config: RunConfig;
  source: PacketSource;
  /** CIDRs that are ours, already resolved (live default: the host's addresses). */
  homeNet: string[] | null;
  onAlert: AlertListener;
  /**
   * Re-reads the home net while live (addresses come and go: DHCP, VPNs, late interfaces).
   * Only used when the home net was not given explicitly.
   */
  homeNetProvider?: () => string[];
  /** Recent-packet ring for a UI; omitted in headless mode. */
  feed?: PacketFeed;
  /** Country tags (geoip-lite, loaded lazily); null turns them off. */
  geo?: GeoTagger | null;
  /** Reverse DNS names of attackers; null turns them off. */
  reverseDns?: ReverseDnsResolver | null;
  /** Owner lookup for local sockets; used for live sources only. */
  processOwners?: ProcessOwnerLookup | null;
  /** Loaded blocklists (MALICIOUS_IP). */
  blocklists?: readonly AddressBlocklist[];
  /** Forensic pcaps per alert; the owner closes it after run(). */
  forensic?: ForensicRecorder | null;
}

/** How long the end of a replay waits for outstanding reverse-DNS answers. */
const SETTLE_ENRICHMENT_MS = 2000;

/** How often a live engine ticks from a timer when packets are scarce (idle flows, windows). */
const LIVE_TICK_MS = 1000;
/** How often a live engine re-reads the host's addresses for the default home net. */
const HOME_NET_REFRESH_MS = 3_000;

/**
 * One run: a packet source feeding the pipeline, plus the clocks around it. Used in-process by
 * headless mode and inside the engine process that the UI forks.
 */
export class Engine {
  readonly pipeline: Pipeline;
  readonly source: PacketSource;
  readonly geo: GeoTagger | null;
  private readonly reverseDns: ReverseDnsResolver | null;
  private readonly enricher: AlertEnricher;
  readonly processTagger: FlowProcessTagger | null;
  private readonly startedAt = performance.now();
  private timer: NodeJS.Timeout | null = null;
  private readonly homeNetProvider: (() => string[]) | null;
  private lastHomeNetRefresh = performance.now();

  constructor(options: EngineOptions) {
    this.source = options.source;
    this.geo = options.geo ?? null;
    this.reverseDns = options.reverseDns ?? null;
    this.enricher = new AlertEnricher(this.geo, this.reverseDns, (alert) => this.pipeline.alerts.changed(alert));
    const homeNet = options.homeNet === null ? null : CidrSet.parse(options.homeNet);
    // A replay's processes are long gone: only live capture names them.
    this.processTagger = options.processOwners && options.source.kind === 'live' ? new FlowProcessTagger(options.processOwners, homeNet) : null;
    if (this.processTagger === null) options.processOwners?.close();
    this.pipeline = new Pipeline({
      enricher: this.enricher,
      processTagger: this.processTagger,
      forensic: options.forensic ?? null,
      interfaceName: options.source.description,
      platformInfo: `${osType()} ${osRelease()}`,
      homeNet,
      flowCapacity: options.config.flows.capacity,
      flowIdleSeconds: options.config.flows.idleSeconds,
      portScan: options.config.thresholds.portScan,
      bruteForce: options.config.thresholds.bruteForce,
      flood: options.config.thresholds.flood,
      exfiltration: options.config.thresholds.exfiltration,
      distributedScan: options.config.thresholds.distributedScan,
      hostSweep: options.config.thresholds.hostSweep,
      slowScan: options.config.thresholds.slowScan,
      osFingerprint: options.config.thresholds.osFingerprint,
      blocklists: options.blocklists ?? [],
      payloadSignatures: { extraPatterns: options.config.signatures },
      onAlert: options.onAlert,
      feed: options.feed ?? null,
    });
    this.homeNetProvider = options.homeNetProvider ?? null;
  }

  /** Runs until the source ends; every pending alert update is passed on before it resolves. */
  async run(): Promise<SourceEnd> {
    if (this.source.kind === 'live' && this.geo !== null) {
      // Loading the geo database stalls the event loop (~0.1-0.3 s): do it before capture
      // starts rather than at the first public address under load.
      await this.geo.ready();
    }
    if (this.source.kind === 'live') {
      // Live packet time is wall time, so a quiet network still ages flows and windows.
      this.timer = setInterval(() => {
        this.pipeline.tick(Date.now() * 1000);
        this.refreshHomeNet();
      }, LIVE_TICK_MS);
      this.timer.unref();
    }
    try {
      return await this.source.start(this.pipeline.sink);
    } finally {
      if (this.timer !== null) clearInterval(this.timer);
      // Names still on their way belong in the alerts' last update.
      await this.enricher.settle(SETTLE_ENRICHMENT_MS);
      this.pipeline.finish();
    }
  }

  private refreshHomeNet(): void {
    if (this.homeNetProvider === null || performance.now() - this.lastHomeNetRefresh < HOME_NET_REFRESH_MS) return;
    this.lastHomeNetRefresh = performance.now();
    try {
      this.pipeline.setHomeNet(CidrSet.parse(this.homeNetProvider()));
    } catch {
      // Keep the previous home net if the host's tables cannot be read right now.
    }
  }

  stop(): void {
    this.source.stop();
  }

  /** Releases the enrichers (resolver timers); call once the run is over. */
  close(): void {
    this.enricher.close();
    this.reverseDns?.close();
    this.processTagger?.close();
  }

  stats(): EngineStats {
    const p = this.pipeline;
    const elapsed = (performance.now() - this.startedAt) / 1000;
    return {
      packets: p.packets,
      bytes: p.bytes,
      malformed: p.malformed.total,
      malformed_by_reason: p.malformed.toRecord(),
      non_ip: p.nonIp,
      dropped: this.source.stats().dropped,
      elapsed_s: Math.round(elapsed * 1000) / 1000,
      pps: elapsed > 0 ? Math.round(p.packets / elapsed) : 0,
      alerts: p.alerts.total,
      flows_active: p.flows.size,
      flows_evicted: p.flows.evicted,
      flows_expired: p.flows.expired,
      first_packet: p.firstTsMicros >= 0 ? isoFromMicros(p.firstTsMicros) : null,
      last_packet: p.firstTsMicros >= 0 ? isoFromMicros(p.lastTsMicros) : null,
    };
  }
}
