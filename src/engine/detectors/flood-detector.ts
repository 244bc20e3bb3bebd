import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import type { Alert, AttackType } from '../../model/alert.js';
import { IpProto, TcpFlag, type Packet } from '../decode/packet.js';
import { FlowEvent, type FlowTable } from '../flows/flow-table.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { positiveInt, positiveNumber, share } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';
import { hashDst } from '../sketch/address-hash.js';
import { SetAssociativeTable } from '../sketch/set-associative-table.js';
import { FloodAttack, FloodAttacks, ICMP, KIND_ATTACK, KIND_NAME, KIND_PROTO, KINDS, REFL, SYN, UDP } from './flood-attacks.js';
import { FloodSourceTrackers } from './flood-source-trackers.js';

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
  /** Targets with state (rounded up to a power-of-two number of 4-way sets); the least recently seen of a set is evicted. */
  maxTargets?: number;
  /** Source trackers (heavy hitters + distinct count, ~1.5 KB each) for busy (target, kind) pairs. */
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

/** Heavy hitters see one packet in this many (a power of two) of a (target, kind). */
const HH_SAMPLE = 4;
/** Heavy-hitter samples a tracker needs before a flood is named from it. */
const MIN_SAMPLES = 32;
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
 * Once a (target, kind) gets 1/8 of its threshold it takes a source tracker from a bounded pool
 * (FloodSourceTrackers: heavy hitters fed one packet in 4, distinct sources, destination ports).
 * At the threshold the flood is named: a top source with a guaranteed share ≥ topShare, or fewer
 * than ddosSources sources → <KIND>_FLOOD from the top source (one alert per attacker and kind);
 * otherwise one DDOS per target and kind (attacker_ip = the top source, attack_details.sources =
 * the estimate). SYN and UDP traffic whose destination ports are mostly new each packet is a port
 * scan, left to PortScanDetector. Nothing is kept per source: targets live in a 4-way
 * set-associative table sized by maxTargets (targets under attack evicted last), trackers in a
 * pool of maxTrackers, plus one object per live alert; alerts end after endSeconds of silence.
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

  private readonly targets: SetAssociativeTable;
  // Per target entry
  private readonly bucketStart: Float64Array;
  private readonly hsCur: Uint32Array;
  private readonly hsPrev: Uint32Array;
  // Per (target, kind) entry: k = target * KINDS + kind
  private readonly cur: Uint32Array;
  private readonly prev: Uint32Array;
  /** Packet time the entry got busy: first packet after a quiet second. */
  private readonly since: Float64Array;
  /** A tracker was refused this second (only a flood threshold asks again). */
  private readonly noTracker: Uint8Array;
  private readonly attackOf: Int32Array;

  private readonly trackers: FloodSourceTrackers;
  private readonly attacks = new FloodAttacks();
  /** Entry of the previous packet's target: a flood sends packet after packet to one target. */
  private lastTarget = -1;

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
    this.targets = new SetAssociativeTable(c.maxTargets, WAYS, 4);
    const n = this.targets.capacity;
    this.bucketStart = new Float64Array(n);
    this.hsCur = new Uint32Array(n);
    this.hsPrev = new Uint32Array(n);
    const nk = n * KINDS;
    this.cur = new Uint32Array(nk);
    this.prev = new Uint32Array(nk);
    this.since = new Float64Array(nk);
    this.noTracker = new Uint8Array(nk);
    this.attackOf = new Int32Array(nk).fill(-1);
    this.trackers = new FloodSourceTrackers(c.maxTrackers, { attackOf: this.attackOf, cur: this.cur, prev: this.prev });
  }

  /** Targets with state plus live alerts: bounded by maxTargets, whatever the number of sources. */
  get stateSize(): number {
    return this.targets.size + this.attacks.size;
  }

  /** Source trackers in use (bounded by maxTrackers). */
  get trackersInUse(): number {
    return this.trackers.inUse;
  }

  get evictedTargets(): number {
    return this.targets.evictions;
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
      const attack = this.attacks.at(a);
      attack.packets++;
      if (ts > attack.lastSeen) attack.lastSeen = ts;
      if (kind === REFL && pkt.proto === IpProto.UDP) attack.countService(AMPLIFIER_PORTS.get(pkt.srcPort)!);
      this.track(k, pkt, true);
      return;
    }
    const p = this.prev[k]!;
    const threshold = this.thresholds[kind]!;
    if (c + p < this.trackFrom[kind]!) return;
    const busy = c + p >= threshold;
    if (!this.track(k, pkt, busy) || !busy) return;
    // Name nothing before the tracker has seen enough of the sources.
    const tr = this.trackers.trackerOf[k]!;
    if (this.trackers.samples(tr) < MIN_SAMPLES) return;
    const rate = this.rate(s, k, ts);
    if (rate < threshold) return;
    // Mostly new ports each packet is a port scan (PortScanDetector's), not a flood.
    if ((kind === SYN || kind === UDP) && this.trackers.distinctPorts(tr) * 4 > this.trackers.packetsSeen(tr)) return;
    this.fire(s, kind, k, pkt, rate);
  }

  /** Sliding one-second rate of entry k of target s; SYNs net of completed handshakes. */
  private rate(s: number, k: number, ts: number): number {
    const keep = 1 - (ts - this.bucketStart[s]!) / SECOND;
    const w = keep > 1 ? 1 : keep > 0 ? keep : 0;
    let r = this.cur[k]! + this.prev[k]! * w;
    if (k % KINDS === SYN) r -= this.hsCur[s]! + this.hsPrev[s]! * w;
    return r;
  }

  private handshake(pkt: Packet): void {
    const s = this.targets.findDst(hashDst(pkt), pkt);
    if (s < 0) return;
    this.roll(s, pkt.tsMicros);
    this.hsCur[s]!++;
    const a = this.attackOf[s * KINDS + SYN]!;
    if (a >= 0) this.attacks.at(a).handshakes++;
  }

  /** Feeds entry k's source tracker, taking one if it has none; false when none is free. */
  private track(k: number, pkt: Packet, force: boolean): boolean {
    let t = this.trackers.trackerOf[k]!;
    if (t < 0) {
      // One failed attempt per second of a target that is busy but not flooding.
      if (!force && this.noTracker[k] === 1) return false;
      t = this.trackers.acquire(k, pkt.tsMicros, force);
      if (t < 0) {
        this.noTracker[k] = 1;
        return false;
      }
    }
    // Heavy hitters on one packet in HH_SAMPLE: shares need no more.
    this.trackers.observe(t, pkt, (this.cur[k]! & (HH_SAMPLE - 1)) === 0);
    return true;
  }

  private fire(s: number, kind: number, k: number, pkt: Packet, rate: number): void {
    const ts = pkt.tsMicros;
    const trackers = this.trackers;
    const tr = trackers.trackerOf[k]!;
    const top = trackers.topSource(tr);
    const share = trackers.share(tr, top);
    const sources = trackers.distinctSources(tr);
    const attacker = trackers.sourceAddress(top);
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
    let a = this.attacks.indexOf(key);
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
      const attack = new FloodAttack(key, kind, alert, Math.min(ts, this.since[k]!), ts);
      a = this.attacks.add(attack);
      attack.packets = this.cur[k]! + this.prev[k]!;
      if (kind === SYN) attack.handshakes = this.hsCur[s]! + this.hsPrev[s]!;
      this.bind(attack, a, k, rate, sources);
      if (kind === REFL && pkt.proto === IpProto.UDP) attack.services.set(AMPLIFIER_PORTS.get(pkt.srcPort)!, trackers.samples(tr));
      this.fill(attack);
      this.ctx.raise(alert, ts);
    } else {
      const attack = this.attacks.at(a);
      attack.packets++;
      if (ts > attack.lastSeen) attack.lastSeen = ts;
      this.bind(attack, a, k, rate, sources);
      this.fill(attack);
      this.ctx.changed(attack.alert);
    }
  }

  private bind(attack: FloodAttack, a: number, k: number, rate: number, sources: number): void {
    this.setAttack(k, a);
    attack.bind(k, rate, sources);
  }

  /** Records entry k's attack (-1: none); a target with an attack is evicted last. */
  private setAttack(k: number, a: number): void {
    this.attackOf[k] = a;
    const s = (k / KINDS) | 0;
    let attacked = 0;
    for (let j = s * KINDS; j < s * KINDS + KINDS; j++) if (this.attackOf[j]! >= 0) attacked = 1;
    this.targets.pinned[s] = attacked;
  }

  /** Refreshes an attack's evidence from the entries it is bound to, then writes its alert. */
  private fill(attack: FloodAttack): void {
    const a = attack.alert;
    const index = this.attacks.indexOf(attack.key);
    for (const k of attack.bindings) {
      if (this.attackOf[k] !== index) continue;
      if (this.cur[k]! > attack.peakPps) attack.peakPps = this.cur[k]!;
      const t = this.trackers.trackerOf[k]!;
      if (t < 0) continue;
      const sources = this.trackers.distinctSources(t);
      if (sources > attack.sources) attack.sources = sources;
      if (a.attack_type === 'DDOS' || attack.kind === REFL) a.attacker_ip = this.trackers.sourceAddress(this.trackers.topSource(t));
    }
    attack.writeAlert(this.thresholds[attack.kind]!, this.ddosSources);
  }

  onTick(nowMicros: number): void {
    const end = nowMicros - this.endMicros;
    for (let a = 0; a < this.attacks.end; a++) {
      const attack = this.attacks.slot(a);
      if (attack === null) continue;
      if (attack.lastSeen < end) {
        for (const k of attack.bindings) if (this.attackOf[k] === a) this.setAttack(k, -1);
        this.attacks.remove(a);
      } else if (attack.packets !== attack.reported) {
        this.fill(attack);
        this.ctx.changed(attack.alert);
      }
    }
  }

  /** The entry of the packet's destination, created (possibly evicting) if new; its buckets rolled to `ts`. */
  private target(p: Packet, ts: number): number {
    let s = this.lastTarget;
    if (s < 0 || !this.targets.holdsDst(s, p)) {
      const hash = hashDst(p);
      s = this.targets.findDst(hash, p);
      if (s < 0) return (this.lastTarget = this.claim(hash, p, ts));
      this.lastTarget = s;
    }
    this.roll(s, ts);
    this.targets.lastSeen[s] = ts;
    return s;
  }

  private claim(hash: number, p: Packet, ts: number): number {
    const s = this.targets.insertDst(hash, p, ts);
    this.bucketStart[s] = ts - (ts % SECOND);
    this.hsCur[s] = 0;
    this.hsPrev[s] = 0;
    for (let k = s * KINDS; k < s * KINDS + KINDS; k++) {
      // An evicted target's alerts keep their evidence but no longer count it.
      this.attackOf[k] = -1;
      this.cur[k] = 0;
      this.prev[k] = 0;
      this.noTracker[k] = 0;
      this.trackers.release(k);
    }
    return s;
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
      if (a >= 0 && this.prev[k]! > this.attacks.at(a).peakPps) this.attacks.at(a).peakPps = this.prev[k]!;
      // A quiet target starts a fresh source census next time it gets busy.
      if (a < 0 && this.prev[k]! < this.trackFrom[k % KINDS]!) this.trackers.release(k);
    }
  }
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
