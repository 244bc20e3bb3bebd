import type { CidrSet } from '../net/cidr-set.js';
import { AlertBook, type AlertListener } from './alerts/alert-book.js';
import type { PacketSink } from './capture/packet-source.js';
import { decodeFrame, DecodeResult } from './decode/decode-frame.js';
import { MalformedCounters } from './decode/malformed.js';
import { IpProto, Packet } from './decode/packet.js';
import type { DetectorContext, PacketDetector } from './detectors/detector.js';
import { BruteForceDetector, type BruteForceConfig } from './detectors/brute-force-detector.js';
import { ExfiltrationDetector, type ExfiltrationConfig } from './detectors/exfiltration-detector.js';
import { FloodDetector, type FloodConfig } from './detectors/flood-detector.js';
import { PayloadSignatureDetector, type PayloadSignatureConfig } from './detectors/payload-signature-detector.js';
import { PortScanDetector, type PortScanConfig } from './detectors/port-scan-detector.js';
import { DistributedScanDetector, type DistributedScanConfig } from './detectors/distributed-scan-detector.js';
import { HostSweepDetector, type HostSweepConfig } from './detectors/host-sweep-detector.js';
import { SlowScanDetector, type SlowScanConfig } from './detectors/slow-scan-detector.js';
import { OsFingerprintDetector, type OsFingerprintConfig } from './detectors/os-fingerprint-detector.js';
import { IpProtocolScanDetector } from './detectors/ip-protocol-scan-detector.js';
import { SuspiciousPortDetector, type SuspiciousPortConfig } from './detectors/suspicious-port-detector.js';
import { MaliciousIpDetector } from './detectors/malicious-ip-detector.js';
import type { AddressBlocklist } from './detectors/blocklist/address-blocklist.js';
import type { HttpRequestInfo } from '../model/flow-summary.js';
import type { AlertEnricher } from '../enrich/alert-enricher.js';
import type { FlowProcessTagger } from '../enrich/flow-process-tagger.js';
import type { ForensicRecorder } from '../store/forensic/index.js';
import type { PacketFeed } from './feed/packet-feed.js';
import { FlowEvent, FlowTable } from './flows/flow-table.js';
import type { BlockManager } from '../response/block-manager.js';
import { PROFILES, type DetectionThresholds } from '../config/profiles.js';

export interface PipelineOptions {
  interfaceName: string;
  platformInfo: string;
  homeNet: CidrSet | null;
  flowCapacity: number;
  flowIdleSeconds: number;
  portScan: PortScanConfig;
  bruteForce: BruteForceConfig;
  /** Extra signature patterns from the config file. */
  payloadSignatures?: PayloadSignatureConfig;
  /** Flood / DDoS / reflection thresholds; {} uses the defaults. */
  flood?: FloodConfig;
  /** Bytes leaving the home net per destination and window; needs a home net. */
  exfiltration?: ExfiltrationConfig;
  /** DISTRIBUTED_SCAN thresholds; the balanced profile's when absent. */
  distributedScan?: DistributedScanConfig;
  /** HOST_SWEEP thresholds; the balanced profile's when absent. */
  hostSweep?: HostSweepConfig;
  /** Slow PORT_SCAN thresholds (PORT_SCAN's own window marks what is fast); balanced when absent. */
  slowScan?: Omit<SlowScanConfig, 'fastWindowSeconds'>;
  /** OS_FINGERPRINT thresholds; the balanced profile's when absent. */
  osFingerprint?: OsFingerprintConfig;
  /** Loaded --blocklist files, one MALICIOUS_IP detector each. */
  blocklists?: readonly AddressBlocklist[];
  /** Risky ports (config key suspiciousPorts); {} uses the default table. */
  suspiciousPort?: SuspiciousPortConfig;
  onAlert: AlertListener;
  /** Seconds of packet time between updates of one ongoing alert. */
  alertUpdateSeconds?: number;
  /** Records recent packets for the UI's live feed; null in headless mode. */
  feed?: PacketFeed | null;
  /** Fills country and reverse DNS of alerts as they are raised. */
  enricher?: AlertEnricher | null;
  /** Names the local process of new flows (live only). */
  processTagger?: FlowProcessTagger | null;
  /** Keeps recent frames and writes each attacker's packets to a pcap per alert. */
  forensic?: ForensicRecorder | null;
  /** Decides each new alert's action (log / prompt / block) before it is published. */
  responder?: Pick<BlockManager, 'onAlert' | 'onPacketTime' | 'proven'> | null;
}

/** Every this many packets the packet path checks clocks itself: under a flood timers starve. */
export const TICK_EVERY_PACKETS = 4096;

/**
 * capture → decode → flows → detectors, for one packet at a time, on one thread. The hot path
 * (`sink`) allocates nothing for an ordinary packet: one reused Packet, typed-array flows.
 */
export class Pipeline {
  readonly packet = new Packet();
  readonly malformed = new MalformedCounters();
  readonly flows: FlowTable;
  readonly alerts: AlertBook;
  /** Every detector, for ticks and introspection. */
  readonly detectors: PacketDetector[];
  // The same detectors as typed fields: the packet path calls each from its own call site, which
  // V8 keeps monomorphic (one loop over six classes would be a megamorphic call per detector).
  private readonly portScan: PortScanDetector;
  private readonly distributedScan: DistributedScanDetector;
  private readonly hostSweep: HostSweepDetector;
  private readonly slowScan: SlowScanDetector;
  private readonly osFingerprint: OsFingerprintDetector;
  private readonly ipProtocolScan: IpProtocolScanDetector;
  private readonly flood: FloodDetector;
  private readonly bruteForce: BruteForceDetector;
  private readonly payload: PayloadSignatureDetector;
  private readonly exfiltration: ExfiltrationDetector;
  private readonly suspiciousPort: SuspiciousPortDetector;
  private readonly malicious: MaliciousIpDetector[];
  private readonly ctx: DetectorContext;
  /** Detectors fed by other inputs than packets (auth log, /proc); ticked with the others. */
  private readonly hostDetectors: { onTick(nowMicros: number): void }[] = [];
  private readonly flowIdleMicros: number;
  private readonly feed: PacketFeed | null;
  private readonly processTagger: FlowProcessTagger | null;
  private readonly forensic: ForensicRecorder | null;
  private readonly responder: PipelineOptions['responder'];

  packets = 0;
  bytes = 0;
  nonIp = 0;
  firstTsMicros = -1;
  lastTsMicros = 0;
  private untilTick = TICK_EVERY_PACKETS;
  /** Called from the packet path every TICK_EVERY_PACKETS packets, after the pipeline's own tick. */
  onPacketPathTick: (() => void) | null = null;

  constructor(options: PipelineOptions) {
    this.forensic = options.forensic ?? null;
    this.responder = options.responder ?? null;
    this.flows = new FlowTable(options.flowCapacity);
    this.flowIdleMicros = options.flowIdleSeconds * 1e6;
    this.feed = options.feed ?? null;
    this.processTagger = options.processTagger ?? null;
    this.alerts = new AlertBook(options.onAlert, (options.alertUpdateSeconds ?? 5) * 1e6);
    const ctx: DetectorContext = (this.ctx = {
      interfaceName: options.interfaceName,
      platformInfo: options.platformInfo,
      homeNet: options.homeNet,
      raise: (alert, now) => {
        options.enricher?.enrich(alert);
        this.responder?.onAlert(alert);
        this.alerts.raise(alert, now);
        this.forensic?.onAlert(alert);
      },
      changed: (alert) => this.alerts.changed(alert),
      find: (attackType, attacker) => this.alerts.find(attackType, attacker),
    });
    this.portScan = new PortScanDetector(options.portScan, ctx);
    const balanced = PROFILES.balanced.thresholds;
    this.distributedScan = new DistributedScanDetector(options.distributedScan ?? balanced.distributedScan, ctx);
    this.hostSweep = new HostSweepDetector(options.hostSweep ?? balanced.hostSweep, ctx);
    this.slowScan = new SlowScanDetector({ ...(options.slowScan ?? balanced.slowScan), fastWindowSeconds: options.portScan.windowSeconds }, ctx, this.portScan);
    this.osFingerprint = new OsFingerprintDetector(options.osFingerprint ?? balanced.osFingerprint, ctx);
    // nmap -sO is a port scan over protocol numbers: PORT_SCAN's count and window apply.
    this.ipProtocolScan = new IpProtocolScanDetector({ protocols: options.portScan.ports, windowSeconds: options.portScan.windowSeconds }, ctx);
    this.flood = new FloodDetector(options.flood ?? {}, ctx);
    this.bruteForce = new BruteForceDetector(options.bruteForce, ctx);
    this.payload = new PayloadSignatureDetector(options.payloadSignatures ?? {}, ctx);
    this.exfiltration = new ExfiltrationDetector(options.exfiltration ?? {}, ctx);
    this.suspiciousPort = new SuspiciousPortDetector(options.suspiciousPort ?? {}, ctx);
    this.malicious = (options.blocklists ?? []).map((blocklist) => new MaliciousIpDetector({ blocklist }, ctx));
    this.detectors = [this.portScan, this.distributedScan, this.hostSweep, this.slowScan, this.osFingerprint, this.ipProtocolScan, this.flood, this.bruteForce, this.payload, this.exfiltration, this.suspiciousPort, ...this.malicious];
  }

  /** Where detectors of other inputs (auth log, processes) raise into the same alert book. */
  get context(): DetectorContext {
    return this.ctx;
  }

  /** Ticks a detector of another input together with the packet detectors. */
  addHostDetector(detector: { onTick(nowMicros: number): void }): void {
    this.hostDetectors.push(detector);
  }

  /** Replaces what counts as ours; detectors read it per probe, so it applies at once. */
  setHomeNet(homeNet: CidrSet | null): void {
    this.ctx.homeNet = homeNet;
    this.processTagger?.setHomeNet(homeNet);
  }

  /**
   * New detection thresholds while running (SIGHUP): every detector keeps its state and applies
   * the new values from the next packet. Returns the settings that could not be applied live.
   */
  reconfigure(thresholds: DetectionThresholds): string[] {
    this.portScan.reconfigure(thresholds.portScan);
    this.bruteForce.reconfigure(thresholds.bruteForce);
    this.flood.reconfigure(thresholds.flood);
    return this.exfiltration.reconfigure(thresholds.exfiltration);
  }

  /** The PacketSink a source feeds. An arrow function so it can be handed out unbound. */
  readonly sink: PacketSink = (buf, offset, capLen, wireLen, tsMicros, linkType) => {
    this.packets++;
    this.bytes += wireLen;
    if (this.firstTsMicros < 0) this.firstTsMicros = tsMicros;
    if (tsMicros > this.lastTsMicros) this.lastTsMicros = tsMicros;
    const pkt = this.packet;
    const result = decodeFrame(pkt, buf, offset, capLen, wireLen, tsMicros, linkType, this.malformed);
    if (result === DecodeResult.IP) {
      // Ringed before the detectors run, so the frame that triggers an alert is in its pcap.
      if (this.forensic !== null) this.forensic.record(pkt, buf, offset);
      const slot = this.flows.update(pkt);
      const flows = this.flows;
      this.portScan.onPacket(pkt, flows, slot);
      if ((flows.lastEvents & FlowEvent.NEW) !== 0 || slot < 0 || pkt.proto === IpProto.ICMP) this.scanDetectors(pkt, flows, slot);
      this.flood.onPacket(pkt, flows, slot);
      this.bruteForce.onPacket(pkt, flows, slot);
      this.payload.onPacket(pkt, flows, slot);
      this.exfiltration.onPacket(pkt, flows, slot);
      this.suspiciousPort.onPacket(pkt, flows, slot);
      const malicious = this.malicious;
      for (let i = 0; i < malicious.length; i++) malicious[i]!.onPacket(pkt, flows, slot);
      // A handshake that acknowledged our SYN-ACK: the originator's address is real (auto-block proof).
      if ((this.flows.lastEvents & FlowEvent.SOURCE_PROVEN) !== 0 && this.responder != null) this.responder.proven.addWords(pkt.src0, pkt.src1, pkt.src2, pkt.src3, pkt.tsMicros);
      if (this.processTagger !== null && slot >= 0 && (this.flows.lastEvents & FlowEvent.NEW) !== 0) this.processTagger.onNewFlow(pkt, this.flows.uidOf(slot));
      if (this.feed !== null) this.feed.record(pkt, slot >= 0 ? this.flows.uidOf(slot) : 0, this.flows.lastHttp === null ? null : describeHttp(this.flows.lastHttp));
    } else if (result === DecodeResult.NOT_IP) {
      this.nonIp++;
    }
    if (--this.untilTick === 0) {
      this.untilTick = TICK_EVERY_PACKETS;
      this.tick(this.lastTsMicros);
      if (this.onPacketPathTick !== null) this.onPacketPathTick();
    }
  };

  /**
   * The scan detectors beyond PORT_SCAN only look at packets that open a flow (and ICMP, for echo
   * sweeps and nmap's IE probes): the rest of a conversation never reaches them. Out of `sink`
   * so its inlining budget goes to the per-packet work every packet needs.
   */
  private scanDetectors(pkt: Packet, flows: FlowTable, slot: number): void {
    this.distributedScan.onPacket(pkt, flows, slot);
    this.hostSweep.onPacket(pkt, flows, slot);
    this.slowScan.onPacket(pkt, flows, slot);
    this.osFingerprint.onPacket(pkt, flows, slot);
    this.ipProtocolScan.onPacket(pkt, flows, slot);
  }

  /** Housekeeping at packet time `nowMicros`: idle flows, detector windows, due alert updates. */
  tick(nowMicros: number): void {
    if (nowMicros <= 0) return;
    this.flows.expireIdle(nowMicros - this.flowIdleMicros);
    for (const d of this.detectors) d.onTick(nowMicros);
    for (const d of this.hostDetectors) d.onTick(nowMicros);
    this.alerts.tick(nowMicros);
    this.forensic?.tick(nowMicros);
    this.responder?.onPacketTime(nowMicros);
  }

  /** End of input: pass on every pending alert update. */
  finish(): void {
    this.tick(this.lastTsMicros);
    this.alerts.flush(this.lastTsMicros);
  }
}

/** One line for the feed: request line, then Host and User-Agent when present. Raw text: the UI sanitizes it. */
function describeHttp(h: HttpRequestInfo): string {
  let out = `${h.method} ${h.target}`;
  if (h.host !== null) out += ` Host: ${h.host}`;
  if (h.userAgent !== null) out += ` UA: ${h.userAgent}`;
  return out;
}
