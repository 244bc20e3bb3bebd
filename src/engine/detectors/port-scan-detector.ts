import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { isoFromMicros, roundSeconds, type Alert, type ScanType } from '../../model/alert.js';
import { isUnsolicitedAnswer } from './reflection-ports.js';
import { IpProto, type Packet } from '../decode/packet.js';
import { FlowEvent, type FlowTable } from '../flows/flow-table.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { PortSet } from './port-set.js';
import { hashWords } from '../sketch/address-hash.js';
import { classifySctpProbe, classifyTcpProbe, KERNEL_SYN_MIN_OPTIONS, PROBE_KIND_COUNT, PROBE_KIND_SCAN_TYPE, ProbeKind } from './scan-probe.js';
import { intInRange, seconds } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';

export interface PortScanConfig {
  /** Distinct ports one source must probe on one target within the window. */
  ports: number;
  windowSeconds: number;
  /** Bound on (source, target) pairs with state; the oldest are evicted past it. */
  maxPairs?: number;
  /** Slots of the first-probe cache (a power of two). */
  cacheSlots?: number;
}


/**
 * Decoy probes go out interleaved with the real ones, so every member of a decoy scan starts within
 * a moment of the first. Two scans of the same ports begun seconds apart are two scans: a forged
 * scan sent first must never absorb (and hide) a real scanner that follows it.
 */
const DECOY_START_MICROS = 1_000_000;
/** Marks a free first-probe cache slot (ports are 0-65535). */
const EMPTY = -1;

/** Evidence shared by all the targets one attacker scans: this is what the alert shows. */
class AttackerScan {
  readonly kinds = new Int32Array(PROBE_KIND_COUNT);
  kernelLikeSyns = 0;
  handshakes = 0;
  probes = 0;
  portsCount = 0;
  targets = 0;
  /** The pair that made this scan: decoys of the same scan are told by its ports. */
  firstPair: ScanPair | null = null;
  /** Other sources sending the same probes at the same time (nmap -D), each with its pair. */
  readonly decoys = new Map<string, ScanPair>();
  /** The source named as attacker: the one of the group the target's answers show as real. */
  attacker = '';
  constructor(
    readonly alert: Alert,
    public firstSeen: number,
    public lastSeen: number,
  ) {}
}

/** State of one (source, target) pair that probed at least two ports. */
class ScanPair {
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  readonly ports = new PortSet();
  readonly kinds = new Int32Array(PROBE_KIND_COUNT);
  kernelLikeSyns = 0;
  handshakes = 0;
  probes = 0;
  /** Probes the target answered, and SYN-ACKs of it the source answered in turn (a live sender). */
  answered = 0;
  /** This pair copies another source's scan (a decoy, or the real sender behind decoys): its ports are that scan's. */
  copies = false;
  windowStart = 0;
  firstSeen = 0;
  lastSeen = 0;
  cacheSlot = -1;
  nextSameHash: ScanPair | null = null;
  scan: AttackerScan | null = null;
  constructor(readonly hash: number) {}
}

/**
 * PORT_SCAN: one source probing many ports of one target. Scan types follow nmap's probes:
 * SYN, CONNECT, FIN, NULL, XMAS, ACK, MAIMON, UDP (WINDOW probes are ACK probes on the wire).
 *
 * The cost under a flood matters most: a source's first probe of a target only lands in a
 * fixed-size, direct-mapped cache; state is created when the same pair probes a second port.
 * A spoofed flood, one packet per source, therefore never allocates per source.
 */
export class PortScanDetector implements PacketDetector {
  readonly name = 'port-scan';
  // Not readonly: SIGHUP reconfigures a running detector (reconfigure below).
  private threshold: number;
  private windowMicros: number;
  private readonly maxPairs: number;
  private readonly ctx: DetectorContext;

  // Direct-mapped first-probe cache, one 16-byte record per slot so a probe touches one cache
  // line: [pair hash, port (EMPTY = free), kind | kernelSyn << 8, unused]; times apart.
  // The full 32-bit hash stands in for the addresses (the slot index uses its low bits, the
  // rest tells pairs apart: a false match costs one phantom port, ~1 in 2^18 lookups).
  private readonly cacheMask: number;
  private readonly cache: Int32Array;
  private readonly cacheTs: Float64Array;
  private readonly cachePair: (ScanPair | null)[];

  private readonly pairsByHash = new Map<number, ScanPair>();
  /** Insertion order doubles as age order for eviction. */
  private readonly pairs = new Set<ScanPair>();
  private readonly attackers = new Map<string, AttackerScan>();
  /** Live scans by their first target: where a decoy's pair looks for the scan it copies. */
  private readonly scansByTarget = new Map<string, AttackerScan[]>();
  private nextSweep = 0;
  evictedPairs = 0;

  constructor(config: PortScanConfig, ctx: DetectorContext) {
    this.threshold = Math.max(2, config.ports);
    this.windowMicros = config.windowSeconds * 1e6;
    this.maxPairs = config.maxPairs ?? 20_000;
    this.ctx = ctx;
    const slots = config.cacheSlots ?? 16_384;
    this.cacheMask = slots - 1;
    this.cache = new Int32Array(slots * 4);
    for (let c = 0; c < slots; c++) this.cache[(c << 2) + 1] = EMPTY;
    this.cacheTs = new Float64Array(slots);
    this.cachePair = new Array<ScanPair | null>(slots).fill(null);
  }

  /** New thresholds from a config reload; tracked pairs and ongoing scans are kept. */
  reconfigure(config: Pick<PortScanConfig, 'ports' | 'windowSeconds'>): void {
    this.threshold = Math.max(2, config.ports);
    this.windowMicros = config.windowSeconds * 1e6;
  }

  get trackedPairs(): number {
    return this.pairs.size;
  }

  /** Whether this attacker's (fast) scan is being reported: the slow-scan detector stays quiet then. */
  hasScan(attacker: string): boolean {
    return this.attackers.has(attacker);
  }

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    if (slot < 0 || pkt.l4Offset === 0) return;
    const events = flows.lastEvents;
    if ((events & FlowEvent.NEW) !== 0) {
      if (!flows.lastFromOrig) return;
      let kind: number = ProbeKind.NONE;
      if (pkt.proto === IpProto.TCP) kind = classifyTcpProbe(pkt.tcpFlags, pkt.payloadLen);
      else if (pkt.proto === IpProto.UDP && !isUnsolicitedAnswer(pkt.srcPort, pkt.buf, pkt.payloadOffset, pkt.payloadLen)) kind = ProbeKind.UDP;
      else if (pkt.proto === IpProto.SCTP) kind = classifySctpProbe(pkt.sctpChunk);
      if (kind === ProbeKind.NONE) return;
      const home = this.ctx.homeNet;
      if (home !== null && !home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) return;
      this.probe(pkt, kind, flows.shared.srcDstHash(pkt));
    } else if (this.pairs.size > 0 && flows.respPackets[slot] === 1 && !flows.lastFromOrig) {
      // The target's first answer to a flow: the probe reached a sender that exists.
      const pair = this.findReversePair(pkt);
      if (pair !== null) pair.answered++;
    } else if ((events & FlowEvent.HANDSHAKE_DONE) !== 0) {
      // A completed handshake is what a connect() scan leaves on its open ports.
      const pair = this.findPair(flows.shared.srcDstHash(pkt), pkt);
      if (pair === null) return;
      pair.handshakes++;
      if (pair.scan !== null) {
        pair.scan.handshakes++;
        this.refresh(pair.scan);
      }
    }
  }

  private probe(pkt: Packet, kind: number, hash: number): void {
    const c = hash & this.cacheMask;
    const ts = pkt.tsMicros;
    const kernelSyn = kind === ProbeKind.SYN && pkt.tcpOptionsLen >= KERNEL_SYN_MIN_OPTIONS ? 1 : 0;
    let pair: ScanPair | null;
    const r = c << 2;
    const cache = this.cache;
    if (cache[r] === hash && cache[r + 1] !== EMPTY) {
      pair = this.cachePair[c]!;
      if (pair === null) {
        if (cache[r + 1] === pkt.dstPort) return; // the same port again: nothing new
        pair = this.findPair(hash, pkt) ?? this.createPair(hash, pkt, ts);
        const meta = cache[r + 2]!;
        this.addProbe(pair, cache[r + 1]!, meta & 0xff, meta >>> 8, this.cacheTs[c]!);
        this.attachToCache(pair, c);
      }
    } else {
      // A pair already tracked but pushed out of the cache by another pair.
      pair = this.pairs.size > 0 ? this.findPair(hash, pkt) : null;
      this.fillCache(c, hash, pkt.dstPort, kind, kernelSyn, ts);
      if (pair === null) return;
      this.attachToCache(pair, c);
    }
    this.addProbe(pair, pkt.dstPort, kind, kernelSyn, ts);
  }

  private addProbe(pair: ScanPair, port: number, kind: number, kernelSyn: number, ts: number): void {
    if (pair.scan === null && ts - pair.windowStart > this.windowMicros) {
      // A new window: what this pair did long ago does not add up to a scan now.
      pair.ports.clear();
      pair.kinds.fill(0);
      pair.kernelLikeSyns = 0;
      pair.probes = 0;
      pair.windowStart = ts;
      pair.firstSeen = ts;
    }
    if (ts > pair.lastSeen) pair.lastSeen = ts;
    pair.probes++;
    pair.kinds[kind]!++;
    pair.kernelLikeSyns += kernelSyn;
    const isNewPort = pair.ports.add(port);
    const scan = pair.scan;
    if (scan !== null) {
      scan.probes++;
      scan.kinds[kind]!++;
      scan.kernelLikeSyns += kernelSyn;
      if (isNewPort && !pair.copies) scan.portsCount++;
      if (ts > scan.lastSeen) scan.lastSeen = ts;
      this.refresh(scan);
    } else if (pair.ports.size >= this.threshold) {
      this.raise(pair, ts);
    }
  }

  private raise(pair: ScanPair, ts: number): void {
    const attacker = formatAddress(pair.src[0]!, pair.src[1]!, pair.src[2]!, pair.src[3]!);
    const target = formatAddress(pair.dst[0]!, pair.dst[1]!, pair.dst[2]!, pair.dst[3]!);
    let scan = this.attackers.get(attacker);
    if (scan === undefined && this.joinAsDecoy(pair, attacker, target, ts)) return;
    const isNew = scan === undefined;
    if (scan === undefined) {
      const alert: Alert = newAlert(this.ctx, {
        attackType: 'PORT_SCAN',
        severity: 'medium',
        attacker,
        nowMicros: ts,
        firstSeenMicros: pair.firstSeen,
        target,
        protocol: 'tcp',
        details: { scan_type: 'SYN', ports_count: 0, targets_count: 0 },
      });
      scan = new AttackerScan(alert, pair.firstSeen, pair.lastSeen);
      scan.firstPair = pair;
      scan.attacker = attacker;
      this.attackers.set(attacker, scan);
      const list = this.scansByTarget.get(target);
      if (list === undefined) this.scansByTarget.set(target, [scan]);
      else list.push(scan);
      this.collectDecoys(scan, pair);
    }
    pair.scan = scan;
    scan.targets++;
    for (let k = 0; k < PROBE_KIND_COUNT; k++) scan.kinds[k]! += pair.kinds[k]!;
    scan.kernelLikeSyns += pair.kernelLikeSyns;
    scan.handshakes += pair.handshakes;
    scan.probes += pair.probes;
    scan.portsCount += pair.ports.size;
    if (pair.firstSeen < scan.firstSeen) scan.firstSeen = pair.firstSeen;
    if (pair.lastSeen > scan.lastSeen) scan.lastSeen = pair.lastSeen;
    this.fill(scan);
    if (isNew) this.ctx.raise(scan.alert, ts);
    else this.ctx.changed(scan.alert);
  }

  /**
   * Decoys (nmap -D): other sources send the same probes to the same target at the same time. A
   * pair whose ports are mostly those of a live scan of its target, begun within a second of it,
   * joins that scan as one of its sources instead of raising a scan of its own; the alert names
   * the member the target's answers show as a real sender (answered probes, SYN-ACKs answered in
   * turn) and lists the others under attack_details.decoys.
   */
  private joinAsDecoy(pair: ScanPair, source: string, target: string, ts: number): boolean {
    const list = this.scansByTarget.get(target);
    if (list === undefined) return false;
    for (const scan of list) {
      const first = scan.firstPair;
      if (first === null || first.scan !== scan) continue;
      if (Math.abs(pair.firstSeen - first.firstSeen) > DECOY_START_MICROS || scan.lastSeen < ts - this.windowMicros) continue;
      if (first.ports.overlap(pair.ports) * 5 < pair.ports.size * 4) continue;
      this.addDecoy(scan, pair, source);
      if (pair.lastSeen > scan.lastSeen) scan.lastSeen = pair.lastSeen;
      this.refresh(scan);
      return true;
    }
    return false;
  }

  private addDecoy(scan: AttackerScan, pair: ScanPair, source: string): void {
    pair.scan = scan;
    pair.copies = true;
    scan.decoys.set(source, pair);
    this.attackers.set(source, scan);
    scan.probes += pair.probes;
    if (pair.lastSeen > scan.lastSeen) scan.lastSeen = pair.lastSeen;
  }

  /**
   * A new scan's decoys that have not reached the threshold yet (they send right behind the
   * first): pairs of the same target, begun within a window, whose ports are mostly the scan's.
   * Runs once per new scan over the bounded pair table.
   */
  private collectDecoys(scan: AttackerScan, first: ScanPair): void {
    const min = Math.max(3, this.threshold >> 1);
    const d = first.dst;
    for (const other of this.pairs) {
      if (other === first || other.scan !== null || other.ports.size < min) continue;
      const o = other.dst;
      if (o[3] !== d[3] || o[0] !== d[0] || o[1] !== d[1] || o[2] !== d[2]) continue;
      if (Math.abs(other.firstSeen - first.firstSeen) > DECOY_START_MICROS) continue;
      if (first.ports.overlap(other.ports) * 5 < other.ports.size * 4) continue;
      const source = this.sourceOf(other);
      if (this.attackers.has(source)) continue;
      this.addDecoy(scan, other, source);
    }
  }

  /** Among a scan and its decoys, the source with the most answered probes (ties: the first seen). */
  private nameAttacker(scan: AttackerScan): void {
    if (scan.decoys.size === 0 || scan.firstPair === null) return;
    let best = scan.attacker;
    let bestScore = best === this.sourceOf(scan.firstPair) ? scan.firstPair.answered : (scan.decoys.get(best)?.answered ?? 0);
    const candidates: [string, ScanPair][] = [[this.sourceOf(scan.firstPair), scan.firstPair], ...scan.decoys];
    for (const [source, pair] of candidates)
      if (pair.answered > bestScore) {
        best = source;
        bestScore = pair.answered;
      }
    scan.attacker = best;
    const decoys = candidates.map(([source]) => source).filter((source) => source !== best);
    scan.alert.attacker_ip = best;
    scan.alert.attack_details.decoys = decoys;
  }

  private sourceOf(pair: ScanPair): string {
    return formatAddress(pair.src[0]!, pair.src[1]!, pair.src[2]!, pair.src[3]!);
  }

  private refresh(scan: AttackerScan): void {
    this.fill(scan);
    this.ctx.changed(scan.alert);
  }

  /** Writes the scan's evidence into its alert record. */
  private fill(scan: AttackerScan): void {
    const a = scan.alert;
    const scanType = decideScanType(scan);
    a.packet_count = scan.probes;
    a.duration = roundSeconds((scan.lastSeen - scan.firstSeen) / 1e6);
    a.protocol = scanType === 'UDP' ? 'udp' : scanType === 'SCTP_INIT' ? 'sctp' : 'tcp';
    a.severity = scan.portsCount >= 100 ? 'high' : 'medium';
    a.attack_details.scan_type = scanType;
    a.attack_details.ports_count = scan.portsCount;
    a.attack_details.first_seen = isoFromMicros(scan.firstSeen);
    a.attack_details.targets_count = scan.targets;
    a.attack_details.probes_by_type = probesByType(scan.kinds);
    if (scan.decoys.size > 0) this.nameAttacker(scan);
  }

  onTick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + Math.min(this.windowMicros, 10e6);
    // Pairs that never became a scan are dropped after a window of silence; scans are kept
    // for ten windows so a pause does not split one scan into two alerts.
    const quietCutoff = nowMicros - this.windowMicros;
    const scanCutoff = nowMicros - 10 * this.windowMicros;
    for (const pair of this.pairs) {
      if (pair.lastSeen >= quietCutoff) continue;
      if (pair.scan !== null && pair.scan.lastSeen >= scanCutoff) continue;
      this.dropPair(pair);
    }
    for (const [attacker, scan] of this.attackers) {
      if (scan.lastSeen < scanCutoff) this.attackers.delete(attacker);
    }
    for (const [target, list] of this.scansByTarget) {
      const live = list.filter((scan) => scan.lastSeen >= scanCutoff);
      if (live.length === 0) this.scansByTarget.delete(target);
      else if (live.length !== list.length) this.scansByTarget.set(target, live);
    }
  }

  private fillCache(c: number, hash: number, port: number, kind: number, kernelSyn: number, ts: number): void {
    const old = this.cachePair[c];
    if (old != null && old.cacheSlot === c) old.cacheSlot = -1;
    const r = c << 2;
    this.cache[r] = hash;
    this.cache[r + 1] = port;
    this.cache[r + 2] = kind | (kernelSyn << 8);
    this.cacheTs[c] = ts;
    this.cachePair[c] = null;
  }

  private attachToCache(pair: ScanPair, c: number): void {
    this.cachePair[c] = pair;
    pair.cacheSlot = c;
  }

  private findPair(hash: number, p: Packet): ScanPair | null {
    for (let pair = this.pairsByHash.get(hash) ?? null; pair !== null; pair = pair.nextSameHash) {
      const s = pair.src;
      const d = pair.dst;
      if (s[3] === p.src3 && d[3] === p.dst3 && s[0] === p.src0 && s[1] === p.src1 && s[2] === p.src2 && d[0] === p.dst0 && d[1] === p.dst1 && d[2] === p.dst2) return pair;
    }
    return null;
  }

  /** The pair whose source is this packet's destination and whose target is its source. */
  private findReversePair(p: Packet): ScanPair | null {
    const hash = hashWords(p.src0, p.src1, p.src2, p.src3, hashWords(p.dst0, p.dst1, p.dst2, p.dst3, 0));
    for (let pair = this.pairsByHash.get(hash) ?? null; pair !== null; pair = pair.nextSameHash) {
      const s = pair.src;
      const d = pair.dst;
      if (s[3] === p.dst3 && d[3] === p.src3 && s[0] === p.dst0 && s[1] === p.dst1 && s[2] === p.dst2 && d[0] === p.src0 && d[1] === p.src1 && d[2] === p.src2) return pair;
    }
    return null;
  }

  private createPair(hash: number, p: Packet, ts: number): ScanPair {
    if (this.pairs.size >= this.maxPairs) {
      const oldest = this.pairs.values().next().value as ScanPair;
      this.dropPair(oldest);
      this.evictedPairs++;
    }
    const pair = new ScanPair(hash);
    pair.src[0] = p.src0; pair.src[1] = p.src1; pair.src[2] = p.src2; pair.src[3] = p.src3;
    pair.dst[0] = p.dst0; pair.dst[1] = p.dst1; pair.dst[2] = p.dst2; pair.dst[3] = p.dst3;
    pair.windowStart = ts;
    pair.firstSeen = ts;
    pair.lastSeen = ts;
    pair.nextSameHash = this.pairsByHash.get(hash) ?? null;
    this.pairsByHash.set(hash, pair);
    this.pairs.add(pair);
    return pair;
  }

  private dropPair(pair: ScanPair): void {
    this.pairs.delete(pair);
    if (pair.cacheSlot >= 0 && this.cachePair[pair.cacheSlot] === pair) {
      this.cachePair[pair.cacheSlot] = null;
      this.cache[(pair.cacheSlot << 2) + 1] = EMPTY;
    }
    const head = this.pairsByHash.get(pair.hash) ?? null;
    if (head === pair) {
      if (pair.nextSameHash === null) this.pairsByHash.delete(pair.hash);
      else this.pairsByHash.set(pair.hash, pair.nextSameHash);
      return;
    }
    for (let cur = head; cur !== null; cur = cur.nextSameHash) {
      if (cur.nextSameHash === pair) {
        cur.nextSameHash = pair.nextSameHash;
        return;
      }
    }
  }
}

/**
 * The most frequent probe kind names the scan. A SYN scan is called CONNECT when the
 * originator completed handshakes (connect() on open ports) or most SYNs carry a kernel's
 * full option set rather than a raw-socket scanner's.
 */
function decideScanType(scan: AttackerScan): ScanType {
  let best = 0;
  for (let k = 1; k < PROBE_KIND_COUNT; k++) if (scan.kinds[k]! > scan.kinds[best]!) best = k;
  if (best === ProbeKind.SYN) {
    const syns = scan.kinds[ProbeKind.SYN]!;
    if (scan.handshakes > 0 || scan.kernelLikeSyns * 2 > syns) return 'CONNECT';
  }
  return PROBE_KIND_SCAN_TYPE[best]!;
}

function probesByType(kinds: Int32Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = 0; k < PROBE_KIND_COUNT; k++) if (kinds[k]! > 0) out[PROBE_KIND_SCAN_TYPE[k]!] = kinds[k]!;
  return out;
}

export type PortScanSettings = Pick<PortScanConfig, 'ports' | 'windowSeconds'>;

/** PORT_SCAN. psad's and Zeek's defaults sit around 15 distinct ports; high-security reacts earlier. */
export const portScanDescriptor: ConfiguredDetectorDescriptor<'portScan', PortScanSettings, PortScanDetector> = {
  name: 'portScan',
  stage: 'packet',
  settings: {
    defaults: { 'high-security': { ports: 10, windowSeconds: 120 }, balanced: { ports: 15, windowSeconds: 60 }, development: { ports: 50, windowSeconds: 30 } },
    schema: { ports: intInRange(2, 65_536), windowSeconds: seconds },
  },
  create: (settings, inputs) => new PortScanDetector(settings, inputs.context),
  reconfigure: (detector, settings) => (detector.reconfigure(settings), []),
};
