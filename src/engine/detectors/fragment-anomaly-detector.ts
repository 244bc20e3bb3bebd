import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { roundSeconds, isoFromMicros, type Alert } from '../../model/alert.js';
import { IpProto } from '../decode/packet.js';
import { FRAGMENT_ANOMALY_KINDS, FRAGMENT_ANOMALY_NAMES, FragmentAnomaly, type FragmentAnomalyListener } from '../decode/fragment-anomaly.js';
import type { DetectorContext } from './detector.js';
import { positiveInt } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';

export interface FragmentAnomalyConfig {
  /** Anomalous datagrams from one source within windowSeconds that make an alert. */
  datagrams?: number;
  windowSeconds?: number;
  /** Bound on sources with state; the oldest is forgotten past it. */
  maxSources?: number;
  /** An alert without new anomalies this long ends; the next anomaly starts afresh. */
  endSeconds?: number;
}

export const FRAGMENT_ANOMALY_DEFAULTS: Required<FragmentAnomalyConfig> = { datagrams: 10, windowSeconds: 10, maxSources: 4096, endSeconds: 60 };

class SourceAnomalies {
  windowStart: number;
  inWindow = 0;
  lastSeen: number;
  readonly counts = new Uint32Array(FRAGMENT_ANOMALY_KINDS);
  alert: Alert | null = null;
  constructor(
    readonly firstSeen: number,
    readonly target: string,
    readonly proto: number,
  ) {
    this.windowStart = firstSeen;
    this.lastSeen = firstSeen;
  }
}

/**
 * FRAGMENT_ANOMALY: IP fragments no honest sender needs, as the defragmenter reports them (one
 * report per datagram and kind): tiny fragments that split a transport header (nmap -f, --mtu
 * 16), overlaps with different bytes, datagrams never completed, malformed trains. A source
 * with `datagrams` such datagrams within `windowSeconds` is reported once; the alert is updated
 * (counts per kind) while it goes on. Sources live in a Map bounded by maxSources (oldest
 * forgotten); nothing else is kept. The source may be spoofed: the alert blames the address the
 * fragments carry, as every packet detector does.
 */
export class FragmentAnomalyDetector implements FragmentAnomalyListener {
  readonly name = 'fragment-anomaly';
  private readonly ctx: DetectorContext;
  private datagrams: number;
  private windowMicros: number;
  private readonly maxSources: number;
  private readonly endMicros: number;
  /** Insertion order is age order. */
  private readonly sources = new Map<string, SourceAnomalies>();
  evictedSources = 0;

  constructor(config: FragmentAnomalyConfig, ctx: DetectorContext) {
    const c = { ...FRAGMENT_ANOMALY_DEFAULTS, ...config };
    this.ctx = ctx;
    this.datagrams = c.datagrams;
    this.windowMicros = c.windowSeconds * 1e6;
    this.maxSources = Math.max(1, c.maxSources);
    this.endMicros = c.endSeconds * 1e6;
  }

  reconfigure(config: Pick<FragmentAnomalyConfig, 'datagrams' | 'windowSeconds'>): void {
    const c = { ...FRAGMENT_ANOMALY_DEFAULTS, ...config };
    this.datagrams = c.datagrams;
    this.windowMicros = c.windowSeconds * 1e6;
  }

  get liveSources(): number {
    return this.sources.size;
  }

  onFragmentAnomaly(kind: number, addrs: Uint32Array, proto: number, tsMicros: number): void {
    const home = this.ctx.homeNet;
    if (home !== null && !home.has(addrs[4]!, addrs[5]!, addrs[6]!, addrs[7]!)) return;
    const src = formatAddress(addrs[0]!, addrs[1]!, addrs[2]!, addrs[3]!);
    let s = this.sources.get(src);
    if (s === undefined) {
      if (this.sources.size >= this.maxSources) this.evictOldest();
      s = new SourceAnomalies(tsMicros, formatAddress(addrs[4]!, addrs[5]!, addrs[6]!, addrs[7]!), proto);
      this.sources.set(src, s);
    }
    if (tsMicros > s.lastSeen) s.lastSeen = tsMicros;
    if (kind >= 0 && kind < FRAGMENT_ANOMALY_KINDS) s.counts[kind]!++;
    if (s.alert !== null) {
      this.fill(s);
      this.ctx.changed(s.alert);
      return;
    }
    if (tsMicros - s.windowStart > this.windowMicros) {
      s.windowStart = tsMicros;
      s.inWindow = 0;
    }
    if (++s.inWindow < this.datagrams) return;
    s.alert = newAlert(this.ctx, {
      attackType: 'FRAGMENT_ANOMALY',
      severity: 'medium',
      attacker: src,
      nowMicros: tsMicros,
      firstSeenMicros: s.firstSeen,
      target: s.target,
      protocol: protocolOf(s.proto),
    });
    this.fill(s);
    this.ctx.raise(s.alert, tsMicros);
  }

  private fill(s: SourceAnomalies): void {
    const a = s.alert!;
    let total = 0;
    for (let i = 0; i < FRAGMENT_ANOMALY_KINDS; i++) {
      a.attack_details[`${FRAGMENT_ANOMALY_NAMES[i]}_datagrams`] = s.counts[i]!;
      total += s.counts[i]!;
    }
    a.packet_count = total;
    a.duration = roundSeconds((s.lastSeen - s.firstSeen) / 1e6);
    a.attack_details.first_seen = isoFromMicros(s.firstSeen);
    // Overlaps that change bytes and fragments no stack accepts are evasion or attack, not a quirk.
    if (s.counts[FragmentAnomaly.OVERLAP]! > 0 || s.counts[FragmentAnomaly.MALFORMED]! > 0) a.severity = 'high';
  }

  private evictOldest(): void {
    for (const key of this.sources.keys()) {
      this.sources.delete(key);
      this.evictedSources++;
      return;
    }
  }

  onTick(nowMicros: number): void {
    const end = nowMicros - Math.max(this.endMicros, this.windowMicros);
    for (const [key, s] of this.sources) if (s.lastSeen < end) this.sources.delete(key);
  }
}

function protocolOf(proto: number): Alert['protocol'] {
  if (proto === IpProto.TCP) return 'tcp';
  if (proto === IpProto.UDP) return 'udp';
  if (proto === IpProto.ICMP || proto === IpProto.ICMPV6) return 'icmp';
  return 'ip';
}

export type FragmentAnomalySettings = Pick<FragmentAnomalyConfig, 'datagrams' | 'windowSeconds'>;

/** FRAGMENT_ANOMALY: fed by the defragmenter's anomaly reports, not by packets. */
export const fragmentAnomalyDescriptor: ConfiguredDetectorDescriptor<'fragmentAnomaly', FragmentAnomalySettings, FragmentAnomalyDetector> = {
  name: 'fragmentAnomaly',
  stage: 'host',
  settings: {
    defaults: { 'high-security': { datagrams: 3 }, balanced: {}, development: { datagrams: 50 } },
    schema: { datagrams: positiveInt, windowSeconds: positiveInt },
  },
  create: (settings, inputs) => new FragmentAnomalyDetector(settings, inputs.context),
  reconfigure: (detector, settings) => (detector.reconfigure(settings), []),
};
