import { type as osType, release as osRelease } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { RunConfig } from '../config/run-config.js';
import { CidrSet } from '../net/cidr-set.js';
import { isoFromMicros } from '../model/alert.js';
import type { AlertListener } from './alerts/alert-book.js';
import type { PacketSource, SourceEnd } from './capture/packet-source.js';
import type { EngineStats } from '../model/engine-stats.js';
import type { PacketFeed } from './feed/packet-feed.js';
import { AlertEnricher } from '../enrich/alert-enricher.js';
import type { ReverseDnsResolver } from '../enrich/dns/index.js';
import type { GeoTagger } from '../enrich/geo/index.js';
import { FlowProcessTagger } from '../enrich/flow-process-tagger.js';
import type { ProcessOwnerLookup } from '../platform/process-owners/process-owner-lookup.js';
import { Pipeline } from './pipeline.js';
import type { ForensicRecorder } from '../store/forensic/index.js';
import type { AddressBlocklist } from './detectors/blocklist/address-blocklist.js';
import type { BlockManager } from '../response/block-manager.js';
import type { LogSource } from '../platform/logs/log-source.js';
import type { ProcessSampler } from '../platform/processes/proc-sampler.js';
import type { AuthBruteForceDetector } from './detectors/auth-log/auth-brute-force-detector.js';
import type { SuspiciousCommandDetector } from './detectors/auth-log/suspicious-command-detector.js';
import type { SuspiciousProcessDetector } from './detectors/host/suspicious-process-detector.js';
import { buildDetectors, reconfigureDetectors, type DetectorReload } from './detectors/build-detectors.js';
import { AuthLogMonitor } from './logs/auth-log-monitor.js';
import type { StreamTable } from './flows/streams/stream-table.js';

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
  /** Policy and blocking; the owner stops it after run(). */
  responder?: BlockManager | null;
  /** Auth log to watch (SSH/FTP brute force, SUSPICIOUS_COMMAND); null = none. */
  authLog?: LogSource | null;
  /** /proc sampler for SUSPICIOUS_PROCESS; used for live sources only. */
  processSampler?: ProcessSampler | null;
  /** attack_details.platform_info ("Linux 6.1.0"); default: this machine's. */
  platformInfo?: string;
  /** Failed writes of the history file so far (history_write_errors in the stats). */
  historyWriteErrors?: () => number;
}

/** How often the process list is sampled (SUSPICIOUS_PROCESS). */
const PROCESS_SAMPLE_MS = 5_000;

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
  /** Event-loop delay histogram, reset at every stats() call (10 ms resolution is plenty). */
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private rssPeak = 0;
  private readonly responder: BlockManager | null;
  private readonly historyWriteErrors: () => number;
  private timer: NodeJS.Timeout | null = null;
  private readonly homeNetProvider: (() => string[]) | null;
  private lastHomeNetRefresh = performance.now();
  readonly authLog: AuthLogMonitor | null;
  /** A UI watches the packet feed. */
  private readonly showsFeed: boolean;
  /** The config the detectors run with (replaced by reconfigure). */
  private config: RunConfig;
  private readonly processes: { sampler: ProcessSampler; detector: SuspiciousProcessDetector } | null;
  private processTimer: NodeJS.Timeout | null = null;

  constructor(options: EngineOptions) {
    this.source = options.source;
    this.geo = options.geo ?? null;
    this.reverseDns = options.reverseDns ?? null;
    const homeNet = options.homeNet === null ? null : CidrSet.parse(options.homeNet);
    // A replay's processes are long gone: only live capture names them.
    this.processTagger = options.processOwners && options.source.kind === 'live' ? new FlowProcessTagger(options.processOwners, homeNet) : null;
    if (this.processTagger === null) options.processOwners?.close();
    this.enricher = new AlertEnricher(this.geo, this.reverseDns, (alert) => this.pipeline.alerts.changed(alert), this.processTagger);
    this.responder = options.responder ?? null;
    this.historyWriteErrors = options.historyWriteErrors ?? (() => 0);
    this.loopDelay.enable();
    const live = options.source.kind === 'live';
    // A replay's processes are not the recorded host's: /proc is watched live only.
    const sampler = live ? (options.processSampler ?? null) : null;
    this.pipeline = new Pipeline({
      enricher: this.enricher,
      processTagger: this.processTagger,
      forensic: options.forensic ?? null,
      responder: options.responder ?? null,
      interfaceName: options.source.description,
      platformInfo: options.platformInfo ?? `${osType()} ${osRelease()}`,
      homeNet,
      flowCapacity: options.config.flows.capacity,
      streams: options.config.streams,
      flowIdleSeconds: options.config.flows.idleSeconds,
      detectors: (context) =>
        buildDetectors(options.config, {
          context,
          blocklists: options.blocklists ?? [],
          live,
          authLog: options.authLog != null,
          processSampling: sampler !== null,
          ownPid: process.pid,
        }),
      onAlert: options.onAlert,
      feed: options.feed ?? null,
    });
    this.config = options.config;
    this.showsFeed = options.feed !== undefined;
    this.homeNetProvider = options.homeNetProvider ?? null;

    // Detectors of other inputs raise into the same alert book as the packet detectors.
    const built = this.pipeline.detectors.byName;
    const bruteForce = built.get('authBruteForce') as AuthBruteForceDetector | undefined;
    const commands = built.get('suspiciousCommand') as SuspiciousCommandDetector | undefined;
    this.authLog = options.authLog && bruteForce && commands ? new AuthLogMonitor(options.authLog, bruteForce, commands) : null;
    const processDetector = built.get('suspiciousProcess') as SuspiciousProcessDetector | undefined;
    this.processes = sampler !== null && processDetector !== undefined ? { sampler, detector: processDetector } : null;
  }

  private startProcessSampling(): void {
    const p = this.processes;
    if (p === null) return;
    let busy = false;
    const sample = () => {
      if (busy) return;
      busy = true;
      p.sampler
        .sample()
        .then((samples) => p.detector.onSample(samples, Date.now() * 1000))
        .catch(() => undefined) // /proc unreadable for a moment: the next sample tries again
        .finally(() => (busy = false));
    };
    sample();
    this.processTimer = setInterval(sample, PROCESS_SAMPLE_MS);
    this.processTimer.unref();
  }

  /** Runs until the source ends; every pending alert update is passed on before it resolves. */
  /** `onCapturing` is called once the pipeline receives the source's packets. */
  async run(onCapturing?: () => void): Promise<SourceEnd> {
    if (this.geo !== null && (this.source.kind === 'live' || this.showsFeed)) {
      // Loading the geo database stalls the event loop (~0.1-0.3 s): do it before capture
      // starts rather than at the first public address under load. A UI's feed shows the
      // country of every row, so a replay it watches waits for the tables too.
      await this.geo.ready();
    }
    if (this.authLog !== null) {
      // A replay's log (given with --auth-log) is read in full before the packets, so the
      // alerts do not depend on which input finishes first; live, the follower keeps going.
      const reading = this.authLog.start();
      if (this.source.kind !== 'live') await reading;
    }
    this.startProcessSampling();
    if (this.source.kind === 'live') {
      // Live packet time is wall time, so a quiet network still ages flows and windows.
      this.timer = setInterval(() => {
        this.pipeline.tick(Date.now() * 1000);
        this.refreshHomeNet();
      }, LIVE_TICK_MS);
      this.timer.unref();
    }
    try {
      const ended = this.source.start(this.pipeline.sink);
      onCapturing?.();
      return await ended;
    } finally {
      if (this.timer !== null) clearInterval(this.timer);
      if (this.processTimer !== null) clearInterval(this.processTimer);
      this.authLog?.stop();
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

  /** Applies reloaded thresholds to the running detectors (SIGHUP); they keep their state. */
  reconfigure(config: RunConfig): DetectorReload {
    const report = reconfigureDetectors(this.pipeline.detectors, this.config, config);
    this.config = config;
    return report;
  }

  stop(): void {
    this.source.stop();
    this.authLog?.stop();
  }

  /** Releases the enrichers (resolver timers); call once the run is over. */
  close(): void {
    this.loopDelay.disable();
    this.enricher.close();
    this.reverseDns?.close();
    this.processTagger?.close();
  }

  private authLogStats(m: AuthLogMonitor): NonNullable<EngineStats['auth_log']> {
    const untrusted = m.source.untrusted ?? 0;
    return { lines: m.lines, failures: m.failures, commands: m.commands, oversized: m.oversized, ambiguous: m.ambiguous, unplaced: m.unplaced, untrusted, evicted_connections: m.evictedConnections };
  }

  stats(): EngineStats {
    const p = this.pipeline;
    const elapsed = (performance.now() - this.startedAt) / 1000;
    const h = this.loopDelay;
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.round(ns / 1e5) / 10 : 0);
    const lag = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
    h.reset();
    const rss = process.memoryUsage.rss();
    if (rss > this.rssPeak) this.rssPeak = rss;
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
      event_loop_lag_ms: lag,
      rss_mb: Math.round(rss / 2 ** 20),
      rss_peak_mb: Math.round(this.rssPeak / 2 ** 20),
      blocks_active: this.responder?.active().length ?? 0,
      history_write_errors: this.historyWriteErrors(),
      self_protection: this.responder?.selfProtectionProblem() ?? null,
      proofs_accepted: this.responder?.proven.accepted ?? 0,
      proofs_refused: this.responder === null ? 0 : Object.values(this.responder.proven.refused).reduce((a, b) => a + b, 0),
      ...(this.authLog !== null ? { auth_log: this.authLogStats(this.authLog) } : {}),
      streams: streamStats(p.streams),
      first_packet: p.firstTsMicros >= 0 ? isoFromMicros(p.firstTsMicros) : null,
      last_packet: p.firstTsMicros >= 0 ? isoFromMicros(p.lastTsMicros) : null,
    };
  }
}

/** The stream layer's counters for the stats line. */
function streamStats(t: StreamTable): NonNullable<EngineStats['streams']> {
  const s = t.stats;
  return {
    opened: s.opened,
    active: t.size,
    evicted: s.evicted,
    expired: s.expired,
    requests: s.requests,
    responses: s.responses,
    login_replies: s.loginReplies,
    out_of_order: s.outOfOrder,
    duplicate_bytes: s.duplicateBytes,
    lost_bytes: s.lostBytes,
    gaps: s.gaps,
    flow_overflows: s.flowOverflows,
    dropped_segments: s.droppedSegments,
    beyond_window: s.beyondWindow,
    heads_truncated: s.headsTruncated,
    budget_refused: t.budget.refused,
    held_bytes: t.budget.used,
    held_peak_bytes: t.budget.peak,
    budget_bytes: t.budget.max,
  };
}
