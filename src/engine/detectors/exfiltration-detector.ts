import type { CidrSet } from '../../net/cidr-set.js';
import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { roundSeconds, type Alert } from '../../model/alert.js';
import { IpProto, type Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';
import { TcpHistory } from '../flows/tcp-history.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { intInRange, seconds } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';
import { LruAddressTable } from '../sketch/lru-address-table.js';
import { AddressSpaceSaving, SpaceSaving } from '../sketch/space-saving.js';

export interface ExfiltrationConfig {
  /** Bytes (on the wire) sent to one outside destination within the window that raise an alert. Default 15 MB. */
  bytes?: number;
  /** Sliding window, seconds. Default 60. */
  windowSeconds?: number;
  /** Bound on tracked destinations; the least recently seen is evicted past it (counted). Default 16384. */
  maxDestinations?: number;
  /** Destinations never reported (backup servers, CDNs, update mirrors …). */
  allow?: CidrSet;
}

export const EXFILTRATION_DEFAULTS = { bytes: 15_000_000, windowSeconds: 60, maxDestinations: 16_384 } as const;

/** Buckets per window: 12 → 5 s buckets for the default 60 s window. */
const BUCKETS = 12;
/** Home sources remembered per destination (Space-Saving, heaviest first in the alert). */
const SOURCES = 8;
/** Destination ports remembered per destination (Space-Saving by packets). */
const PORTS = 4;
/** Protocol classes: tcp, udp, icmp, other IP. */
const PROTOS = ['tcp', 'udp', 'icmp', 'ip'] as const;
/** A live alert is refreshed (ctx.changed) at most this often per destination from the packet path. */
const UPDATE_MICROS = 1e6;

/**
 * Whether the home host sending this packet began its conversation: only what a home host sends
 * on a flow it opened leaves the home net of its own accord. A download an outside client takes
 * from a home server, echo replies and ICMP errors are answers, not exfiltration. TCP: the home
 * host sent the SYN, or, for a flow picked up mid-stream, it sends from the higher (client) port;
 * UDP and other protocols: it sent the flow's first packet; ICMP: echo requests only.
 */
function sentByInitiator(pkt: Packet, flows: FlowTable, slot: number): boolean {
  const proto = pkt.proto;
  if (proto === IpProto.ICMP) return pkt.icmpType === 8;
  if (proto === IpProto.ICMPV6) return pkt.icmpType === 128;
  if (slot < 0) return true;
  if (!flows.lastFromOrig) return false;
  if (proto !== IpProto.TCP) return true;
  return (flows.historyOf(slot) & TcpHistory.ORIG_SYN) !== 0 || pkt.srcPort > pkt.dstPort;
}

/** One alert: one outside destination receiving a large transfer, until it has been quiet for three windows. */
class Transfer {
  bytes = 0;
  packets = 0;
  lastSeen: number;
  nextUpdate = 0;
  reported = 0;
  constructor(
    readonly slot: number,
    readonly alert: Alert,
    public firstSeen: number,
    ts: number,
  ) {
    this.lastSeen = ts;
  }
}

/**
 * DATA_EXFILTRATION: bytes leaving the home net, per outside destination, in a sliding window.
 *
 * A packet counts when its source is in `ctx.homeNet`, its destination is not, the destination is
 * not multicast/broadcast and not in `allow`, and the home host opened the conversation
 * (sentByInitiator). Its wire length is added to the destination's
 * window: `BUCKETS` buckets of window/12 (5 s by default) kept with a running sum, so bytes older
 * than the window (at bucket granularity: between 55 and 60 s for the defaults) stop counting.
 * When a destination's window holds more than `bytes`, one alert is raised with the destination
 * as attacker_ip (the receiving outside host) and the heaviest home sender as target_ip; every
 * later outbound packet to it updates that alert (bytes_out is the transfer's running total).
 * After three windows without outbound traffic to it, the alert ends and a new transfer raises a
 * new alert.
 *
 * Without a home net (`ctx.homeNet === null`, e.g. a replay without --home-net) "leaving" has no
 * meaning and the detector does nothing. The home net is read on every packet, so a live refresh
 * takes effect at once.
 *
 * State is preallocated typed arrays: destinations in an LruAddressTable (the least recently
 * seen evicted past maxDestinations), and per destination its buckets and Space-Saving
 * counters of sources and ports; nothing is allocated per packet (the alert and its strings are
 * built when it is raised or refreshed, at most once a second).
 */
export class ExfiltrationDetector implements PacketDetector {
  readonly name = 'exfiltration';
  // Not readonly: SIGHUP reconfigures a running detector (reconfigure below).
  thresholdBytes: number;
  readonly windowSeconds: number;
  readonly capacity: number;
  private readonly windowMicros: number;
  private readonly bucketMicros: number;
  private readonly allow: CidrSet | null;
  private readonly ctx: DetectorContext;

  private readonly destinations: LruAddressTable;
  // Per destination entry of the table.
  private readonly lastBucket: Float64Array;
  private readonly byteBuckets: Float64Array;
  private readonly windowBytes: Float64Array;
  private readonly pktBuckets: Float64Array;
  private readonly windowPkts: Float64Array;
  private readonly firstSeen: Float64Array;
  private readonly lastSeen: Float64Array;
  private readonly protoBytes: Float64Array;
  /** Home sources by bytes sent. */
  private readonly sources: AddressSpaceSaving;
  /** Destination ports by packets. */
  private readonly ports: SpaceSaving;
  private readonly transferOf: (Transfer | null)[];
  private readonly live = new Set<Transfer>();

  /** Live alerts ended by eviction of their destination. */
  evictedTransfers = 0;

  /**
   * New byte threshold from a config reload. The window is the geometry of every destination's
   * buckets, so a changed window is returned as not applied (it needs a restart).
   */
  reconfigure(config: Pick<ExfiltrationConfig, 'bytes' | 'windowSeconds'>): string[] {
    this.thresholdBytes = Math.max(1, config.bytes ?? EXFILTRATION_DEFAULTS.bytes);
    const window = config.windowSeconds ?? EXFILTRATION_DEFAULTS.windowSeconds;
    return window === this.windowSeconds ? [] : ['thresholds.exfiltration.windowSeconds (needs a restart)'];
  }

  constructor(config: ExfiltrationConfig, ctx: DetectorContext) {
    this.thresholdBytes = Math.max(1, config.bytes ?? EXFILTRATION_DEFAULTS.bytes);
    this.windowSeconds = config.windowSeconds ?? EXFILTRATION_DEFAULTS.windowSeconds;
    if (!(this.windowSeconds > 0)) throw new RangeError(`windowSeconds must be > 0 (got ${this.windowSeconds})`);
    this.windowMicros = this.windowSeconds * 1e6;
    this.bucketMicros = this.windowMicros / BUCKETS;
    const cap = Math.max(1, Math.floor(config.maxDestinations ?? EXFILTRATION_DEFAULTS.maxDestinations));
    this.capacity = cap;
    this.allow = config.allow ?? null;
    this.ctx = ctx;
    this.destinations = new LruAddressTable(cap);
    this.lastBucket = new Float64Array(cap);
    this.byteBuckets = new Float64Array(cap * BUCKETS);
    this.windowBytes = new Float64Array(cap);
    this.pktBuckets = new Float64Array(cap * BUCKETS);
    this.windowPkts = new Float64Array(cap);
    this.firstSeen = new Float64Array(cap);
    this.lastSeen = new Float64Array(cap);
    this.protoBytes = new Float64Array(cap * PROTOS.length);
    this.sources = new AddressSpaceSaving(cap, SOURCES);
    this.ports = new SpaceSaving(cap, PORTS);
    this.transferOf = new Array<Transfer | null>(cap).fill(null);
  }

  /** Destinations currently tracked (≤ capacity). */
  get trackedDestinations(): number {
    return this.destinations.size;
  }

  /** Destinations evicted to admit new ones. */
  get evictedDestinations(): number {
    return this.destinations.evictions;
  }

  /** Alerts currently being updated. */
  get liveAlerts(): number {
    return this.live.size;
  }

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    const home = this.ctx.homeNet;
    if (home === null) return;
    if (!home.has(pkt.src0, pkt.src1, pkt.src2, pkt.src3)) return;
    if (!sentByInitiator(pkt, flows, slot)) return;
    const d0 = pkt.dst0;
    const d1 = pkt.dst1;
    const d2 = pkt.dst2;
    const d3 = pkt.dst3;
    if (home.has(d0, d1, d2, d3)) return;
    if (isGroupAddress(d0, d1, d2, d3)) return;
    if (this.allow !== null && this.allow.has(d0, d1, d2, d3)) return;
    this.outbound(pkt, d0, d1, d2, d3);
  }

  private outbound(pkt: Packet, d0: number, d1: number, d2: number, d3: number): void {
    const ts = pkt.tsMicros;
    const len = pkt.wireLen;
    let s = this.destinations.find(d0, d1, d2, d3);
    let t: Transfer | null;
    if (s === LruAddressTable.NONE) {
      s = this.claim(d0, d1, d2, d3, ts);
      t = null;
    } else {
      this.destinations.touch(s);
      t = this.transferOf[s]!;
      if (t !== null && ts - t.lastSeen > 3 * this.windowMicros) {
        this.endTransfer(t);
        t = null;
      }
      this.roll(s, ts);
    }
    const bucket = Math.floor(ts / this.bucketMicros);
    const bi = s * BUCKETS + (bucket % BUCKETS);
    this.byteBuckets[bi]! += len;
    this.pktBuckets[bi]! += 1;
    this.windowPkts[s]! += 1;
    const inWindow = (this.windowBytes[s]! += len);
    if (ts > this.lastSeen[s]!) this.lastSeen[s] = ts;
    this.protoBytes[s * PROTOS.length + protoClass(pkt.proto)]! += len;
    this.sources.add(s, pkt.src0, pkt.src1, pkt.src2, pkt.src3, len);
    if (pkt.l4Offset !== 0 && (pkt.proto === IpProto.TCP || pkt.proto === IpProto.UDP)) this.ports.add(s, pkt.dstPort, 1);

    if (t !== null) {
      t.bytes += len;
      t.packets++;
      if (ts > t.lastSeen) t.lastSeen = ts;
      if (ts >= t.nextUpdate) {
        t.nextUpdate = ts + UPDATE_MICROS;
        this.fill(t);
        this.ctx.changed(t.alert);
      }
      return;
    }
    if (inWindow <= this.thresholdBytes) return;
    this.raise(s, ts);
  }

  private raise(s: number, ts: number): void {
    const b = s * 4;
    const addr = this.destinations.addresses;
    const first = this.firstSeen[s]!;
    const alert: Alert = newAlert(this.ctx, {
      attackType: 'DATA_EXFILTRATION',
      severity: 'high',
      attacker: formatAddress(addr[b]!, addr[b + 1]!, addr[b + 2]!, addr[b + 3]!),
      nowMicros: ts,
      firstSeenMicros: first,
      details: { bytes_out: 0, window_seconds: this.windowSeconds, threshold: this.thresholdBytes, destination_port: null, sources: [] },
    });
    const t = new Transfer(s, alert, first, ts);
    t.bytes = this.windowBytes[s]!;
    t.packets = this.windowPkts[s]!;
    t.nextUpdate = ts + UPDATE_MICROS;
    this.transferOf[s] = t;
    this.live.add(t);
    this.fill(t);
    this.ctx.raise(alert, ts);
  }

  /** Writes the evidence into the alert (allocates strings: only on raise and throttled updates). */
  private fill(t: Transfer): void {
    const s = t.slot;
    const a = t.alert;
    const d = a.attack_details;
    t.reported = t.packets;
    a.packet_count = t.packets;
    a.duration = roundSeconds((t.lastSeen - t.firstSeen) / 1e6);
    // Protocol carrying most bytes.
    const pb = s * PROTOS.length;
    let best = 0;
    for (let i = 1; i < PROTOS.length; i++) if (this.protoBytes[pb + i]! > this.protoBytes[pb + best]!) best = i;
    a.protocol = PROTOS[best]!;
    // Sources, heaviest first.
    const { counts, addresses } = this.sources;
    const order: number[] = [];
    for (let c = s * SOURCES, end = c + this.sources.used[s]!; c < end; c++) order.push(c);
    order.sort((x, y) => counts[y]! - counts[x]!);
    const sources = order.map((c) => formatAddress(addresses[c * 4]!, addresses[c * 4 + 1]!, addresses[c * 4 + 2]!, addresses[c * 4 + 3]!));
    a.target_ip = sources[0] ?? null;
    d.sources = sources;
    d.bytes_out = t.bytes;
    d.bytes_in_window = this.windowBytes[s]!;
    // Most used destination port (by packets).
    const port = this.ports.heaviest(s);
    d.destination_port = port < 0 ? null : this.ports.keys[port]!;
  }

  onTick(nowMicros: number): void {
    const end = nowMicros - 3 * this.windowMicros;
    for (const t of this.live) {
      if (t.lastSeen < end) this.endTransfer(t);
      else if (t.packets !== t.reported) {
        this.fill(t);
        this.ctx.changed(t.alert);
      }
    }
  }

  private endTransfer(t: Transfer): void {
    if (t.packets !== t.reported) {
      this.fill(t);
      this.ctx.changed(t.alert);
    }
    this.live.delete(t);
    if (this.transferOf[t.slot] === t) this.transferOf[t.slot] = null;
  }

  // ---- sliding window ----

  /** Advances the entry's buckets to `ts`, dropping what left the window. */
  private roll(s: number, ts: number): void {
    const bucket = Math.floor(ts / this.bucketMicros);
    const last = this.lastBucket[s]!;
    if (bucket <= last) return; // same bucket, or a slightly older timestamp: counted in the current one
    const base = s * BUCKETS;
    if (bucket - last >= BUCKETS) {
      this.byteBuckets.fill(0, base, base + BUCKETS);
      this.pktBuckets.fill(0, base, base + BUCKETS);
      this.windowBytes[s] = 0;
      this.windowPkts[s] = 0;
      // The window emptied: a new activity starts (evidence, sources and ports restart).
      this.firstSeen[s] = ts;
      if (this.transferOf[s] === null) this.resetEvidence(s);
    } else {
      let sum = this.windowBytes[s]!;
      let pkts = this.windowPkts[s]!;
      for (let b = last + 1; b <= bucket; b++) {
        const i = base + (b % BUCKETS);
        sum -= this.byteBuckets[i]!;
        pkts -= this.pktBuckets[i]!;
        this.byteBuckets[i] = 0;
        this.pktBuckets[i] = 0;
      }
      // Integer sums below 2^53 are exact; the guard only protects against misuse.
      this.windowBytes[s] = sum < 0.5 ? 0 : sum;
      this.windowPkts[s] = pkts < 0.5 ? 0 : pkts;
    }
    this.lastBucket[s] = bucket;
  }

  private resetEvidence(s: number): void {
    this.sources.clear(s);
    this.ports.clear(s);
    this.protoBytes.fill(0, s * PROTOS.length, (s + 1) * PROTOS.length);
  }

  /** A table entry for a new destination; the one it evicts ends its live alert first. */
  private claim(d0: number, d1: number, d2: number, d3: number, ts: number): number {
    const s = this.destinations.insert(d0, d1, d2, d3);
    const t = this.transferOf[s]!;
    if (t !== null) {
      this.endTransfer(t);
      this.evictedTransfers++;
    }
    const base = s * BUCKETS;
    this.byteBuckets.fill(0, base, base + BUCKETS);
    this.pktBuckets.fill(0, base, base + BUCKETS);
    this.windowBytes[s] = 0;
    this.windowPkts[s] = 0;
    this.lastBucket[s] = Math.floor(ts / this.bucketMicros);
    this.firstSeen[s] = ts;
    this.lastSeen[s] = ts;
    this.transferOf[s] = null;
    this.resetEvidence(s);
    return s;
  }
}

function protoClass(proto: number): number {
  if (proto === IpProto.TCP) return 0;
  if (proto === IpProto.UDP) return 1;
  if (proto === IpProto.ICMP || proto === IpProto.ICMPV6) return 2;
  return 3;
}

/** IPv4 multicast (224/4) and limited broadcast, IPv6 multicast (ff00::/8): not a transfer to a host. */
function isGroupAddress(w0: number, w1: number, w2: number, w3: number): boolean {
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) return w3 >>> 28 === 0xe || w3 === 0xffffffff;
  return w0 >>> 24 === 0xff;
}

export type ExfiltrationSettings = Pick<ExfiltrationConfig, 'bytes' | 'windowSeconds'>;

/** DATA_EXFILTRATION: bytes leaving the home net to one destination in a window (15 MB in 60 s by default). */
export const exfiltrationDescriptor: ConfiguredDetectorDescriptor<'exfiltration', ExfiltrationSettings, ExfiltrationDetector> = {
  name: 'exfiltration',
  stage: 'packet',
  settings: {
    defaults: { 'high-security': { bytes: 10_000_000 }, balanced: {}, development: { bytes: 100_000_000 } },
    schema: { bytes: intInRange(1, Number.MAX_SAFE_INTEGER), windowSeconds: seconds },
  },
  create: (settings, inputs) => new ExfiltrationDetector(settings, inputs.context),
  reconfigure: (detector, settings) => detector.reconfigure(settings),
};
