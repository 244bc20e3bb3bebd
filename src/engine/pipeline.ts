import type { CidrSet } from '../net/cidr-set.js';
import { AlertBook, type AlertListener } from './alerts/alert-book.js';
import type { PacketSink } from './capture/packet-source.js';
import { decodeFrame, DecodeResult } from './decode/decode-frame.js';
import { decodeReassembled } from './decode/decode-reassembled.js';
import { Defragmenter, type DefragOptions } from './decode/defragmenter.js';
import type { FragmentAnomalyListener } from './decode/fragment-anomaly.js';
import { isFragmentAnomalyListener, isFragmentObserver, type FragmentObserver } from './detectors/fragment-observer.js';
import { MalformedCounters } from './decode/malformed.js';
import { IpProto, Packet, TcpFlag } from './decode/packet.js';
import type { DetectorContext, PacketDetector } from './detectors/detector.js';
import type { BuiltDetectors } from './detectors/build-detectors.js';
import type { HttpRequestInfo } from '../model/flow-summary.js';
import type { AlertEnricher } from '../enrich/alert-enricher.js';
import type { FlowProcessTagger } from '../enrich/flow-process-tagger.js';
import type { ForensicRecorder } from '../store/forensic/index.js';
import type { PacketFeed } from './feed/packet-feed.js';
import { FlowEvent, FlowTable } from './flows/flow-table.js';
import { StreamTable, type StreamLimits } from './flows/streams/stream-table.js';
import type { BlockManager } from '../response/block-manager.js';

export interface PipelineOptions {
  interfaceName: string;
  platformInfo: string;
  homeNet: CidrSet | null;
  flowCapacity: number;
  flowIdleSeconds: number;
  /** Builds the run's detectors over the pipeline's detector context (see detectors/build-detectors.ts). */
  detectors(context: DetectorContext): BuiltDetectors;
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
  responder?: Pick<BlockManager, 'onAlert' | 'onEvidence' | 'onFlowProven' | 'onPacketTime'> | null;
  /** Limits of the TCP stream layer (defaults: DEFAULT_STREAM_LIMITS). */
  streams?: Partial<StreamLimits>;
  /** Bounds of IP reassembly (defaults: DEFRAG_DEFAULTS). */
  defrag?: DefragOptions;
}

/** TCP flags that end a stream's direction: packets with them reach the stream layer even without data. */
const STREAM_FLAGS = TcpFlag.FIN | TcpFlag.RST;

/** Every this many packets the packet path checks clocks itself: under a flood timers starve. */
export const TICK_EVERY_PACKETS = 4096;

/**
 * capture → decode → flows → detectors, for one packet at a time, on one thread. The hot path
 * (`sink`) allocates nothing for an ordinary packet: one reused Packet, typed-array flows.
 */
export class Pipeline {
  readonly packet = new Packet();
  readonly malformed = new MalformedCounters();
  /** IP fragments are reassembled here; detectors see the datagram. */
  readonly defrag: Defragmenter;
  readonly flows: FlowTable;
  /** Reassembled TCP streams of the inspected flows (HTTP, FTP, POP3, IMAP, SMTP). */
  readonly streams: StreamTable;
  readonly alerts: AlertBook;
  /** The run's detectors, by stage and by name. */
  readonly detectors: BuiltDetectors;
  private readonly packetStage: readonly PacketDetector[];
  private readonly flowStartStage: readonly PacketDetector[];
  /** Detectors that also count fragments as they arrive (fragment floods). */
  private readonly fragmentStage: readonly FragmentObserver[];
  private readonly packetBeforeFlowStart: number;
  private readonly ctx: DetectorContext;
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
  /** The flow of the packet the detectors are looking at (-1 outside): what an alert's evidence came in. */
  private evidenceSlot = -1;
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
        this.responder?.onAlert(alert, this.flows, this.evidenceSlot);
        // Started before the alert goes out, so its first line names the file (pcap_file).
        const pcap = this.forensic?.onAlert(alert) ?? null;
        if (pcap !== null) alert.attack_details.pcap_file = pcap;
        this.alerts.raise(alert, now);
      },
      changed: (alert) => {
        options.enricher?.refresh(alert);
        if (this.evidenceSlot >= 0) this.responder?.onEvidence(alert, this.flows, this.evidenceSlot);
        this.alerts.changed(alert);
      },
      find: (attackType, attacker) => this.alerts.find(attackType, attacker),
    });
    this.detectors = options.detectors(ctx);
    this.packetStage = this.detectors.packet;
    this.flowStartStage = this.detectors.flowStart;
    this.packetBeforeFlowStart = this.detectors.packetBeforeFlowStart;
    this.fragmentStage = this.detectors.all.filter(isFragmentObserver);
    this.defrag = new Defragmenter(options.defrag);
    const listeners: FragmentAnomalyListener[] = this.detectors.all.filter(isFragmentAnomalyListener);
    if (listeners.length > 0)
      this.defrag.listener = {
        onFragmentAnomaly: (kind, addrs, proto, ts) => {
          for (const l of listeners) l.onFragmentAnomaly(kind, addrs, proto, ts);
        },
      };
    this.streams = new StreamTable(this.flows.capacity, this.detectors.streamListeners, options.streams ?? {});
  }

  /** Where detectors of other inputs (auth log, processes) raise into the same alert book. */
  get context(): DetectorContext {
    return this.ctx;
  }

  /** Replaces what counts as ours; detectors read it per probe, so it applies at once. */
  setHomeNet(homeNet: CidrSet | null): void {
    this.ctx.homeNet = homeNet;
    this.processTagger?.setHomeNet(homeNet);
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
      if (pkt.isFragment) this.fragment(pkt, buf, offset);
      else {
        // Ringed before the detectors run, so the frame that triggers an alert is in its pcap.
        if (this.forensic !== null) this.forensic.record(pkt, buf, offset);
        const slot = this.detect(pkt);
        if (this.feed !== null) this.feed.record(pkt, slot >= 0 ? this.flows.uidOf(slot) : 0, this.flows.lastHttp === null ? null : describeHttp(this.flows.lastHttp));
      }
    } else if (result === DecodeResult.NOT_IP) {
      this.nonIp++;
    }
    if (--this.untilTick === 0) {
      this.untilTick = TICK_EVERY_PACKETS;
      this.tick(this.lastTsMicros);
      if (this.onPacketPathTick !== null) this.onPacketPathTick();
    }
  };

  /** flows → detectors for one decoded IP packet (a captured one or a reassembled datagram); returns its flow slot. */
  private detect(pkt: Packet): number {
    const slot = this.flows.update(pkt);
    const flows = this.flows;
    const stage = this.packetStage;
    const early = this.packetBeforeFlowStart;
    // A handshake that acknowledged our SYN-ACK proves this flow's source (auto-block proof):
    // handed over before the detectors count this packet, so evidence in it counts as proven.
    if ((flows.lastEvents & FlowEvent.SOURCE_PROVEN) !== 0 && this.responder != null) this.responder.onFlowProven(flows, slot);
    this.evidenceSlot = slot;
    // Streams see TCP data, FIN and RST only: a bare SYN or ACK costs them nothing. Their
    // alerts (requests, replies) have this packet's flow as evidence, as the detectors' do.
    if (slot >= 0 && pkt.proto === IpProto.TCP && (pkt.payloadLen > 0 || (pkt.tcpFlags & STREAM_FLAGS) !== 0)) this.streams.onSegment(pkt, flows, slot);
    for (let i = 0; i < early; i++) stage[i]!.onPacket(pkt, flows, slot);
    if ((flows.lastEvents & FlowEvent.NEW) !== 0 || slot < 0 || pkt.proto === IpProto.ICMP) this.flowStart(pkt, flows, slot);
    for (let i = early; i < stage.length; i++) stage[i]!.onPacket(pkt, flows, slot);
    this.evidenceSlot = -1;
    if (this.processTagger !== null && slot >= 0 && (flows.lastEvents & FlowEvent.NEW) !== 0) this.processTagger.onNewFlow(pkt, flows.uidOf(slot));
    return slot;
  }

  /**
   * One IP fragment: recorded (forensic ring, feed) as captured, counted by the fragment stage,
   * then handed to the defragmenter; the datagram it completes, if any, goes through flows and
   * detectors as one packet.
   */
  private fragment(pkt: Packet, buf: Buffer, offset: number): void {
    if (this.forensic !== null) this.forensic.record(pkt, buf, offset);
    if (this.feed !== null) this.feed.record(pkt, 0, null);
    const stage = this.fragmentStage;
    for (let i = 0; i < stage.length; i++) stage[i]!.onFragment(pkt);
    if (!this.defrag.add(pkt)) return;
    if (decodeReassembled(pkt, this.defrag, this.malformed) === DecodeResult.IP) this.detect(pkt);
  }

  /**
   * The detectors that only look at packets that open a flow (and ICMP, for echo sweeps and
   * nmap's IE probes): the rest of a conversation never reaches them. Out of `sink` so its
   * inlining budget goes to the per-packet work every packet needs.
   */
  private flowStart(pkt: Packet, flows: FlowTable, slot: number): void {
    const stage = this.flowStartStage;
    for (let i = 0; i < stage.length; i++) stage[i]!.onPacket(pkt, flows, slot);
  }

  /** Housekeeping at packet time `nowMicros`: idle flows, detector windows, due alert updates. */
  tick(nowMicros: number): void {
    if (nowMicros <= 0) return;
    this.flows.expireIdle(nowMicros - this.flowIdleMicros);
    this.streams.tick(nowMicros);
    this.defrag.expire(nowMicros);
    for (const d of this.detectors.all) d.onTick(nowMicros);
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
