import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { isoFromMicros, roundSeconds, type Alert } from '../../model/alert.js';
import type { Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { classifyOsProbe, OS_PROBE_NAMES } from './os-probe.js';
import { SourceTargetPairs, type SourceTargetPair } from './source-target-pairs.js';
import { intInRange, seconds } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';

export interface OsFingerprintConfig {
  /** Distinct kinds of OS-detection probe (of 8) one source must send one target within the window. */
  probeKinds: number;
  windowSeconds: number;
  /** (source, target) pairs with state; past it the oldest is evicted (and counted). */
  maxPairs?: number;
}

/** One (source, target) pair that sent at least one OS-detection probe. Reused after eviction. */
class ProbePair implements SourceTargetPair {
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  kinds = 0;
  probes = 0;
  firstSeen = 0;
  lastSeen = 0;
  alert: Alert | null = null;
}

/**
 * OS_FINGERPRINT: the probe set of nmap -O (SEQ SYNs with odd windows, ECN, T2/T3/T5/T7,
 * ICMP echo with code 9, the 300-byte UDP U1; see os-probe.ts). Fires once per attacker and
 * target when `probeKinds` distinct kinds arrive within the window; later probes update it.
 *
 * Only packets that match a probe kind touch state (ordinary traffic never does); pairs are
 * bounded by maxPairs, the oldest evicted (counted) and its object reused.
 */
export class OsFingerprintDetector implements PacketDetector {
  readonly name = 'os-fingerprint';
  private probeKinds: number;
  private windowMicros: number;
  private readonly ctx: DetectorContext;
  private readonly pairs: SourceTargetPairs<ProbePair>;

  constructor(config: OsFingerprintConfig, ctx: DetectorContext) {
    this.probeKinds = Math.max(2, Math.min(OS_PROBE_NAMES.length, config.probeKinds));
    this.windowMicros = config.windowSeconds * 1e6;
    this.pairs = new SourceTargetPairs(Math.max(1, config.maxPairs ?? 4096), () => new ProbePair(), clearCounts);
    this.ctx = ctx;
  }

  /** New thresholds (SIGHUP); pairs keep their state. */
  reconfigure(config: OsFingerprintSettings): void {
    this.probeKinds = Math.max(2, Math.min(OS_PROBE_NAMES.length, config.probeKinds));
    this.windowMicros = config.windowSeconds * 1e6;
  }

  get trackedPairs(): number {
    return this.pairs.size;
  }

  get evictedPairs(): number {
    return this.pairs.evicted;
  }

  onPacket(pkt: Packet, _flows: FlowTable, _slot: number): void {
    const kind = classifyOsProbe(pkt);
    if (kind === 0) return;
    const home = this.ctx.homeNet;
    if (home !== null && !home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) return;
    const ts = pkt.tsMicros;
    const pair = this.pairs.of(pkt, ts);
    if (pair.alert === null && ts - pair.firstSeen > this.windowMicros) {
      clearCounts(pair);
      pair.firstSeen = ts;
    }
    pair.probes++;
    if (ts > pair.lastSeen) pair.lastSeen = ts;
    const isNewKind = (pair.kinds & kind) === 0;
    pair.kinds |= kind;
    if (pair.alert !== null) {
      this.fill(pair);
      if (isNewKind) this.ctx.changed(pair.alert);
    } else if (isNewKind && bitCount(pair.kinds) >= this.probeKinds) {
      pair.alert = newAlert(this.ctx, {
        attackType: 'OS_FINGERPRINT',
        severity: 'medium',
        attacker: formatAddress(pair.src[0]!, pair.src[1]!, pair.src[2]!, pair.src[3]!),
        nowMicros: ts,
        firstSeenMicros: pair.firstSeen,
        target: formatAddress(pair.dst[0]!, pair.dst[1]!, pair.dst[2]!, pair.dst[3]!),
        protocol: 'tcp',
        details: { probe_kinds: [] },
      });
      this.fill(pair);
      this.ctx.raise(pair.alert, ts);
    }
  }

  private fill(pair: ProbePair): void {
    const a = pair.alert!;
    a.packet_count = pair.probes;
    a.duration = roundSeconds((pair.lastSeen - pair.firstSeen) / 1e6);
    a.attack_details.first_seen = isoFromMicros(pair.firstSeen);
    const names: string[] = [];
    for (const [bit, name] of OS_PROBE_NAMES) if ((pair.kinds & bit) !== 0) names.push(name);
    a.attack_details.probe_kinds = names;
  }

  onTick(nowMicros: number): void {
    this.pairs.sweep(nowMicros, this.windowMicros);
  }
}

function clearCounts(pair: ProbePair): void {
  pair.kinds = 0;
  pair.probes = 0;
}

function bitCount(v: number): number {
  let n = 0;
  for (; v !== 0; v &= v - 1) n++;
  return n;
}

export type OsFingerprintSettings = Pick<OsFingerprintConfig, 'probeKinds' | 'windowSeconds'>;

/** OS_FINGERPRINT: distinct kinds of OS-detection probe (of 8) from one source to one target. */
export const osFingerprintDescriptor: ConfiguredDetectorDescriptor<'osFingerprint', OsFingerprintSettings, OsFingerprintDetector> = {
  name: 'osFingerprint',
  stage: 'flowStart',
  settings: {
    defaults: { 'high-security': { probeKinds: 3, windowSeconds: 120 }, balanced: { probeKinds: 4, windowSeconds: 60 }, development: { probeKinds: 5, windowSeconds: 30 } },
    schema: { probeKinds: intInRange(2, 8), windowSeconds: seconds },
  },
  create: (settings, inputs) => new OsFingerprintDetector(settings, inputs.context),
  reconfigure: (detector, settings) => (detector.reconfigure(settings), []),
};
