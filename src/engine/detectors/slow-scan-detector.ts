import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { isoFromMicros, roundSeconds, type Alert } from '../../model/alert.js';
import type { Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';
import { copyDst, copySrc, hashSrcDst, sameDst, sameSrc } from './address-hash.js';
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
/** Bits of a pair's port sketch: distinct ports hashed into 512 bits (exact enough for tens of ports). */
const PORT_WORDS = 16;
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
 * All state is fixed-size typed arrays: a direct-mapped first-probe cache (a pair gets state
 * when it probes a second port, so a flood of one packet per spoofed source never takes a
 * pair), then a 4-way set-associative pair table holding addresses, times, probe-kind counts
 * and a 512-bit port sketch per pair. A full set evicts its least recently seen pair (counted).
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
  private readonly setMask: number;
  readonly capacity: number;

  private readonly cacheMask: number;
  /** [pair hash, port + 1 (0 = free)] per slot. */
  private readonly cache: Uint32Array;

  private readonly hashes: Uint32Array;
  private readonly addrs: Uint32Array;
  private readonly state: Uint8Array;
  private readonly firstSeen: Float64Array;
  private readonly lastSeen: Float64Array;
  private readonly portCount: Uint16Array;
  private readonly portBits: Uint32Array;
  private readonly kinds: Uint32Array;
  private readonly kernelSyns: Uint32Array;
  private readonly scanOf: (SlowScan | null)[];
  /** Live pairs per set: a probe of an empty set (nearly all, under a spoofed flood) skips the lookup. */
  private readonly setUsed: Uint8Array;
  private readonly scans = new Map<string, SlowScan>();
  private nextSweep = 0;
  used = 0;
  evictedPairs = 0;

  constructor(config: SlowScanConfig, ctx: DetectorContext, fast: FastScanLookup | null = null) {
    this.threshold = Math.max(2, config.ports);
    this.windowMicros = config.windowSeconds * 1e6;
    this.fastWindowMicros = config.fastWindowSeconds * 1e6;
    this.ctx = ctx;
    this.fast = fast;
    let sets = 1;
    while (sets * WAYS < (config.maxPairs ?? 8192)) sets <<= 1;
    this.setMask = sets - 1;
    const n = (this.capacity = sets * WAYS);
    const slots = config.cacheSlots ?? 4096;
    this.cacheMask = slots - 1;
    this.cache = new Uint32Array(slots * 2);
    this.hashes = new Uint32Array(n);
    this.addrs = new Uint32Array(n * 8);
    this.state = new Uint8Array(n);
    this.firstSeen = new Float64Array(n);
    this.lastSeen = new Float64Array(n);
    this.portCount = new Uint16Array(n);
    this.portBits = new Uint32Array(n * PORT_WORDS);
    this.kinds = new Uint32Array(n * PROBE_KIND_COUNT);
    this.kernelSyns = new Uint32Array(n);
    this.scanOf = new Array<SlowScan | null>(n).fill(null);
    this.setUsed = new Uint8Array(sets);
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
    const hash = hashSrcDst(pkt);
    const ts = pkt.tsMicros;
    let i = this.find(hash, pkt);
    if (i < 0) {
      const r = (hash & this.cacheMask) << 1;
      const cache = this.cache;
      const port1 = pkt.dstPort + 1;
      if (cache[r] !== hash || cache[r + 1] === 0 || cache[r + 1] === port1) {
        cache[r] = hash;
        cache[r + 1] = port1;
        return;
      }
      i = this.create(hash, pkt, ts);
      // The cached first probe: its port, and (not kept in the cache) its kind taken as this one's.
      this.addPort(i, cache[r + 1]! - 1);
      this.kinds[i * PROBE_KIND_COUNT + kind]!++;
      cache[r + 1] = 0;
    } else if (this.state[i] === LIVE && ts - this.firstSeen[i]! > this.windowMicros) {
      // Nothing old adds up to a scan now: start the window again.
      this.portBits.fill(0, i * PORT_WORDS, (i + 1) * PORT_WORDS);
      this.portCount[i] = 0;
      this.kinds.fill(0, i * PROBE_KIND_COUNT, (i + 1) * PROBE_KIND_COUNT);
      this.kernelSyns[i] = 0;
      this.firstSeen[i] = ts;
    }
    if (ts > this.lastSeen[i]!) this.lastSeen[i] = ts;
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
    } else if (this.portCount[i]! >= this.threshold) {
      this.reached(i, ts);
    }
  }

  private addPort(i: number, port: number): boolean {
    // One multiplicative hash spreads neighbouring ports over the 512 bits.
    const bit = (Math.imul(port, 0x9e3779b1) >>> 23) & (PORT_WORDS * 32 - 1);
    const w = i * PORT_WORDS + (bit >>> 5);
    const m = 1 << (bit & 31);
    if ((this.portBits[w]! & m) !== 0) return false;
    this.portBits[w]! |= m;
    if (this.portCount[i]! < 0xffff) this.portCount[i]!++;
    return true;
  }

  private reached(i: number, ts: number): void {
    const o = i * 8;
    const a = this.addrs;
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
      scan = new SlowScan(alert, this.firstSeen[i]!, this.lastSeen[i]!);
      this.scans.set(attacker, scan);
    }
    this.state[i] = ALERTED;
    this.scanOf[i] = scan;
    scan.targets++;
    scan.portsCount += this.portCount[i]!;
    for (let k = 0; k < PROBE_KIND_COUNT; k++) {
      const n = this.kinds[i * PROBE_KIND_COUNT + k]!;
      scan.kinds[k]! += n;
      scan.probes += n;
    }
    scan.kernelLikeSyns += this.kernelSyns[i]!;
    if (this.firstSeen[i]! < scan.firstSeen) scan.firstSeen = this.firstSeen[i]!;
    if (this.lastSeen[i]! > scan.lastSeen) scan.lastSeen = this.lastSeen[i]!;
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
    a.protocol = scanType === 'UDP' ? 'udp' : 'tcp';
    a.attack_details.scan_type = scanType;
    a.attack_details.ports_count = scan.portsCount;
    a.attack_details.targets_count = scan.targets;
    a.attack_details.first_seen = isoFromMicros(scan.firstSeen);
  }

  private find(hash: number, p: Packet): number {
    if (this.setUsed[hash & this.setMask] === 0) return -1;
    const base = (hash & this.setMask) * WAYS;
    for (let i = base; i < base + WAYS; i++) {
      if (this.state[i] !== FREE && this.hashes[i] === hash && sameSrc(p, this.addrs, i * 8) && sameDst(p, this.addrs, i * 8 + 4)) return i;
    }
    return -1;
  }

  private create(hash: number, p: Packet, ts: number): number {
    const base = (hash & this.setMask) * WAYS;
    let i = -1;
    for (let j = base; j < base + WAYS; j++) {
      if (this.state[j] === FREE) {
        i = j;
        break;
      }
      if (i < 0 || this.lastSeen[j]! < this.lastSeen[i]!) i = j;
    }
    if (this.state[i] !== FREE) this.evictedPairs++;
    else {
      this.used++;
      this.setUsed[hash & this.setMask]!++;
    }
    this.hashes[i] = hash;
    copySrc(p, this.addrs, i * 8);
    copyDst(p, this.addrs, i * 8 + 4);
    this.state[i] = LIVE;
    this.firstSeen[i] = ts;
    this.lastSeen[i] = ts;
    this.portCount[i] = 0;
    this.portBits.fill(0, i * PORT_WORDS, (i + 1) * PORT_WORDS);
    this.kinds.fill(0, i * PROBE_KIND_COUNT, (i + 1) * PROBE_KIND_COUNT);
    this.kernelSyns[i] = 0;
    this.scanOf[i] = null;
    return i;
  }

  onTick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + Math.min(this.windowMicros, 60e6);
    // Pairs go after a window of silence (an alerted one after two, so a pause does not split the alert).
    for (let i = 0; i < this.capacity; i++) {
      if (this.state[i] === FREE) continue;
      const keep = this.state[i] === ALERTED ? 2 * this.windowMicros : this.windowMicros;
      if (this.lastSeen[i]! < nowMicros - keep) {
        this.state[i] = FREE;
        this.scanOf[i] = null;
        this.used--;
        this.setUsed[(i / WAYS) | 0]!--;
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
