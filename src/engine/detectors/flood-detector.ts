import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import type { Alert, AttackType } from '../../model/alert.js';
import { IpProto, TcpFlag, type Packet } from '../decode/packet.js';
import { FlowEvent, type FlowTable } from '../flows/flow-table.js';
import { TcpHistory } from '../flows/tcp-history.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { positiveInt, positiveNumber, share } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';
import { hashDst } from '../sketch/address-hash.js';
import { SetAssociativeTable } from '../sketch/set-associative-table.js';
import { ACK, FloodAttack, FloodAttacks, FRAG, ICMP, KIND_ATTACK, KIND_NAME, KIND_PROTO, KINDS, REFL, RST, SYN, UDP } from './flood-attacks.js';
import { FloodSourceTrackers } from './flood-source-trackers.js';
import { BURST, FloodWindows, SECOND, SUSTAINED, WINDOW_SECONDS, WINDOWS } from './flood-windows.js';
import type { FragmentObserver } from './fragment-observer.js';
import { isAnswerShaped, reflectedService } from './reflection-ports.js';

export interface FloodConfig {
  /** Packets per second towards one target that make a flood. SYNs count net of completed handshakes. */
  synPps?: number;
  /** TCP segments without SYN that belong to no connection (ACK, FIN, PSH … floods). */
  ackPps?: number;
  /** RSTs that belong to no connection. */
  rstPps?: number;
  udpPps?: number;
  icmpPps?: number;
  /** IP fragments that do not (yet) make a datagram: fragments of completed datagrams count as the datagram's kind. */
  fragmentPps?: number;
  /** Unsolicited SYN-ACKs and UDP answers from reflector ports that nothing asked for, per second. */
  reflectionPps?: number;
  /** Share of a kind's rate that, kept up over 10 s, is a flood too (a low-rate flood). */
  sustainedShare?: number;
  /** Distinct sources (estimated) from which a flood is marked spoofed_likely. */
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
  ackPps: 1000,
  rstPps: 1000,
  udpPps: 5000,
  icmpPps: 1000,
  fragmentPps: 500,
  reflectionPps: 1000,
  sustainedShare: 0.2,
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
/** Sources are tracked once a target gets this fraction of a kind's threshold in any window. */
const TRACK_FRACTION = 8;
/**
 * A burst (0.1 s window) must reach this multiple of the per-second rate. SYNs: twice, since a
 * flash crowd's SYNs arrive a round trip before their handshakes complete.
 */
const BURST_FACTOR = [2, 1, 1, 1, 1, 1, 1];
/** Sources sending at least this share of a tracker's packets count as senders of their own (decoys do). */
const SENDER_SHARE = 0.05;
const SECOND_MICROS = 1e6;
const WAYS = 4;
/** History bits of a flow that is a connection or an attempt at one: its segments are no flood of their own. */
const CONNECTION = TcpHistory.ORIG_SYN | TcpHistory.RESP_SYN_ACK | TcpHistory.ESTABLISHED;

/**
 * SYN_FLOOD / UDP_FLOOD / ICMP_FLOOD / DDOS / REFLECTION: packet rates towards one target
 * (destination address; only home-net targets when a home net is set).
 *
 * Kinds: SYN = TCP SYN without ACK (net of handshakes completed towards the target); ACK = TCP
 * segments without SYN of no connection that the target answered with nothing but RST; RST =
 * RSTs of no connection; UDP = datagrams the target did not ask for (answers in a conversation
 * the target began are not counted); ICMP = echo requests; FRAGMENT = IP fragments, taken back
 * when they complete a datagram (which then counts as its own kind); REFLECTION = SYN-ACKs
 * opening a flow and UDP answers from reflector ports (reflection-ports.ts) nothing asked for.
 *
 * Per target and kind, three sliding windows (flood-windows.ts): 0.1 s for bursts (the
 * per-second threshold, twice it for SYNs), 1 s, and 10 s for sustained floods (sustainedShare of
 * the threshold). Once a (target, kind) gets 1/8 of a threshold in any window it takes a source
 * tracker from a bounded pool (flood-source-trackers.ts: heavy hitters fed one packet in 4,
 * distinct sources, destination ports). At a threshold the flood is named: when the top source
 * has a guaranteed share ≥ topShare or alone sends at the threshold's rate → <KIND>_FLOOD from it
 * (TCP kinds are SYN_FLOOD, fragments take their protocol's flood); otherwise one DDOS per target
 * and kind (attacker_ip = the top source, attack_details.sources = the estimate). Traffic whose
 * destination ports are mostly new for each of its senders is a scan, left to the scan
 * detectors; decoys (each sends every probe) do not make a scan a flood. Nothing is kept per
 * source: targets live in a 4-way set-associative table sized by maxTargets (targets under
 * attack evicted last), trackers in a pool of maxTrackers, plus one object per live alert;
 * alerts end after endSeconds of silence.
 */
export class FloodDetector implements PacketDetector, FragmentObserver {
  readonly name = 'flood';
  private readonly ctx: DetectorContext;
  /** Packets per window bucket that make a flood: [window * KINDS + kind]. */
  private readonly thresholds = new Float64Array(WINDOWS * KINDS);
  private readonly trackFrom = new Float64Array(WINDOWS * KINDS);
  // Not readonly: SIGHUP reconfigures a running detector (reconfigure below).
  private ddosSources = 0;
  private topShare = 0;
  private readonly endMicros: number;

  private readonly targets: SetAssociativeTable;
  private readonly windows: FloodWindows;
  // Per (target, kind) entry: k = target * KINDS + kind
  /** Packet time the entry got busy: first packet after a quiet second. */
  private readonly since: Float64Array;
  /** A tracker was refused this second (only a flood threshold asks again). */
  private readonly noTracker: Uint8Array;
  private readonly attackOf: Int32Array;
  /** Packets of each entry in the current and the previous whole second (peak rate, tracker choice). */
  private readonly perSecond: Uint32Array;
  private readonly perSecondPrev: Uint32Array;

  private readonly trackers: FloodSourceTrackers;
  private readonly attacks = new FloodAttacks();
  /** Entry of the previous packet's target: a flood sends packet after packet to one target. */
  private lastTarget = -1;

  /** New rates from a config reload (unset keys: the defaults); targets and floods in progress are kept. */
  reconfigure(config: FloodSettings): void {
    const c = { ...FLOOD_DEFAULTS, ...config };
    const pps = [c.synPps, c.udpPps, c.icmpPps, c.reflectionPps, c.ackPps, c.rstPps, c.fragmentPps];
    for (let kind = 0; kind < KINDS; kind++) {
      const perWindow = [pps[kind]! * BURST_FACTOR[kind]! * WINDOW_SECONDS[BURST], pps[kind]!, pps[kind]! * c.sustainedShare * WINDOW_SECONDS[SUSTAINED]];
      for (let w = 0; w < WINDOWS; w++) {
        this.thresholds[w * KINDS + kind] = perWindow[w]!;
        this.trackFrom[w * KINDS + kind] = perWindow[w]! / TRACK_FRACTION;
      }
    }
    this.ddosSources = c.ddosSources;
    this.topShare = c.topShare;
  }

  constructor(config: FloodConfig, ctx: DetectorContext) {
    const c = { ...FLOOD_DEFAULTS, ...config };
    this.ctx = ctx;
    this.reconfigure(config);
    this.endMicros = c.endSeconds * SECOND_MICROS;
    this.targets = new SetAssociativeTable(c.maxTargets, WAYS, 4);
    const n = this.targets.capacity;
    this.windows = new FloodWindows(n, KINDS);
    const nk = n * KINDS;
    this.since = new Float64Array(nk);
    this.noTracker = new Uint8Array(nk);
    this.attackOf = new Int32Array(nk).fill(-1);
    this.perSecond = new Uint32Array(nk);
    this.perSecondPrev = new Uint32Array(nk);
    this.trackers = new FloodSourceTrackers(c.maxTrackers, { attackOf: this.attackOf, cur: this.perSecond, prev: this.perSecondPrev });
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
      const f = pkt.tcpFlags;
      const sa = f & (TcpFlag.SYN | TcpFlag.ACK);
      if (sa === TcpFlag.SYN) kind = SYN;
      else if (slot < 0) return;
      else if (sa === (TcpFlag.SYN | TcpFlag.ACK)) {
        if ((flows.lastEvents & FlowEvent.NEW) === 0) return;
        kind = REFL;
      } else if ((flows.lastEvents & FlowEvent.HANDSHAKE_DONE) !== 0) {
        this.handshake(pkt);
        return;
      } else {
        // A segment of no connection, sent by whoever opened its flow.
        if (!flows.lastFromOrig) return;
        const h = flows.historyOf(slot);
        if ((h & CONNECTION) !== 0) return;
        if ((f & TcpFlag.RST) !== 0) kind = RST;
        else if (flows.respPackets[slot]! > 0 && (h & TcpHistory.RESP_RST) === 0) return; // the target talks back: a conversation
        else kind = ACK;
      }
    } else if (proto === IpProto.UDP) {
      // An answer in a conversation the target began is never a flood of it.
      if (slot >= 0 && !flows.lastFromOrig) return;
      kind = slot >= 0 && flows.respPackets[slot] === 0 && isAnswerShaped(pkt.srcPort, pkt.dstPort) ? REFL : UDP;
    } else if (proto === IpProto.ICMP) {
      if (pkt.icmpType !== 8) return;
      kind = ICMP;
    } else if (proto === IpProto.ICMPV6) {
      if (pkt.icmpType !== 128) return;
      kind = ICMP;
    } else return;
    const home = this.ctx.homeNet;
    if (home !== null && !home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) return;
    if (pkt.reassembled) this.unfragment(pkt);
    this.count(pkt, kind);
  }

  /** Every IP fragment towards a target counts as FRAGMENT until its datagram completes. */
  onFragment(pkt: Packet): void {
    const home = this.ctx.homeNet;
    if (home !== null && !home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) return;
    this.count(pkt, FRAG);
  }

  /** A reassembled datagram: its fragments are no fragment flood. */
  private unfragment(pkt: Packet): void {
    const s = this.targets.findDst(hashDst(pkt), pkt);
    if (s < 0) return;
    this.roll(s, pkt.tsMicros);
    this.windows.sub(s * KINDS + FRAG, pkt.fragCount);
  }

  private count(pkt: Packet, kind: number): void {
    const ts = pkt.tsMicros;
    const s = this.target(pkt, ts);
    const k = s * KINDS + kind;
    const win = this.windows;
    win.add(k, 1);
    this.perSecond[k]!++;
    if (win.upper(k, SECOND) === 1) this.since[k] = ts;
    const a = this.attackOf[k]!;
    if (a >= 0) {
      const attack = this.attacks.at(a);
      attack.packets++;
      if (ts > attack.lastSeen) attack.lastSeen = ts;
      if (kind === REFL && pkt.proto === IpProto.UDP) attack.countService(reflectedService(pkt.srcPort));
      this.track(k, pkt, true);
      return;
    }
    const tf = this.trackFrom;
    const one = win.upper(k, SECOND);
    const burst = win.upper(k, BURST);
    const sustained = win.upper(k, SUSTAINED);
    if (one < tf[SECOND * KINDS + kind]! && burst < tf[BURST * KINDS + kind]! && sustained < tf[SUSTAINED * KINDS + kind]!) return;
    const th = this.thresholds;
    const busy = one >= th[SECOND * KINDS + kind]! || burst >= th[BURST * KINDS + kind]! || sustained >= th[SUSTAINED * KINDS + kind]!;
    if (!this.track(k, pkt, busy) || !busy) return;
    // Name nothing before the tracker has seen enough of the sources.
    const tr = this.trackers.trackerOf[k]!;
    if (this.trackers.samples(tr) < MIN_SAMPLES) return;
    let w = 0;
    let n = 0;
    for (; w < WINDOWS; w++) {
      n = win.rate(s, k, w, ts, kind === SYN);
      if (n >= th[w * KINDS + kind]!) break;
    }
    if (w === WINDOWS) return;
    // Mostly new ports for each sender is a scan (the scan detectors'), not a flood; decoys are senders too.
    if (kind !== ICMP && kind !== REFL && kind !== FRAG) {
      const senders = Math.max(1, this.trackers.heavySources(tr, SENDER_SHARE));
      if (this.trackers.distinctPorts(tr) * 4 * senders > this.trackers.packetsSeen(tr)) return;
    }
    this.fire(s, kind, k, pkt, w, n);
  }

  private handshake(pkt: Packet): void {
    const s = this.targets.findDst(hashDst(pkt), pkt);
    if (s < 0) return;
    this.roll(s, pkt.tsMicros);
    this.windows.handshake(s);
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
    this.trackers.observe(t, pkt, (this.perSecond[k]! & (HH_SAMPLE - 1)) === 0);
    return true;
  }

  /** Entry k (target s) reached the threshold of window w with `n` packets in it. */
  private fire(s: number, kind: number, k: number, pkt: Packet, w: number, n: number): void {
    const ts = pkt.tsMicros;
    const trackers = this.trackers;
    const tr = trackers.trackerOf[k]!;
    const top = trackers.topSource(tr);
    const topShare = trackers.share(tr, top);
    const sources = trackers.distinctSources(tr);
    const attacker = trackers.sourceAddress(top);
    const target = formatAddress(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3);
    const pps = n / WINDOW_SECONDS[w]!;
    // One source is the attacker when it dominates or alone sends at the threshold's rate.
    const named = topShare >= this.topShare || topShare * n >= this.thresholds[w * KINDS + kind]!;
    let attackType: AttackType;
    let key: string;
    if (kind === REFL) {
      attackType = 'REFLECTION';
      key = `REFLECTION|${target}`;
    } else if (!named) {
      attackType = 'DDOS';
      key = `DDOS|${KIND_NAME[kind]}|${target}`;
    } else {
      attackType = kind === FRAG ? fragmentFlood(pkt.proto) : KIND_ATTACK[kind]!;
      key = `${attackType}|${attacker}`;
    }
    let a = this.attacks.indexOf(key);
    if (a === undefined) {
      const withPort = kind === SYN || kind === ACK || kind === RST || kind === UDP || (kind === REFL && pkt.proto === IpProto.TCP);
      const alert: Alert = newAlert(this.ctx, {
        attackType,
        severity: 'high',
        attacker,
        nowMicros: ts,
        target,
        targetPort: withPort ? pkt.dstPort : null,
        protocol: KIND_PROTO[kind] ?? protocolOf(pkt.proto),
      });
      // Evidence so far: what the window that fired holds for this target and kind.
      const attack = new FloodAttack(key, kind, alert, Math.min(ts, this.since[k]!), ts);
      attack.windowSeconds = WINDOW_SECONDS[w]!;
      a = this.attacks.add(attack);
      attack.packets = this.windows.upper(k, w);
      if (kind === SYN) attack.handshakes = this.windows.handshakes(s, w);
      this.bind(attack, a, k, pps, sources);
      if (kind === REFL && pkt.proto === IpProto.UDP) attack.services.set(reflectedService(pkt.srcPort), trackers.samples(tr));
      this.fill(attack);
      this.ctx.raise(alert, ts);
    } else {
      const attack = this.attacks.at(a);
      attack.packets++;
      if (ts > attack.lastSeen) attack.lastSeen = ts;
      if (WINDOW_SECONDS[w]! < attack.windowSeconds) attack.windowSeconds = WINDOW_SECONDS[w]!;
      this.bind(attack, a, k, pps, sources);
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
      if (this.perSecond[k]! > attack.peakPps) attack.peakPps = this.perSecond[k]!;
      const t = this.trackers.trackerOf[k]!;
      if (t < 0) continue;
      const sources = this.trackers.distinctSources(t);
      if (sources > attack.sources) attack.sources = sources;
      if (a.attack_type === 'DDOS' || attack.kind === REFL) a.attacker_ip = this.trackers.sourceAddress(this.trackers.topSource(t));
    }
    attack.writeAlert(this.thresholds[SECOND * KINDS + attack.kind]!, this.ddosSources);
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

  /** The entry of the packet's destination, created (possibly evicting) if new; its windows rolled to `ts`. */
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
    this.windows.reset(s, ts);
    for (let k = s * KINDS; k < s * KINDS + KINDS; k++) {
      // An evicted target's alerts keep their evidence but no longer count it.
      this.attackOf[k] = -1;
      this.perSecond[k] = 0;
      this.perSecondPrev[k] = 0;
      this.noTracker[k] = 0;
      this.trackers.release(k);
    }
    return s;
  }

  /** Moves a target's windows forward to `ts`; once a second, its per-second bookkeeping. */
  private roll(s: number, ts: number): void {
    if ((this.windows.roll(s, ts) & (1 << SECOND)) === 0) return;
    const win = this.windows;
    const tf = this.trackFrom;
    for (let k = s * KINDS; k < s * KINDS + KINDS; k++) {
      const kind = k % KINDS;
      const last = this.perSecond[k]!;
      this.perSecondPrev[k] = last;
      this.perSecond[k] = 0;
      this.noTracker[k] = 0;
      const a = this.attackOf[k]!;
      if (a >= 0) {
        if (last > this.attacks.at(a).peakPps) this.attacks.at(a).peakPps = last;
      } else if (win.upper(k, SECOND) < tf[SECOND * KINDS + kind]! && win.upper(k, SUSTAINED) < tf[SUSTAINED * KINDS + kind]!) {
        // A quiet target starts a fresh source census next time it gets busy.
        this.trackers.release(k);
      }
    }
  }
}

/** The flood alert of fragments from one source: its protocol's. */
function fragmentFlood(proto: number): AttackType {
  if (proto === IpProto.TCP) return 'SYN_FLOOD';
  if (proto === IpProto.ICMP || proto === IpProto.ICMPV6) return 'ICMP_FLOOD';
  return 'UDP_FLOOD';
}

function protocolOf(proto: number): Alert['protocol'] {
  if (proto === IpProto.TCP) return 'tcp';
  if (proto === IpProto.UDP) return 'udp';
  if (proto === IpProto.ICMP || proto === IpProto.ICMPV6) return 'icmp';
  return 'ip';
}

export type FloodSettings = Pick<
  FloodConfig,
  'synPps' | 'ackPps' | 'rstPps' | 'udpPps' | 'icmpPps' | 'fragmentPps' | 'reflectionPps' | 'sustainedShare' | 'ddosSources' | 'topShare'
>;

/** SYN_FLOOD, UDP_FLOOD, ICMP_FLOOD, DDOS and REFLECTION: rates per target (FLOOD_DEFAULTS where a profile says nothing). */
export const floodDescriptor: ConfiguredDetectorDescriptor<'flood', FloodSettings, FloodDetector> = {
  name: 'flood',
  stage: 'packet',
  settings: {
    defaults: {
      'high-security': { synPps: 500, ackPps: 500, rstPps: 500, udpPps: 2500, icmpPps: 500, fragmentPps: 250, reflectionPps: 500 },
      balanced: {},
      development: { synPps: 5000, ackPps: 5000, rstPps: 5000, udpPps: 20000, icmpPps: 5000, fragmentPps: 5000, reflectionPps: 5000, sustainedShare: 0.5 },
    },
    schema: {
      synPps: positiveNumber,
      ackPps: positiveNumber,
      rstPps: positiveNumber,
      udpPps: positiveNumber,
      icmpPps: positiveNumber,
      fragmentPps: positiveNumber,
      reflectionPps: positiveNumber,
      sustainedShare: share,
      ddosSources: positiveInt,
      topShare: share,
    },
  },
  create: (settings, inputs) => new FloodDetector(settings, inputs.context),
  reconfigure: (detector, settings) => (detector.reconfigure(settings), []),
};
