import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { isoFromMicros, roundSeconds, type Alert } from '../../model/alert.js';
import { IpProto, type Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';
import { fibonacciHash, hashDst } from '../sketch/address-hash.js';
import { copyDst, copySrc, sameDst, sameSrc } from '../sketch/address-words.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { PortSet } from './port-set.js';
import { newFlowProbeKind, ProbeKind } from './scan-probe.js';
import { intInRange, positiveInt, seconds } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor, DetectorConfig } from './detector-descriptor.js';

export interface DistributedScanConfig {
  /** Distinct ports of one target that all sources together probe within the window. */
  ports: number;
  /** Sources that must each have been first to probe at least `portsPerSource` of those ports. */
  sources: number;
  windowSeconds: number;
  /** New ports a source must bring to count as one of the scan's sources (default 3). */
  portsPerSource?: number;
  /** Targets with state; past it the oldest is evicted (and counted). */
  maxTargets?: number;
}

/** Sources remembered per target; the one that brought the fewest new ports makes room. */
const SOURCE_SLOTS = 16;

/** The bit of a source in a target's 32-bit source filter. */
function filterBit(src3: number): number {
  return 1 << fibonacciHash(src3, 5);
}

/** One target and the sources probing it in the current window. Reused after eviction. */
class TargetScan {
  readonly dst = new Uint32Array(4);
  readonly ports = new PortSet();
  readonly srcAddr = new Uint32Array(SOURCE_SLOTS * 4);
  /** Last address word of each source: the loop that finds a source compares these first. */
  readonly srcLow = new Uint32Array(SOURCE_SLOTS);
  /** 32-bit filter of the sources in the table: most flood packets skip the search on it. */
  srcFilter = 0;
  /** Ports of this target that this source probed first: its slice of the scan. */
  readonly srcNewPorts = new Int32Array(SOURCE_SLOTS);
  readonly srcProbes = new Int32Array(SOURCE_SLOTS);
  srcUsed = 0;
  /** Sources whose slice reached portsPerSource, including ones that later lost their slot. */
  splitting = 0;
  probes = 0;
  tcpProbes = 0;
  windowStart = 0;
  firstSeen = 0;
  lastSeen = 0;
  alert: Alert | null = null;
  hash = 0;

  reset(hash: number, p: Packet, ts: number): void {
    this.hash = hash;
    copyDst(p, this.dst);
    this.alert = null;
    this.restartWindow(ts);
  }

  restartWindow(ts: number): void {
    this.ports.clear();
    this.srcNewPorts.fill(0);
    this.srcProbes.fill(0);
    this.srcUsed = 0;
    this.srcFilter = 0;
    this.splitting = 0;
    this.probes = 0;
    this.tcpProbes = 0;
    this.windowStart = ts;
    this.firstSeen = ts;
    this.lastSeen = ts;
  }
}

/**
 * DISTRIBUTED_SCAN: several sources split one scan of the same target. Each source may stay
 * under the PORT_SCAN threshold; together they probe many distinct ports of the target.
 *
 * Per target (a home-net address when a home net is set): the distinct ports probed in the
 * window, and a 16-slot table of sources with the number of ports each was the first to probe.
 * A source "splits" the scan once it brought `portsPerSource` new ports. The alert fires when
 * the target saw `ports` distinct ports and `sources` splitting sources. A single scanner is one
 * source; clients of a service bring one port between them; a spoofed flood to random ports
 * gives each source one port at most — none of these split a scan.
 *
 * State is bounded: at most maxTargets targets (oldest evicted and counted, objects reused),
 * 16 sources each (the one with the smallest slice is replaced), a PortSet of ≤ 8 KiB.
 */
export class DistributedScanDetector implements PacketDetector {
  readonly name = 'distributed-scan';
  private ports: number;
  private sources: number;
  private readonly portsPerSource: number;
  private windowMicros: number;
  private readonly maxTargets: number;
  private readonly ctx: DetectorContext;
  /** By destination hash; insertion order is age order for eviction. */
  private readonly targets = new Map<number, TargetScan>();
  /** The target of the last probe: floods and scans hit one target many times in a row. */
  private last: TargetScan | null = null;
  private nextSweep = 0;
  evictedTargets = 0;
  /** Sources that lost their slot to a new one (the table per target is full). */
  evictedSources = 0;

  constructor(config: DistributedScanConfig, ctx: DetectorContext) {
    this.ports = Math.max(2, config.ports);
    this.sources = Math.max(2, config.sources);
    this.portsPerSource = Math.max(1, config.portsPerSource ?? 3);
    this.windowMicros = config.windowSeconds * 1e6;
    this.maxTargets = Math.max(1, config.maxTargets ?? 1024);
    this.ctx = ctx;
  }

  /** New thresholds (SIGHUP); targets being watched keep their state. */
  reconfigure(config: DistributedScanSettings): void {
    this.ports = Math.max(2, config.ports);
    this.sources = Math.max(2, config.sources);
    this.windowMicros = config.windowSeconds * 1e6;
  }

  get trackedTargets(): number {
    return this.targets.size;
  }

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    const kind = newFlowProbeKind(pkt, flows, slot, this.ctx.homeNet);
    if (kind === ProbeKind.NONE) return;
    const ts = pkt.tsMicros;
    let t = this.last;
    if (t === null || !sameDst(pkt, t.dst)) {
      const hash = hashDst(pkt, 0x5ca7);
      const found = this.targets.get(hash);
      t = found !== undefined && sameDst(pkt, found.dst) ? found : this.takeTarget(hash, pkt, ts);
      this.last = t;
    }
    if (t.alert === null && ts - t.windowStart > this.windowMicros) t.restartWindow(ts);

    const isNewPort = t.ports.add(pkt.dstPort);
    t.probes++;
    if (pkt.proto === IpProto.TCP) t.tcpProbes++;
    if (ts > t.lastSeen) t.lastSeen = ts;
    const s = this.sourceSlot(t, pkt, isNewPort);
    if (s >= 0) {
      t.srcProbes[s]!++;
      if (isNewPort && ++t.srcNewPorts[s]! === this.portsPerSource) t.splitting++;
    }
    if (t.alert !== null) {
      if (isNewPort) this.update(t);
    } else if (t.ports.size >= this.ports && t.splitting >= this.sources) {
      this.raise(t, ts);
    }
  }

  /** The slot of this packet's source, added if new; -1 when it brings nothing and the table is full. */
  private sourceSlot(t: TargetScan, p: Packet, isNewPort: boolean): number {
    const a = t.srcAddr;
    const low = t.srcLow;
    const src3 = p.src3;
    const used = t.srcUsed;
    const bit = filterBit(src3);
    if ((t.srcFilter & bit) !== 0) {
      for (let s = 0; s < used; s++) if (low[s] === src3 && sameSrc(p, a, s << 2)) return s;
    }
    let s = used;
    if (s === SOURCE_SLOTS) {
      // Only a source that brings a new port may take a slot: flood packets to known ports do not churn it.
      if (!isNewPort) return -1;
      s = 0;
      for (let i = 1; i < SOURCE_SLOTS; i++) if (t.srcNewPorts[i]! < t.srcNewPorts[s]!) s = i;
      this.evictedSources++;
    } else {
      t.srcUsed++;
    }
    copySrc(p, a, s << 2);
    low[s] = src3;
    if (used === SOURCE_SLOTS) {
      // A slot changed hands: rebuild the filter without the source that left.
      let f = 0;
      for (let i = 0; i < SOURCE_SLOTS; i++) f |= filterBit(low[i]!);
      t.srcFilter = f;
    } else {
      t.srcFilter |= bit;
    }
    t.srcNewPorts[s] = 0;
    t.srcProbes[s] = 0;
    return s;
  }

  private takeTarget(hash: number, p: Packet, ts: number): TargetScan {
    let t = this.targets.get(hash);
    if (t !== undefined) {
      // Another address with the same hash: it takes over the entry (rare, and only loses state).
      this.targets.delete(hash);
    } else if (this.targets.size >= this.maxTargets) {
      const [oldHash, oldest] = this.targets.entries().next().value as [number, TargetScan];
      this.targets.delete(oldHash);
      this.evictedTargets++;
      t = oldest;
    } else {
      t = new TargetScan();
    }
    t.reset(hash, p, ts);
    this.targets.set(hash, t);
    return t;
  }

  /** The source with the most probes in the table: attacker_ip of the alert. */
  private topSource(t: TargetScan): number {
    let best = 0;
    for (let s = 1; s < t.srcUsed; s++) if (t.srcProbes[s]! > t.srcProbes[best]!) best = s;
    return best;
  }

  private raise(t: TargetScan, ts: number): void {
    const top = this.topSource(t) << 2;
    const a = t.srcAddr;
    // attacker_ip is the source with the most probes when the alert fires (the others are in
    // attack_details.source_sample); an alert's attacker does not change in its updates.
    t.alert = newAlert(this.ctx, {
      attackType: 'DISTRIBUTED_SCAN',
      severity: 'high',
      attacker: formatAddress(a[top]!, a[top + 1]!, a[top + 2]!, a[top + 3]!),
      nowMicros: ts,
      firstSeenMicros: t.firstSeen,
      target: formatAddress(t.dst[0]!, t.dst[1]!, t.dst[2]!, t.dst[3]!),
      protocol: 'tcp',
      details: { sources: 0, source_sample: [], ports_count: 0 },
    });
    this.fill(t);
    this.ctx.raise(t.alert, ts);
  }

  private update(t: TargetScan): void {
    this.fill(t);
    this.ctx.changed(t.alert!);
  }

  private fill(t: TargetScan): void {
    const alert = t.alert!;
    alert.packet_count = t.probes;
    alert.duration = roundSeconds((t.lastSeen - t.firstSeen) / 1e6);
    alert.protocol = t.tcpProbes * 2 >= t.probes ? 'tcp' : 'udp';
    const d = alert.attack_details;
    d.first_seen = isoFromMicros(t.firstSeen);
    d.ports_count = t.ports.size;
    d.sources = t.splitting;
    const sample: string[] = [];
    const a = t.srcAddr;
    for (let s = 0; s < t.srcUsed; s++) {
      if (t.srcNewPorts[s]! < this.portsPerSource) continue;
      const o = s << 2;
      sample.push(formatAddress(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!));
    }
    d.source_sample = sample;
  }

  onTick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + Math.min(this.windowMicros, 10e6);
    // Quiet targets go after a window; an alerted one after ten, so a pause does not split one scan in two alerts.
    for (const [hash, t] of this.targets) {
      const keep = t.alert === null ? this.windowMicros : 10 * this.windowMicros;
      if (t.lastSeen < nowMicros - keep) {
        this.targets.delete(hash);
        if (t === this.last) this.last = null;
      }
    }
  }
}

export type DistributedScanSettings = Pick<DistributedScanConfig, 'ports' | 'sources' | 'windowSeconds'>;

/**
 * DISTRIBUTED_SCAN. The port count is the whole scan's; each source brings a slice of it. It is
 * never above PORT_SCAN's: a scan split over two sources that each stay under PORT_SCAN's
 * threshold still adds up to this one.
 */
export const distributedScanDescriptor: ConfiguredDetectorDescriptor<'distributedScan', DistributedScanSettings, DistributedScanDetector> = {
  name: 'distributedScan',
  stage: 'flowStart',
  settings: {
    defaults: {
      'high-security': { ports: 10, sources: 2, windowSeconds: 120 },
      balanced: { ports: 15, sources: 2, windowSeconds: 60 },
      development: { ports: 50, sources: 2, windowSeconds: 30 },
    },
    schema: { ports: intInRange(2, 65_536), sources: positiveInt, windowSeconds: seconds },
  },
  create: (settings, inputs) => new DistributedScanDetector(capPorts(settings, inputs.config), inputs.context),
  reconfigure: (detector, settings, config) => (detector.reconfigure(capPorts(settings, config)), []),
};

function capPorts(settings: DistributedScanSettings, config: DetectorConfig): DistributedScanSettings {
  return { ...settings, ports: Math.min(settings.ports, config.thresholds.portScan.ports) };
}
