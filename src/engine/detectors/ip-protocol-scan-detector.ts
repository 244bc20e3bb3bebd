import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { isoFromMicros, roundSeconds, type Alert } from '../../model/alert.js';
import { IpProto, type Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { SourceTargetPairs, type SourceTargetPair } from './source-target-pairs.js';
import type { DetectorDescriptor } from './detector-descriptor.js';

export interface IpProtocolScanConfig {
  /** Distinct IP protocol numbers one source must send one target within the window (PORT_SCAN's port count). */
  protocols: number;
  windowSeconds: number;
  /** (source, target) pairs with state; past it the oldest is evicted (and counted). */
  maxPairs?: number;
}

/** One (source, target) pair that sent a protocol other than TCP, UDP and ICMP. Reused after eviction. */
class ProtocolPair implements SourceTargetPair {
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  /** One bit per protocol number. */
  readonly seen = new Uint32Array(8);
  count = 0;
  probes = 0;
  firstSeen = 0;
  lastSeen = 0;
  alert: Alert | null = null;
}

/**
 * PORT_SCAN with scan_type IP_PROTOCOL (nmap -sO): one source sends one target IP packets of
 * many different protocol numbers. Only protocols other than TCP, UDP, ICMP and ICMPv6 count
 * (and create state): ordinary traffic costs one comparison, and hosts that legitimately talk
 * GRE, ESP, OSPF, VRRP or SCTP use a handful. nmap sends all 256 (ports_count here counts
 * protocol numbers, as nmap's own report lists them in place of ports).
 *
 * A separate alert from a TCP/UDP PORT_SCAN of the same attacker (a different scan type).
 * Pairs are bounded by maxPairs, the oldest evicted (counted) and its object reused.
 */
export class IpProtocolScanDetector implements PacketDetector {
  readonly name = 'ip-protocol-scan';
  private threshold: number;
  private windowMicros: number;
  private readonly ctx: DetectorContext;
  private readonly pairs: SourceTargetPairs<ProtocolPair>;

  constructor(config: IpProtocolScanConfig, ctx: DetectorContext) {
    this.threshold = Math.max(2, config.protocols);
    this.windowMicros = config.windowSeconds * 1e6;
    this.pairs = new SourceTargetPairs(Math.max(1, config.maxPairs ?? 1024), () => new ProtocolPair(), clearCounts);
    this.ctx = ctx;
  }

  /** New thresholds (SIGHUP); pairs keep their state. */
  reconfigure(config: Pick<IpProtocolScanConfig, 'protocols' | 'windowSeconds'>): void {
    this.threshold = Math.max(2, config.protocols);
    this.windowMicros = config.windowSeconds * 1e6;
  }

  get trackedPairs(): number {
    return this.pairs.size;
  }

  get evictedPairs(): number {
    return this.pairs.evicted;
  }

  onPacket(pkt: Packet, _flows: FlowTable, _slot: number): void {
    const proto = pkt.proto;
    if (proto === IpProto.TCP || proto === IpProto.UDP || proto === IpProto.ICMP || proto === IpProto.ICMPV6 || pkt.ipVersion === 0 || pkt.isLaterFragment) return;
    const home = this.ctx.homeNet;
    if (home !== null && !home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) return;
    const ts = pkt.tsMicros;
    const pair = this.pairs.of(pkt, ts);
    if (pair.alert === null && ts - pair.firstSeen > this.windowMicros) {
      // A new window: what this pair sent long ago does not add up to a scan now.
      clearCounts(pair);
      pair.firstSeen = ts;
    }
    pair.probes++;
    if (ts > pair.lastSeen) pair.lastSeen = ts;
    const w = proto >>> 5;
    const m = 1 << (proto & 31);
    const isNew = (pair.seen[w]! & m) === 0;
    if (isNew) {
      pair.seen[w]! |= m;
      pair.count++;
    }
    if (pair.alert !== null) {
      this.fill(pair);
      if (isNew) this.ctx.changed(pair.alert);
    } else if (pair.count >= this.threshold) {
      pair.alert = newAlert(this.ctx, {
        attackType: 'PORT_SCAN',
        severity: 'medium',
        attacker: formatAddress(pair.src[0]!, pair.src[1]!, pair.src[2]!, pair.src[3]!),
        nowMicros: ts,
        firstSeenMicros: pair.firstSeen,
        target: formatAddress(pair.dst[0]!, pair.dst[1]!, pair.dst[2]!, pair.dst[3]!),
        protocol: 'ip',
        details: { scan_type: 'IP_PROTOCOL', ports_count: 0, protocols_count: 0, targets_count: 1 },
      });
      this.fill(pair);
      this.ctx.raise(pair.alert, ts);
    }
  }

  private fill(pair: ProtocolPair): void {
    const a = pair.alert!;
    a.packet_count = pair.probes;
    a.duration = roundSeconds((pair.lastSeen - pair.firstSeen) / 1e6);
    a.severity = pair.count >= 100 ? 'high' : 'medium';
    a.attack_details.first_seen = isoFromMicros(pair.firstSeen);
    a.attack_details.ports_count = pair.count;
    a.attack_details.protocols_count = pair.count;
  }

  onTick(nowMicros: number): void {
    this.pairs.sweep(nowMicros, this.windowMicros);
  }
}

function clearCounts(pair: ProtocolPair): void {
  pair.seen.fill(0);
  pair.count = 0;
  pair.probes = 0;
}

/** nmap -sO is a port scan over protocol numbers: PORT_SCAN's count and window apply. */
export const ipProtocolScanDescriptor: DetectorDescriptor<'ipProtocolScan', undefined, IpProtocolScanDetector> = {
  name: 'ipProtocolScan',
  stage: 'flowStart',
  create: (_settings, inputs) => new IpProtocolScanDetector({ protocols: inputs.config.thresholds.portScan.ports, windowSeconds: inputs.config.thresholds.portScan.windowSeconds }, inputs.context),
  reconfigure: (detector, _settings, config) => (detector.reconfigure({ protocols: config.thresholds.portScan.ports, windowSeconds: config.thresholds.portScan.windowSeconds }), []),
};
