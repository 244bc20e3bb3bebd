import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { isoFromMicros, roundSeconds, type Alert } from '../../model/alert.js';
import type { Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';
import { fibonacciHash } from '../sketch/address-hash.js';
import { FirstProbeCache } from '../sketch/first-probe-cache.js';
import { LinearCounters } from '../sketch/linear-counters.js';
import { SetAssociativeTable } from '../sketch/set-associative-table.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { KERNEL_SYN_MIN_OPTIONS, newFlowProbeKind, PROBE_KIND_COUNT, PROBE_KIND_SCAN_TYPE, ProbeKind } from './scan-probe.js';
import { intInRange, seconds } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';

export interface SlowScanConfig {
  /** Distinct ports one source must probe on one target within the (long) window. */
  ports: number;
  windowSeconds: number;
  /** PORT_SCAN's own window: a pair that reaches `ports` faster than this is a fast scan. */
  fastWindowSeconds: number;
  /** Pairs with state (rounded up to a multiple of 4); the least recently seen of a 4-way set is evicted. */
  maxPairs?: number;
  /** Slots of the first-probe cache (a power of two). */
  cacheSlots?: number;
}

/** Whether the fast port-scan detector already reports this attacker. */
export interface FastScanLookup {
  hasScan(attacker: string): boolean;
}

const WAYS = 4;
/** A pair's distinct ports are counted as bits of a 2^9 = 512-bit bitmap (exact enough for tens of ports). */
const PORT_BITS = 9;
const FREE = 0;
const LIVE = 1;
/** Reached the threshold as a fast scan: PORT_SCAN reports it, this detector stays quiet. */
const FAST = 2;
const ALERTED = 3;

/** One slow scan alert per attacker. */
class SlowScan {
  readonly kinds = new Int32Array(PROBE_KIND_COUNT);
  kernelLikeSyns = 0;
  probes = 0;
  portsCount = 0;
  targets = 0;
  constructor(
    readonly alert: Alert,
    public firstSeen: number,
    public lastSeen: number,
  ) {}
}

/**
 * PORT_SCAN with attack_details.scan_speed "slow": a few probes a minute over tens of minutes,
 * which PORT_SCAN's short window never sees add up (nmap -T1/-T0, --scan-delay).
 *
 * All state is fixed-size typed arrays: a first-probe cache (a pair gets state when it probes
 * a second port, so a flood of one packet per spoofed source never takes a pair), then a 4-way
 * set-associative pair table with times, probe-kind counts and a 512-bit port bitmap per pair.
 * A full set evicts its least recently seen pair (counted).
 * Pairs that reach the threshold within PORT_SCAN's window, or whose attacker PORT_SCAN already
 * reports, are fast scans and left to it, so a normal scan still gives one alert.
 */
export class SlowScanDetector implements PacketDetector {
  readonly name = 'slow-scan';
  private threshold: number;
  private windowMicros: number;
  private fastWindowMicros: number;
  private readonly ctx: DetectorContext;
  private readonly fast: FastScanLookup | null;
  readonly capacity: number;

  /** First probe of each (source, target) pair: its destination port, by pair hash. */
  private readonly firstProbes: FirstProbeCache;
  /** (source, target) pairs with state; per pair (table entry) the arrays below. */
  private readonly pairs: SetAssociativeTable;
  private readonly state: Uint8Array;
  private readonly firstSeen: Float64Array;
  private readonly ports: LinearCounters;
  private readonly kinds: Uint32Array;
  private readonly kernelSyns: Uint32Array;
  private readonly scanOf: (SlowScan | null)[];
  private readonly scans = new Map<string, SlowScan>();
  private nextSweep = 0;

  constructor(config: SlowScanConfig, ctx: DetectorContext, fast: FastScanLookup | null = null) {
    this.threshold = Math.max(2, config.ports);
    this.windowMicros = config.windowSeconds * 1e6;
    this.fastWindowMicros = config.fastWindowSeconds * 1e6;
    this.ctx = ctx;
    this.fast = fast;
    this.firstProbes = new FirstProbeCache(config.cacheSlots ?? 4096);
    this.pairs = new SetAssociativeTable(config.maxPairs ?? 8192, WAYS, 8);
    const n = (this.capacity = this.pairs.capacity);
    this.state = new Uint8Array(n);
    this.firstSeen = new Float64Array(n);
    this.ports = new LinearCounters(n, PORT_BITS);
    this.kinds = new Uint32Array(n * PROBE_KIND_COUNT);
    this.kernelSyns = new Uint32Array(n);
    this.scanOf = new Array<SlowScan | null>(n).fill(null);
  }

  /** Pairs with state. */
  get used(): number {
    return this.pairs.size;
  }

  get evictedPairs(): number {
    return this.pairs.evictions;
  }

  /** New thresholds (SIGHUP), and PORT_SCAN's window as what counts as fast; pairs keep their state. */
  reconfigure(config: Pick<SlowScanConfig, 'ports' | 'windowSeconds' | 'fastWindowSeconds'>): void {
    this.threshold = Math.max(2, config.ports);
    this.windowMicros = config.windowSeconds * 1e6;
    this.fastWindowMicros = config.fastWindowSeconds * 1e6;
  }

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    const kind = newFlowProbeKind(pkt, flows, slot, this.ctx.homeNet);
    if (kind === ProbeKind.NONE) return;
    const hash = flows.shared.srcDstHash(pkt);
    const ts = pkt.tsMicros;
    let i = this.pairs.findSrcDst(hash, pkt);
    if (i < 0) {
      const firstPort = this.firstProbes.offer(hash, pkt.dstPort);
      if (firstPort === FirstProbeCache.NONE) return;
      i = this.create(hash, pkt, ts);
      // The cached first probe: its port, and (not kept in the cache) its kind taken as this one's.
      this.addPort(i, firstPort);
      this.kinds[i * PROBE_KIND_COUNT + kind]!++;
    } else if (this.state[i] === LIVE && ts - this.firstSeen[i]! > this.windowMicros) {
      // Nothing old adds up to a scan now: start the window again.
      this.ports.clear(i);
      this.kinds.fill(0, i * PROBE_KIND_COUNT, (i + 1) * PROBE_KIND_COUNT);
      this.kernelSyns[i] = 0;
      this.firstSeen[i] = ts;
    }
    const lastSeen = this.pairs.lastSeen;
    if (ts > lastSeen[i]!) lastSeen[i] = ts;
    const st = this.state[i]!;
    if (st === FAST) return;
    const isNewPort = this.addPort(i, pkt.dstPort);
    this.kinds[i * PROBE_KIND_COUNT + kind]!++;
    const kernelSyn = kind === ProbeKind.SYN && pkt.tcpOptionsLen >= KERNEL_SYN_MIN_OPTIONS ? 1 : 0;
    this.kernelSyns[i]! += kernelSyn;
    if (st === ALERTED) {
      const scan = this.scanOf[i]!;
      scan.probes++;
      scan.kinds[kind]!++;
      scan.kernelLikeSyns += kernelSyn;
      if (ts > scan.lastSeen) scan.lastSeen = ts;
      if (isNewPort) scan.portsCount++;
      this.fill(scan);
      this.ctx.changed(scan.alert);
    } else if (this.ports.count(i) >= this.threshold) {
      this.reached(i, ts);
    }
  }

  /** Counts a port of pair i; true if it is new to the pair. */
  private addPort(i: number, port: number): boolean {
    return this.ports.add(i, fibonacciHash(port, PORT_BITS));
  }

  private reached(i: number, ts: number): void {
    const o = this.pairs.keyAt(i);
    const a = this.pairs.keys;
    const attacker = formatAddress(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!);
    if (ts - this.firstSeen[i]! < this.fastWindowMicros || (this.fast !== null && this.fast.hasScan(attacker))) {
      this.state[i] = FAST;
      return;
    }
    let scan = this.scans.get(attacker);
    const isNew = scan === undefined;
    if (scan === undefined) {
      const alert = newAlert(this.ctx, {
        attackType: 'PORT_SCAN',
        severity: 'medium',
        attacker,
        nowMicros: ts,
        firstSeenMicros: this.firstSeen[i]!,
        target: formatAddress(a[o + 4]!, a[o + 5]!, a[o + 6]!, a[o + 7]!),
        protocol: 'tcp',
        details: { scan_type: 'SYN', scan_speed: 'slow', ports_count: 0, targets_count: 0 },
      });
      scan = new SlowScan(alert, this.firstSeen[i]!, this.pairs.lastSeen[i]!);
      this.scans.set(attacker, scan);
    }
    this.state[i] = ALERTED;
    this.scanOf[i] = scan;
    scan.targets++;
    scan.portsCount += this.ports.count(i);
    for (let k = 0; k < PROBE_KIND_COUNT; k++) {
      const n = this.kinds[i * PROBE_KIND_COUNT + k]!;
      scan.kinds[k]! += n;
      scan.probes += n;
    }
    scan.kernelLikeSyns += this.kernelSyns[i]!;
    if (this.firstSeen[i]! < scan.firstSeen) scan.firstSeen = this.firstSeen[i]!;
    if (this.pairs.lastSeen[i]! > scan.lastSeen) scan.lastSeen = this.pairs.lastSeen[i]!;
    this.fill(scan);
    if (isNew) this.ctx.raise(scan.alert, ts);
    else this.ctx.changed(scan.alert);
  }

  private fill(scan: SlowScan): void {
    const a = scan.alert;
    let best = 0;
    for (let k = 1; k < PROBE_KIND_COUNT; k++) if (scan.kinds[k]! > scan.kinds[best]!) best = k;
    // As PORT_SCAN decides: SYNs with a kernel's full option set come from connect().
    const scanType = best === ProbeKind.SYN && scan.kernelLikeSyns * 2 > scan.kinds[best]! ? 'CONNECT' : PROBE_KIND_SCAN_TYPE[best]!;
    a.packet_count = scan.probes;
    a.duration = roundSeconds((scan.lastSeen - scan.firstSeen) / 1e6);
    a.protocol = scanType === 'UDP' ? 'udp' : scanType === 'SCTP_INIT' ? 'sctp' : 'tcp';
    a.attack_details.scan_type = scanType;
    a.attack_details.ports_count = scan.portsCount;
    a.attack_details.targets_count = scan.targets;
    a.attack_details.first_seen = isoFromMicros(scan.firstSeen);
  }

  private create(hash: number, p: Packet, ts: number): number {
    const i = this.pairs.insertSrcDst(hash, p, ts);
    this.state[i] = LIVE;
    this.firstSeen[i] = ts;
    this.ports.clear(i);
    this.kinds.fill(0, i * PROBE_KIND_COUNT, (i + 1) * PROBE_KIND_COUNT);
    this.kernelSyns[i] = 0;
    this.scanOf[i] = null;
    return i;
  }

  onTick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + Math.min(this.windowMicros, 60e6);
    // Pairs go after a window of silence (an alerted one after two, so a pause does not split the alert).
    const lastSeen = this.pairs.lastSeen;
    for (let i = 0; i < this.capacity; i++) {
      if (this.state[i] === FREE) continue;
      const keep = this.state[i] === ALERTED ? 2 * this.windowMicros : this.windowMicros;
      if (lastSeen[i]! < nowMicros - keep) {
        this.state[i] = FREE;
        this.scanOf[i] = null;
        this.pairs.remove(i);
      }
    }
    for (const [attacker, scan] of this.scans) if (scan.lastSeen < nowMicros - 2 * this.windowMicros) this.scans.delete(attacker);
  }
}

export type SlowScanSettings = Pick<SlowScanConfig, 'ports' | 'windowSeconds'>;

/**
 * PORT_SCAN with scan_speed "slow": the same count of ports over a long window (nmap -T1 sends
 * one probe per 15 s). PORT_SCAN's own window marks what is fast, so both read its settings.
 */
export const slowScanDescriptor: ConfiguredDetectorDescriptor<'slowScan', SlowScanSettings, SlowScanDetector> = {
  name: 'slowScan',
  stage: 'flowStart',
  settings: {
    defaults: { 'high-security': { ports: 10, windowSeconds: 3600 }, balanced: { ports: 15, windowSeconds: 1800 }, development: { ports: 50, windowSeconds: 900 } },
    schema: { ports: intInRange(2, 65_536), windowSeconds: seconds },
  },
  create: (settings, inputs) =>
    new SlowScanDetector({ ...settings, fastWindowSeconds: inputs.config.thresholds.portScan.windowSeconds }, inputs.context, (inputs.built('portScan') as FastScanLookup | undefined) ?? null),
  reconfigure: (detector, settings, config) => (detector.reconfigure({ ...settings, fastWindowSeconds: config.thresholds.portScan.windowSeconds }), []),
};
