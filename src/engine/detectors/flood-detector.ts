import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { isoFromMicros, roundSeconds, type Alert, type AttackType } from '../../model/alert.js';
import { IpProto, TcpFlag, type Packet } from '../decode/packet.js';
import { FlowEvent, type FlowTable } from '../flows/flow-table.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { positiveInt, positiveNumber, share } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';

export interface FloodConfig {
  /** Packets per second towards one target that make a flood. SYNs count net of completed handshakes. */
  synPps?: number;
  udpPps?: number;
  icmpPps?: number;
  /** Unsolicited SYN-ACKs plus UDP from amplifier ports that open no-request flows, per second. */
  reflectionPps?: number;
  /** Distinct sources (estimated) above which a flood is a DDOS. */
  ddosSources?: number;
  /** Share of the top source (guaranteed Space-Saving count / tracked packets) that names one attacker. */
  topShare?: number;
  /** Targets with state (a multiple of 4); the least recently seen of a 4-way set is evicted. */
  maxTargets?: number;
  /** Source trackers (heavy hitters + distinct count, ~1.2 KB each) for busy (target, kind) pairs. */
  maxTrackers?: number;
  /** Seconds of silence after which a flood is over and a new one raises a new alert. */
  endSeconds?: number;
}

export const FLOOD_DEFAULTS: Required<FloodConfig> = {
  synPps: 1000,
  udpPps: 5000,
  icmpPps: 1000,
  reflectionPps: 1000,
  ddosSources: 100,
  topShare: 0.5,
  maxTargets: 16_384,
  maxTrackers: 512,
  endSeconds: 60,
};

/** Kinds of flood tracked per target. */
const SYN = 0;
const UDP = 1;
const ICMP = 2;
const REFL = 3;
const KINDS = 4;
const KIND_NAME = ['SYN', 'UDP', 'ICMP', 'REFLECTION'] as const;
const KIND_ATTACK: AttackType[] = ['SYN_FLOOD', 'UDP_FLOOD', 'ICMP_FLOOD', 'REFLECTION'];
const KIND_PROTO = ['tcp', 'udp', 'icmp', null] as const;

/** Space-Saving counters per (target, kind). */
const HH = 32;
/** Heavy hitters see one packet in this many (a power of two) of a (target, kind). */
const HH_SAMPLE = 4;
/** Heavy-hitter samples a tracker needs before a flood is named from it. */
const MIN_SAMPLES = 32;
/** Trackers looked at per attempt to take one when none is free. */
const STEAL_SCAN = 16;
/** 32-bit words of the destination-port bitmap of a tracker (1024 bits). */
const PORT_WORDS = 32;
/** HyperLogLog registers per (target, kind): ~6.5 % standard error. */
const HLL_BITS = 8;
const HLL_M = 1 << HLL_BITS;
const HLL_ALPHA = 0.7213 / (1 + 1.079 / HLL_M);
/** Sources are tracked once a target gets this fraction of a kind's threshold. */
const TRACK_FRACTION = 8;
const SECOND = 1e6;
const WAYS = 4;

/** UDP source ports of amplifiers (a response from one opening a flow had no request). */
export const AMPLIFIER_PORTS: ReadonlyMap<number, string> = new Map([
  [17, 'qotd'],
  [19, 'chargen'],
  [53, 'dns'],
  [111, 'portmap'],
  [123, 'ntp'],
  [161, 'snmp'],
  [389, 'cldap'],
  [500, 'isakmp'],
  [1900, 'ssdp'],
  [5353, 'mdns'],
  [11211, 'memcached'],
  [37810, 'dvr-dhcpdiscover'],
]);
const AMP = new Uint8Array(65536);
for (const port of AMPLIFIER_PORTS.keys()) AMP[port] = 1;

/** One alert and its evidence; bound to the (target, kind) entries it counts. */
class FloodAttack {
  packets = 0;
  handshakes = 0;
  sources = 0;
  peakPps = 0;
  targets = 0;
  reported = -1;
  readonly bindings: number[] = [];
  readonly services = new Map<string, number>();
  constructor(
    readonly key: string,
    readonly kind: number,
    readonly alert: Alert,
    public firstSeen: number,
    public lastSeen: number,
  ) {}
}

/**
 * SYN_FLOOD / UDP_FLOOD / ICMP_FLOOD / DDOS / REFLECTION: packet rates towards one target
 * (destination address; only home-net targets when a home net is set).
 *
 * Kinds: SYN = TCP SYN without ACK; UDP = any UDP but amplifier responses; ICMP = echo requests
 * (type 8, ICMPv6 128); REFLECTION = SYN-ACKs and UDP from amplifier ports that open a new flow
 * (no request was seen).
 *
 * Per target and kind: packets in the current and previous 1 s bucket (the rate is the sliding
 * estimate cur + prev × the part of the previous second still in the window). SYNs count net of
 * handshakes completed towards the same target (FlowEvent.HANDSHAKE_DONE), so a busy server whose
 * clients finish their handshakes never floods, however many connections a second it takes.
 *
 * Once a (target, kind) gets 1/8 of its threshold it takes a source tracker from a bounded pool:
 * a 32-entry Space-Saving table (heavy hitters, fed one packet in 4), a 256-register HyperLogLog
 * (distinct sources, ~6.5 %) and a 1024-bit destination-port bitmap. At the threshold the flood
 * is named: a top source with a guaranteed share ≥ topShare, or fewer than ddosSources sources →
 * <KIND>_FLOOD from the top source (one alert per attacker and kind); otherwise one DDOS per
 * target and kind (attacker_ip = the top source, attack_details.sources = the estimate). SYN and
 * UDP traffic whose destination ports are mostly new each packet is a port scan, left to
 * PortScanDetector. Nothing is kept per source: all state is typed arrays sized by maxTargets
 * and maxTrackers, plus one object per live alert; alerts end after endSeconds of silence.
 */
export class FloodDetector implements PacketDetector {
  readonly name = 'flood';
  private readonly ctx: DetectorContext;
  private readonly thresholds: Float64Array;
  private readonly trackFrom: Float64Array;
  // Not readonly: SIGHUP reconfigures a running detector (reconfigure below).
  private ddosSources: number;
  private topShare: number;
  private readonly endMicros: number;
  private readonly sets: number;

  // Per target slot
  private readonly addr: Uint32Array;
  private readonly used: Uint8Array;
  private readonly lastSeen: Float64Array;
  private readonly bucketStart: Float64Array;
  private readonly hsCur: Uint32Array;
  private readonly hsPrev: Uint32Array;
  // Per (slot, kind)
  private readonly cur: Uint32Array;
  private readonly prev: Uint32Array;
  private readonly trackerOf: Int32Array;
  /** Packet time the (slot, kind) got busy: first packet after a quiet second. */
  private readonly since: Float64Array;
  private readonly noTracker: Uint8Array;
  private readonly attackOf: Int32Array;
  // Per tracker
  private readonly trackers: number;
  private readonly owner: Int32Array;
  private readonly trackerLast: Float64Array;
  private readonly freeTrackers: Int32Array;
  private freeTop: number;
  private clockHand = 0;
  private readonly hhKey: Uint32Array;
  private readonly hhCount: Uint32Array;
  private readonly hhErr: Uint32Array;
  private readonly hhAddr: Uint32Array;
  private readonly hhTotal: Uint32Array;
  private readonly hll: Uint8Array;
  /** Per tracker: packets seen and a linear-counting bitmap of destination ports. */
  private readonly seen: Uint32Array;
  private readonly portBits: Uint32Array;

  private readonly attacks: (FloodAttack | null)[] = [];
  private readonly freeAttacks: number[] = [];
  private readonly attacksByKey = new Map<string, number>();
  private usedSlots = 0;
  evictedTargets = 0;

  /** New rates from a config reload (unset keys: the defaults); targets and floods in progress are kept. */
  reconfigure(config: Pick<FloodConfig, 'synPps' | 'udpPps' | 'icmpPps' | 'reflectionPps' | 'ddosSources' | 'topShare'>): void {
    const c = { ...FLOOD_DEFAULTS, ...config };
    this.thresholds.set([c.synPps, c.udpPps, c.icmpPps, c.reflectionPps]);
    this.thresholds.forEach((t, i) => (this.trackFrom[i] = t / TRACK_FRACTION));
    this.ddosSources = c.ddosSources;
    this.topShare = c.topShare;
  }

  constructor(config: FloodConfig, ctx: DetectorContext) {
    const c = { ...FLOOD_DEFAULTS, ...config };
    this.ctx = ctx;
    this.thresholds = Float64Array.of(c.synPps, c.udpPps, c.icmpPps, c.reflectionPps);
    this.trackFrom = this.thresholds.map((t) => t / TRACK_FRACTION);
    this.ddosSources = c.ddosSources;
    this.topShare = c.topShare;
    this.endMicros = c.endSeconds * SECOND;
    this.sets = Math.max(1, Math.ceil(c.maxTargets / WAYS));
    const n = this.sets * WAYS;
    this.addr = new Uint32Array(n * 4);
    this.used = new Uint8Array(n);
    this.lastSeen = new Float64Array(n);
    this.bucketStart = new Float64Array(n);
    this.hsCur = new Uint32Array(n);
    this.hsPrev = new Uint32Array(n);
    const nk = n * KINDS;
    this.cur = new Uint32Array(nk);
    this.prev = new Uint32Array(nk);
    this.trackerOf = new Int32Array(nk).fill(-1);
    this.since = new Float64Array(nk);
    this.noTracker = new Uint8Array(nk);
    this.attackOf = new Int32Array(nk).fill(-1);
    const t = (this.trackers = Math.max(1, c.maxTrackers));
    this.owner = new Int32Array(t).fill(-1);
    this.trackerLast = new Float64Array(t);
    this.freeTrackers = new Int32Array(t);
    for (let i = 0; i < t; i++) this.freeTrackers[i] = t - 1 - i;
    this.freeTop = t;
    this.hhKey = new Uint32Array(t * HH);
    this.hhCount = new Uint32Array(t * HH);
    this.hhErr = new Uint32Array(t * HH);
    this.hhAddr = new Uint32Array(t * HH * 4);
    this.hhTotal = new Uint32Array(t);
    this.hll = new Uint8Array(t * HLL_M);
    this.seen = new Uint32Array(t);
    this.portBits = new Uint32Array(t * PORT_WORDS);
  }

  /** Targets with state plus live alerts: bounded by maxTargets, whatever the number of sources. */
  get stateSize(): number {
    return this.usedSlots + this.attacksByKey.size;
  }

  /** Source trackers in use (bounded by maxTrackers). */
  get trackersInUse(): number {
    return this.trackers - this.freeTop;
  }

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    if (pkt.l4Offset === 0) return;
    const proto = pkt.proto;
    let kind: number;
    if (proto === IpProto.TCP) {
      const sa = pkt.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK);
      if (sa === TcpFlag.SYN) kind = SYN;
      else if (slot < 0) return;
      else if (sa === (TcpFlag.SYN | TcpFlag.ACK) && (flows.lastEvents & FlowEvent.NEW) !== 0) kind = REFL;
      else if ((flows.lastEvents & FlowEvent.HANDSHAKE_DONE) !== 0) {
        this.handshake(pkt);
        return;
      } else return;
    } else if (proto === IpProto.UDP) {
      kind = AMP[pkt.srcPort] === 1 && slot >= 0 && (flows.lastEvents & FlowEvent.NEW) !== 0 ? REFL : UDP;
    } else if (proto === IpProto.ICMP) {
      if (pkt.icmpType !== 8) return;
      kind = ICMP;
    } else if (proto === IpProto.ICMPV6) {
      if (pkt.icmpType !== 128) return;
      kind = ICMP;
    } else return;
    const home = this.ctx.homeNet;
    if (home !== null && !home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) return;
    this.count(pkt, kind);
  }

  private count(pkt: Packet, kind: number): void {
    const ts = pkt.tsMicros;
    const s = this.target(pkt, ts);
    const k = s * KINDS + kind;
    const c = ++this.cur[k]!;
    if (c === 1 && this.prev[k] === 0) this.since[k] = ts;
    const a = this.attackOf[k]!;
    if (a >= 0) {
      const attack = this.attacks[a]!;
      attack.packets++;
      if (ts > attack.lastSeen) attack.lastSeen = ts;
      if (kind === REFL && pkt.proto === IpProto.UDP) {
        const service = AMPLIFIER_PORTS.get(pkt.srcPort)!;
        attack.services.set(service, (attack.services.get(service) ?? 0) + 1);
      }
      this.track(k, pkt, true);
      return;
    }
    const p = this.prev[k]!;
    const threshold = this.thresholds[kind]!;
    if (c + p < this.trackFrom[kind]!) return;
    const busy = c + p >= threshold;
    if (!this.track(k, pkt, busy) || !busy) return;
    // Name nothing before the tracker has seen enough of the sources.
    const tr = this.trackerOf[k]!;
    if (this.hhTotal[tr]! < MIN_SAMPLES) return;
    const rate = this.rate(s, k, ts);
    if (rate < threshold) return;
    // Mostly new ports each packet is a port scan (PortScanDetector's), not a flood.
    if ((kind === SYN || kind === UDP) && this.distinctPorts(tr) * 4 > this.seen[tr]!) return;
    this.fire(s, kind, k, pkt, rate);
  }

  /** Sliding one-second rate of (slot, kind); SYNs net of completed handshakes. */
  private rate(s: number, k: number, ts: number): number {
    const keep = 1 - (ts - this.bucketStart[s]!) / SECOND;
    const w = keep > 1 ? 1 : keep > 0 ? keep : 0;
    let r = this.cur[k]! + this.prev[k]! * w;
    if (k % KINDS === SYN) r -= this.hsCur[s]! + this.hsPrev[s]! * w;
    return r;
  }

  private handshake(pkt: Packet): void {
    const s = this.find(pkt);
    if (s < 0) return;
    this.roll(s, pkt.tsMicros);
    this.hsCur[s]!++;
    const a = this.attackOf[s * KINDS + SYN]!;
    if (a >= 0) this.attacks[a]!.handshakes++;
  }

  /** Heavy hitters and distinct count of the sources of (slot, kind); false when no tracker is free. */
  private track(k: number, pkt: Packet, force: boolean): boolean {
    let t = this.trackerOf[k]!;
    if (t < 0) {
      // One failed attempt per second of a target that is busy but not flooding.
      if (!force && this.noTracker[k] === 1) return false;
      t = this.acquireTracker(k, pkt.tsMicros, force);
      if (t < 0) {
        this.noTracker[k] = 1;
        return false;
      }
    }
    this.trackerLast[t] = pkt.tsMicros;
    this.seen[t]!++;
    const pb = Math.imul(pkt.dstPort, 0x9e3779b1) >>> 22;
    this.portBits[t * PORT_WORDS + (pb >>> 5)]! |= 1 << (pb & 31);
    let h = Math.imul(pkt.src0 ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ pkt.src1 ^ (h >>> 15), 0xc2b2ae35);
    h = Math.imul(h ^ pkt.src2 ^ (h >>> 13), 0x85ebca6b);
    h = Math.imul(h ^ pkt.src3 ^ (h >>> 16), 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h = (h ^ (h >>> 12)) >>> 0;
    // HyperLogLog
    const r = (t << HLL_BITS) + (h >>> (32 - HLL_BITS));
    const rank = Math.clz32((h << HLL_BITS) | (1 << (HLL_BITS - 1))) + 1;
    if (rank > this.hll[r]!) this.hll[r] = rank;
    // Space-Saving, on one packet in HH_SAMPLE: shares need no more, and it is the costly part.
    if ((this.cur[k]! & (HH_SAMPLE - 1)) !== 0) return true;
    const key = h === 0 ? 1 : h;
    const base = t * HH;
    const keys = this.hhKey;
    const counts = this.hhCount;
    this.hhTotal[t]!++;
    let min = base;
    for (let i = base; i < base + HH; i++) {
      if (keys[i] === key) {
        counts[i]!++;
        return true;
      }
      if (counts[i]! < counts[min]!) min = i;
    }
    keys[min] = key;
    this.hhErr[min] = counts[min]!;
    counts[min]!++;
    const ad = min << 2;
    this.hhAddr[ad] = pkt.src0;
    this.hhAddr[ad + 1] = pkt.src1;
    this.hhAddr[ad + 2] = pkt.src2;
    this.hhAddr[ad + 3] = pkt.src3;
    return true;
  }

  /**
   * A free tracker, or one taken from a (target, kind) without an alert among the next
   * STEAL_SCAN of the clock: a quiet one (unused for a second), or, when `force` (the target is
   * at a flood threshold), the least busy one. -1 if none: bounded work per packet.
   */
  private acquireTracker(k: number, ts: number, force: boolean): number {
    let t = -1;
    if (this.freeTop > 0) t = this.freeTrackers[--this.freeTop]!;
    else {
      let fallback = -1;
      let fallbackLoad = Infinity;
      for (let n = 0; n < STEAL_SCAN && n < this.trackers; n++) {
        const i = this.clockHand;
        this.clockHand = i + 1 === this.trackers ? 0 : i + 1;
        const o = this.owner[i]!;
        if (this.attackOf[o]! >= 0) continue;
        if (this.trackerLast[i]! < ts - SECOND) {
          t = i;
          break;
        }
        const load = this.cur[o]! + this.prev[o]!;
        if (force && load < fallbackLoad) {
          fallback = i;
          fallbackLoad = load;
        }
      }
      if (t < 0) t = fallback;
      if (t < 0) return -1;
      this.trackerOf[this.owner[t]!] = -1;
      this.clearTracker(t);
    }
    this.owner[t] = k;
    this.trackerOf[k] = t;
    return t;
  }

  private releaseTracker(k: number): void {
    const t = this.trackerOf[k]!;
    if (t < 0) return;
    this.trackerOf[k] = -1;
    this.owner[t] = -1;
    this.clearTracker(t);
    this.freeTrackers[this.freeTop++] = t;
  }

  private clearTracker(t: number): void {
    this.hhTotal[t] = 0;
    this.seen[t] = 0;
    this.portBits.fill(0, t * PORT_WORDS, (t + 1) * PORT_WORDS);
    this.hhKey.fill(0, t * HH, t * HH + HH);
    this.hhCount.fill(0, t * HH, t * HH + HH);
    this.hhErr.fill(0, t * HH, t * HH + HH);
    this.hll.fill(0, t << HLL_BITS, (t + 1) << HLL_BITS);
  }

  /** Linear-counting estimate of the destination ports a tracker saw. */
  private distinctPorts(t: number): number {
    let zeros = 0;
    for (let i = t * PORT_WORDS; i < (t + 1) * PORT_WORDS; i++) zeros += 32 - popcount(this.portBits[i]!);
    const m = PORT_WORDS * 32;
    return zeros === 0 ? 65536 : m * Math.log(m / zeros);
  }

  private distinct(t: number): number {
    let sum = 0;
    let zeros = 0;
    const base = t << HLL_BITS;
    for (let i = base; i < base + HLL_M; i++) {
      const v = this.hll[i]!;
      sum += 2 ** -v;
      if (v === 0) zeros++;
    }
    const e = (HLL_ALPHA * HLL_M * HLL_M) / sum;
    if (e <= 2.5 * HLL_M && zeros > 0) return Math.round(HLL_M * Math.log(HLL_M / zeros));
    return Math.round(e);
  }

  /** Index of the top heavy hitter of a tracker by guaranteed count. */
  private top(t: number): number {
    const base = t * HH;
    let best = base;
    for (let i = base + 1; i < base + HH; i++) {
      if (this.hhCount[i]! - this.hhErr[i]! > this.hhCount[best]! - this.hhErr[best]!) best = i;
    }
    return best;
  }

  private topAddress(i: number): string {
    const ad = i << 2;
    return formatAddress(this.hhAddr[ad]!, this.hhAddr[ad + 1]!, this.hhAddr[ad + 2]!, this.hhAddr[ad + 3]!);
  }

  private fire(s: number, kind: number, k: number, pkt: Packet, rate: number): void {
    const ts = pkt.tsMicros;
    const tr = this.trackerOf[k]!;
    const t = this.top(tr);
    const total = this.hhTotal[tr]!;
    const share = total > 0 ? (this.hhCount[t]! - this.hhErr[t]!) / total : 0;
    const sources = this.distinct(tr);
    const attacker = this.topAddress(t);
    const target = formatAddress(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3);
    let attackType: AttackType;
    let key: string;
    if (kind === REFL) {
      attackType = 'REFLECTION';
      key = `REFLECTION|${target}`;
    } else if (share < this.topShare && sources >= this.ddosSources) {
      attackType = 'DDOS';
      key = `DDOS|${KIND_NAME[kind]}|${target}`;
    } else {
      attackType = KIND_ATTACK[kind]!;
      key = `${attackType}|${attacker}`;
    }
    let a = this.attacksByKey.get(key);
    let attack: FloodAttack;
    if (a === undefined) {
      const alert: Alert = newAlert(this.ctx, {
        attackType,
        severity: 'high',
        attacker,
        nowMicros: ts,
        target,
        targetPort: pkt.proto === IpProto.TCP || (pkt.proto === IpProto.UDP && kind === UDP) ? pkt.dstPort : null,
        protocol: kind === REFL ? (pkt.proto === IpProto.TCP ? 'tcp' : 'udp') : KIND_PROTO[kind]!,
      });
      // Evidence so far: what the window holds for this target and kind.
      attack = new FloodAttack(key, kind, alert, Math.min(ts, this.since[k]!), ts);
      a = this.freeAttacks.pop() ?? this.attacks.length;
      this.attacks[a] = attack;
      this.attacksByKey.set(key, a);
      attack.packets = this.cur[k]! + this.prev[k]!;
      if (kind === SYN) attack.handshakes = this.hsCur[s]! + this.hsPrev[s]!;
      this.bind(attack, a, k, rate, sources);
      if (kind === REFL && pkt.proto === IpProto.UDP) attack.services.set(AMPLIFIER_PORTS.get(pkt.srcPort)!, total);
      this.fill(attack);
      this.ctx.raise(alert, ts);
    } else {
      attack = this.attacks[a]!;
      attack.packets++;
      if (ts > attack.lastSeen) attack.lastSeen = ts;
      this.bind(attack, a, k, rate, sources);
      this.fill(attack);
      this.ctx.changed(attack.alert);
    }
  }

  private bind(attack: FloodAttack, a: number, k: number, rate: number, sources: number): void {
    this.attackOf[k] = a;
    if (!attack.bindings.includes(k)) {
      attack.bindings.push(k);
      attack.targets++;
    }
    if (rate > attack.peakPps) attack.peakPps = rate;
    if (sources > attack.sources) attack.sources = sources;
  }

  /** Writes an attack's evidence into its alert. */
  private fill(attack: FloodAttack): void {
    const a = attack.alert;
    const d = a.attack_details;
    const kind = attack.kind;
    let handshakeShare = 1;
    for (const k of attack.bindings) {
      if (this.attackOf[k] !== this.attacksByKey.get(attack.key)) continue;
      if (this.cur[k]! > attack.peakPps) attack.peakPps = this.cur[k]!;
      const t = this.trackerOf[k]!;
      if (t < 0) continue;
      const sources = this.distinct(t);
      if (sources > attack.sources) attack.sources = sources;
      if (a.attack_type === 'DDOS' || kind === REFL) a.attacker_ip = this.topAddress(this.top(t));
    }
    if (kind === SYN) handshakeShare = attack.packets > 0 ? attack.handshakes / attack.packets : 0;
    a.packet_count = attack.packets;
    a.duration = roundSeconds((attack.lastSeen - attack.firstSeen) / SECOND);
    const heavy = attack.peakPps >= 10 * this.thresholds[kind]!;
    a.severity = a.attack_type === 'DDOS' || heavy ? 'critical' : 'high';
    d.first_seen = isoFromMicros(attack.firstSeen);
    d.peak_pps = Math.round(attack.peakPps);
    d.targets_count = attack.targets;
    if (kind === REFL) {
      d.reflectors = attack.sources;
      let best: string | null = null;
      let bestCount = -1;
      for (const [service, n] of attack.services) {
        if (n > bestCount) {
          best = service;
          bestCount = n;
        }
      }
      d.service = best ?? 'syn-ack';
    } else {
      d.flood_type = KIND_NAME[kind];
      d.sources = attack.sources;
      // Spoofing shows as SYNs whose handshakes never complete; for UDP/ICMP, as many sources.
      d.spoofed_likely = kind === SYN ? handshakeShare < 0.1 && attack.sources >= this.ddosSources : attack.sources >= this.ddosSources;
      if (kind === SYN) d.handshakes = attack.handshakes;
    }
    attack.reported = attack.packets;
  }

  onTick(nowMicros: number): void {
    const end = nowMicros - this.endMicros;
    for (let a = 0; a < this.attacks.length; a++) {
      const attack = this.attacks[a];
      if (attack == null) continue;
      if (attack.lastSeen < end) {
        for (const k of attack.bindings) if (this.attackOf[k] === a) this.attackOf[k] = -1;
        this.attacksByKey.delete(attack.key);
        this.attacks[a] = null;
        this.freeAttacks.push(a);
      } else if (attack.packets !== attack.reported) {
        this.fill(attack);
        this.ctx.changed(attack.alert);
      }
    }
  }

  // ---- target table: 4-way set-associative, least recently seen of the set evicted ----

  private setOf(p: Packet): number {
    let h = Math.imul(p.dst3 ^ 0x7f4a7c15, 0x85ebca6b);
    h = Math.imul(h ^ p.dst2 ^ p.dst1 ^ p.dst0 ^ (h >>> 13), 0xc2b2ae35);
    return ((h ^ (h >>> 16)) >>> 0) % this.sets;
  }

  private find(p: Packet): number {
    const base = this.setOf(p) * WAYS;
    const ad = this.addr;
    for (let s = base; s < base + WAYS; s++) {
      const b = s << 2;
      if (this.used[s] === 1 && ad[b + 3] === p.dst3 && ad[b + 2] === p.dst2 && ad[b + 1] === p.dst1 && ad[b] === p.dst0) return s;
    }
    return -1;
  }

  private target(p: Packet, ts: number): number {
    let s = this.find(p);
    if (s < 0) s = this.claim(p, ts);
    else this.roll(s, ts);
    this.lastSeen[s] = ts;
    return s;
  }

  private claim(p: Packet, ts: number): number {
    const base = this.setOf(p) * WAYS;
    let victim = -1;
    for (let s = base; s < base + WAYS; s++) {
      if (this.used[s] === 0) {
        victim = s;
        break;
      }
      if (victim < 0 || this.score(s) < this.score(victim)) victim = s;
    }
    const s = victim;
    if (this.used[s] === 1) {
      this.evictedTargets++;
      for (let k = s * KINDS; k < s * KINDS + KINDS; k++) this.attackOf[k] = -1;
    } else this.usedSlots++;
    this.used[s] = 1;
    const b = s << 2;
    this.addr[b] = p.dst0;
    this.addr[b + 1] = p.dst1;
    this.addr[b + 2] = p.dst2;
    this.addr[b + 3] = p.dst3;
    this.bucketStart[s] = ts - (ts % SECOND);
    this.hsCur[s] = 0;
    this.hsPrev[s] = 0;
    for (let k = s * KINDS; k < s * KINDS + KINDS; k++) {
      this.cur[k] = 0;
      this.prev[k] = 0;
      this.noTracker[k] = 0;
      this.releaseTracker(k);
    }
    return s;
  }

  /** Eviction order: targets under attack last, then least recently seen. */
  private score(s: number): number {
    let attacked = 0;
    for (let k = s * KINDS; k < s * KINDS + KINDS; k++) if (this.attackOf[k]! >= 0) attacked = 1;
    return this.lastSeen[s]! + attacked * 1e18;
  }

  /** Moves a target's buckets forward to the second of `ts`. */
  private roll(s: number, ts: number): void {
    const elapsed = ts - this.bucketStart[s]!;
    if (elapsed < SECOND) return;
    const adjacent = elapsed < 2 * SECOND;
    this.bucketStart[s] = ts - (ts % SECOND);
    this.hsPrev[s] = adjacent ? this.hsCur[s]! : 0;
    this.hsCur[s] = 0;
    for (let k = s * KINDS; k < s * KINDS + KINDS; k++) {
      this.prev[k] = adjacent ? this.cur[k]! : 0;
      this.cur[k] = 0;
      this.noTracker[k] = 0;
      const a = this.attackOf[k]!;
      if (a >= 0 && this.prev[k]! > this.attacks[a]!.peakPps) this.attacks[a]!.peakPps = this.prev[k]!;
      // A quiet target starts a fresh source census next time it gets busy.
      if (this.trackerOf[k]! >= 0 && this.attackOf[k]! < 0 && this.prev[k]! < this.trackFrom[k % KINDS]!) this.releaseTracker(k);
    }
  }
}

function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

export type FloodSettings = Pick<FloodConfig, 'synPps' | 'udpPps' | 'icmpPps' | 'reflectionPps' | 'ddosSources' | 'topShare'>;

/** SYN_FLOOD, UDP_FLOOD, ICMP_FLOOD, DDOS and REFLECTION: rates per target (FLOOD_DEFAULTS where a profile says nothing). */
export const floodDescriptor: ConfiguredDetectorDescriptor<'flood', FloodSettings, FloodDetector> = {
  name: 'flood',
  stage: 'packet',
  settings: {
    defaults: { 'high-security': { synPps: 500, udpPps: 2500, icmpPps: 500 }, balanced: {}, development: { synPps: 5000, udpPps: 20000, icmpPps: 5000 } },
    schema: { synPps: positiveNumber, udpPps: positiveNumber, icmpPps: positiveNumber, reflectionPps: positiveNumber, ddosSources: positiveInt, topShare: share },
  },
  create: (settings, inputs) => new FloodDetector(settings, inputs.context),
  reconfigure: (detector, settings) => (detector.reconfigure(settings), []),
};
