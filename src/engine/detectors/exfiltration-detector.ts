import type { CidrSet } from '../../net/cidr-set.js';
import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { roundSeconds, type Alert } from '../../model/alert.js';
import { IpProto, type Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { intInRange, seconds } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';

export interface ExfiltrationConfig {
  /** Bytes (on the wire) sent to one outside destination within the window that raise an alert. Default 15 MB (seed 004). */
  bytes?: number;
  /** Sliding window, seconds. Default 60 (seed 004). */
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
const NONE = -1;
/** A live alert is refreshed (ctx.changed) at most this often per destination from the packet path. */
const UPDATE_MICROS = 1e6;

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
 * not multicast/broadcast and not in `allow`. Its wire length is added to the destination's
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
 * State is preallocated typed arrays: an open-addressing hash index over the four destination
 * words, and a least-recently-seen list for eviction; nothing is allocated per packet (the
 * alert and its strings are built when it is raised or refreshed, at most once a second).
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

  // Hash index: slot of the entry, NONE when empty; linear probing, backward-shift deletion.
  private readonly index: Int32Array;
  private readonly indexMask: number;

  // Entries (dense 0..capacity-1).
  private readonly addr: Uint32Array;
  private readonly lastBucket: Float64Array;
  private readonly byteBuckets: Float64Array;
  private readonly windowBytes: Float64Array;
  private readonly pktBuckets: Float64Array;
  private readonly windowPkts: Float64Array;
  private readonly firstSeen: Float64Array;
  private readonly lastSeen: Float64Array;
  private readonly protoBytes: Float64Array;
  private readonly srcAddr: Uint32Array;
  private readonly srcBytes: Float64Array;
  private readonly srcUsed: Uint8Array;
  private readonly portVal: Int32Array;
  private readonly portCount: Float64Array;
  private readonly portUsed: Uint8Array;
  private readonly transferOf: (Transfer | null)[];
  // LRU list: head = most recently seen, tail = least.
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private head = NONE;
  private tail = NONE;
  private used = 0;
  private readonly live = new Set<Transfer>();

  /** Destinations evicted to admit new ones (overflow, DESIGN §4). */
  evictedDestinations = 0;
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
    let size = 2;
    while (size < cap * 2) size *= 2;
    this.index = new Int32Array(size).fill(NONE);
    this.indexMask = size - 1;
    this.addr = new Uint32Array(cap * 4);
    this.lastBucket = new Float64Array(cap);
    this.byteBuckets = new Float64Array(cap * BUCKETS);
    this.windowBytes = new Float64Array(cap);
    this.pktBuckets = new Float64Array(cap * BUCKETS);
    this.windowPkts = new Float64Array(cap);
    this.firstSeen = new Float64Array(cap);
    this.lastSeen = new Float64Array(cap);
    this.protoBytes = new Float64Array(cap * PROTOS.length);
    this.srcAddr = new Uint32Array(cap * SOURCES * 4);
    this.srcBytes = new Float64Array(cap * SOURCES);
    this.srcUsed = new Uint8Array(cap);
    this.portVal = new Int32Array(cap * PORTS);
    this.portCount = new Float64Array(cap * PORTS);
    this.portUsed = new Uint8Array(cap);
    this.transferOf = new Array<Transfer | null>(cap).fill(null);
    this.prev = new Int32Array(cap).fill(NONE);
    this.next = new Int32Array(cap).fill(NONE);
  }

  /** Destinations currently tracked (≤ capacity). */
  get trackedDestinations(): number {
    return this.used;
  }

  /** Alerts currently being updated. */
  get liveAlerts(): number {
    return this.live.size;
  }

  onPacket(pkt: Packet, _flows: FlowTable, _slot: number): void {
    const home = this.ctx.homeNet;
    if (home === null) return;
    if (!home.has(pkt.src0, pkt.src1, pkt.src2, pkt.src3)) return;
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
    const h = hash(d0, d1, d2, d3) & this.indexMask;
    let s = this.find(h, d0, d1, d2, d3);
    let t: Transfer | null;
    if (s === NONE) {
      s = this.claim(h, d0, d1, d2, d3, ts);
      t = null;
    } else {
      this.touch(s);
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
    this.countSource(s, pkt.src0, pkt.src1, pkt.src2, pkt.src3, len);
    if (pkt.l4Offset !== 0 && (pkt.proto === IpProto.TCP || pkt.proto === IpProto.UDP)) this.countPort(s, pkt.dstPort);

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
    const first = this.firstSeen[s]!;
    const alert: Alert = newAlert(this.ctx, {
      attackType: 'DATA_EXFILTRATION',
      severity: 'high',
      attacker: formatAddress(this.addr[b]!, this.addr[b + 1]!, this.addr[b + 2]!, this.addr[b + 3]!),
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
    const n = this.srcUsed[s]!;
    const order: number[] = [];
    for (let i = 0; i < n; i++) order.push(i);
    const sb = s * SOURCES;
    order.sort((x, y) => this.srcBytes[sb + y]! - this.srcBytes[sb + x]!);
    const sources = order.map((i) => {
      const w = (sb + i) * 4;
      return formatAddress(this.srcAddr[w]!, this.srcAddr[w + 1]!, this.srcAddr[w + 2]!, this.srcAddr[w + 3]!);
    });
    a.target_ip = sources[0] ?? null;
    d.sources = sources;
    d.bytes_out = t.bytes;
    d.bytes_in_window = this.windowBytes[s]!;
    // Most used destination port (by packets).
    const portBase = s * PORTS;
    let bp = -1;
    for (let i = 0; i < this.portUsed[s]!; i++) if (bp < 0 || this.portCount[portBase + i]! > this.portCount[portBase + bp]!) bp = i;
    d.destination_port = bp < 0 ? null : this.portVal[portBase + bp]!;
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
    this.srcUsed[s] = 0;
    this.portUsed[s] = 0;
    this.protoBytes.fill(0, s * PROTOS.length, (s + 1) * PROTOS.length);
  }

  // ---- Space-Saving counters (bounded, approximate past their size) ----

  private countSource(s: number, w0: number, w1: number, w2: number, w3: number, len: number): void {
    const base = s * SOURCES;
    const n = this.srcUsed[s]!;
    const a = this.srcAddr;
    let min = 0;
    for (let i = 0; i < n; i++) {
      const w = (base + i) * 4;
      if (a[w + 3] === w3 && a[w + 2] === w2 && a[w + 1] === w1 && a[w] === w0) {
        this.srcBytes[base + i]! += len;
        return;
      }
      if (this.srcBytes[base + i]! < this.srcBytes[base + min]!) min = i;
    }
    let i: number;
    if (n < SOURCES) {
      i = n;
      this.srcUsed[s] = n + 1;
      this.srcBytes[base + i] = len;
    } else {
      i = min;
      this.srcBytes[base + i]! += len;
    }
    const w = (base + i) * 4;
    a[w] = w0;
    a[w + 1] = w1;
    a[w + 2] = w2;
    a[w + 3] = w3;
  }

  private countPort(s: number, port: number): void {
    const base = s * PORTS;
    const n = this.portUsed[s]!;
    let min = 0;
    for (let i = 0; i < n; i++) {
      if (this.portVal[base + i] === port) {
        this.portCount[base + i]! += 1;
        return;
      }
      if (this.portCount[base + i]! < this.portCount[base + min]!) min = i;
    }
    if (n < PORTS) {
      this.portUsed[s] = n + 1;
      this.portVal[base + n] = port;
      this.portCount[base + n] = 1;
    } else {
      this.portVal[base + min] = port;
      this.portCount[base + min]! += 1;
    }
  }

  // ---- destination table: open addressing + least-recently-seen eviction ----

  private find(h: number, d0: number, d1: number, d2: number, d3: number): number {
    const idx = this.index;
    const a = this.addr;
    for (let i = h; ; i = (i + 1) & this.indexMask) {
      const s = idx[i]!;
      if (s === NONE) return NONE;
      const b = s * 4;
      if (a[b + 3] === d3 && a[b + 2] === d2 && a[b + 1] === d1 && a[b] === d0) return s;
    }
  }

  private claim(h: number, d0: number, d1: number, d2: number, d3: number, ts: number): number {
    let s: number;
    if (this.used < this.capacity) {
      s = this.used++;
    } else {
      s = this.tail;
      this.evictedDestinations++;
      const t = this.transferOf[s]!;
      if (t !== null) {
        this.endTransfer(t);
        this.evictedTransfers++;
      }
      this.unindex(s);
      this.unlink(s);
    }
    const b = s * 4;
    this.addr[b] = d0;
    this.addr[b + 1] = d1;
    this.addr[b + 2] = d2;
    this.addr[b + 3] = d3;
    // Slot may have moved by backward shift in unindex: probe again for a free place.
    let i = h;
    while (this.index[i] !== NONE) i = (i + 1) & this.indexMask;
    this.index[i] = s;
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
    this.pushFront(s);
    return s;
  }

  /** Removes slot `s` from the hash index (backward-shift deletion, no tombstones). */
  private unindex(s: number): void {
    const mask = this.indexMask;
    const idx = this.index;
    const a = this.addr;
    const b = s * 4;
    let i = hash(a[b]!, a[b + 1]!, a[b + 2]!, a[b + 3]!) & mask;
    while (idx[i] !== s) i = (i + 1) & mask;
    let hole = i;
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const o = idx[j]!;
      if (o === NONE) break;
      const ob = o * 4;
      const home = hash(a[ob]!, a[ob + 1]!, a[ob + 2]!, a[ob + 3]!) & mask;
      // Move o into the hole when its home position does not lie cyclically in (hole, j].
      const dist = (j - home) & mask;
      const holeDist = (j - hole) & mask;
      if (dist >= holeDist) {
        idx[hole] = o;
        hole = j;
      }
    }
    idx[hole] = NONE;
  }

  private touch(s: number): void {
    if (this.head === s) return;
    this.unlink(s);
    this.pushFront(s);
  }

  private pushFront(s: number): void {
    this.prev[s] = NONE;
    this.next[s] = this.head;
    if (this.head !== NONE) this.prev[this.head] = s;
    this.head = s;
    if (this.tail === NONE) this.tail = s;
  }

  private unlink(s: number): void {
    const p = this.prev[s]!;
    const n = this.next[s]!;
    if (p !== NONE) this.next[p] = n;
    else this.head = n;
    if (n !== NONE) this.prev[n] = p;
    else this.tail = p;
    this.prev[s] = NONE;
    this.next[s] = NONE;
  }
}

function hash(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w3 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w2 ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ w1 ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ w0 ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
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
