import { formatAddress } from '../../net/address.js';
import type { Packet } from '../decode/packet.js';
import { fibonacciHash, hashSrcForSketch } from '../sketch/address-hash.js';
import { copySrc } from '../sketch/address-words.js';
import { HyperLogLog } from '../sketch/hyperloglog.js';
import { LinearCounters } from '../sketch/linear-counters.js';
import { SpaceSaving } from '../sketch/space-saving.js';

/** Space-Saving counters per tracker. */
const HEAVY_HITTERS = 32;
/** HyperLogLog registers per tracker: 2^8, ~6.5 % standard error. */
const SOURCE_BITS = 8;
/** Destination-port bitmap per tracker: 2^10 bits. */
const PORT_BITS = 10;
/** Trackers looked at per attempt to take one when none is free. */
const STEAL_SCAN = 16;
const SECOND = 1e6;

/** What the pool reads of the flood detector's (target, kind) entries to choose a tracker to take over. */
export interface TrackedEntries {
  /** Live attack of each entry, -1 without. */
  readonly attackOf: Int32Array;
  /** Packets of each entry in the current and the previous second. */
  readonly cur: Uint32Array;
  readonly prev: Uint32Array;
}

/**
 * The source census of busy (target, kind) entries of the flood detector, from a bounded pool of
 * trackers (~1.2 KB each). A tracker holds a Space-Saving table of the heaviest sources with
 * their addresses, a HyperLogLog of distinct sources, a linear-counting bitmap of destination
 * ports and the number of packets it saw. Nothing is kept per source, so a million spoofed
 * sources cost what one does.
 */
export class FloodSourceTrackers {
  readonly count: number;
  /** Tracker of each (target, kind) entry, -1 without. */
  readonly trackerOf: Int32Array;
  /** Entry of each tracker, -1 when free. */
  private readonly owner: Int32Array;
  private readonly lastUsed: Float64Array;
  private readonly free: Int32Array;
  private freeTop: number;
  private clockHand = 0;
  private readonly heavyHitters: SpaceSaving;
  /** Address of each heavy-hitter counter (its key is the address's hash). */
  private readonly heavyHitterAddr: Uint32Array;
  private readonly sources: HyperLogLog;
  private readonly ports: LinearCounters;
  private readonly packets: Uint32Array;
  private readonly attackOf: Int32Array;
  private readonly cur: Uint32Array;
  private readonly prev: Uint32Array;

  constructor(count: number, entries: TrackedEntries) {
    const t = (this.count = Math.max(1, count));
    this.attackOf = entries.attackOf;
    this.cur = entries.cur;
    this.prev = entries.prev;
    this.trackerOf = new Int32Array(entries.attackOf.length).fill(-1);
    this.owner = new Int32Array(t).fill(-1);
    this.lastUsed = new Float64Array(t);
    this.free = new Int32Array(t);
    for (let i = 0; i < t; i++) this.free[i] = t - 1 - i;
    this.freeTop = t;
    this.heavyHitters = new SpaceSaving(t, HEAVY_HITTERS);
    this.heavyHitterAddr = new Uint32Array(t * HEAVY_HITTERS * 4);
    this.sources = new HyperLogLog(t, SOURCE_BITS);
    this.ports = new LinearCounters(t, PORT_BITS);
    this.packets = new Uint32Array(t);
  }

  get inUse(): number {
    return this.count - this.freeTop;
  }

  /**
   * A tracker for entry k: a free one, or one taken from an entry without an alert among the
   * next STEAL_SCAN of the clock: a quiet one (unused for a second), or, when `force` (entry k is
   * at a flood threshold), the least busy one. -1 if none: bounded work per packet.
   */
  acquire(k: number, ts: number, force: boolean): number {
    let t = -1;
    if (this.freeTop > 0) t = this.free[--this.freeTop]!;
    else {
      let fallback = -1;
      let fallbackLoad = Infinity;
      for (let n = 0; n < STEAL_SCAN && n < this.count; n++) {
        const i = this.clockHand;
        this.clockHand = i + 1 === this.count ? 0 : i + 1;
        const o = this.owner[i]!;
        if (this.attackOf[o]! >= 0) continue;
        if (this.lastUsed[i]! < ts - SECOND) {
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
      this.clear(t);
    }
    this.owner[t] = k;
    this.trackerOf[k] = t;
    return t;
  }

  /** Returns entry k's tracker (if any) to the pool. */
  release(k: number): void {
    const t = this.trackerOf[k]!;
    if (t < 0) return;
    this.trackerOf[k] = -1;
    this.owner[t] = -1;
    this.clear(t);
    this.free[this.freeTop++] = t;
  }

  /** Counts a packet; `sampled` ones also feed the heavy hitters (the costly part). */
  observe(t: number, pkt: Packet, sampled: boolean): void {
    this.lastUsed[t] = pkt.tsMicros;
    this.packets[t]!++;
    this.ports.add(t, fibonacciHash(pkt.dstPort, PORT_BITS));
    const h = hashSrcForSketch(pkt);
    this.sources.add(t, h);
    if (!sampled) return;
    const c = this.heavyHitters.add(t, h, 1);
    if (this.heavyHitters.tookCounter) copySrc(pkt, this.heavyHitterAddr, c << 2);
  }

  /** Packets tracker t saw. */
  packetsSeen(t: number): number {
    return this.packets[t]!;
  }

  /** Sampled packets of tracker t (what its heavy hitters counted). */
  samples(t: number): number {
    return this.heavyHitters.totals[t]!;
  }

  distinctSources(t: number): number {
    return this.sources.estimate(t);
  }

  distinctPorts(t: number): number {
    return this.ports.estimate(t, 65536);
  }

  /** Heavy-hitter counter of tracker t's top source by guaranteed count. */
  topSource(t: number): number {
    return this.heavyHitters.top(t);
  }

  /** The share of tracker t's samples that heavy-hitter counter c certainly had. */
  share(t: number, c: number): number {
    const total = this.heavyHitters.totals[t]!;
    return total > 0 ? this.heavyHitters.guaranteed(c) / total : 0;
  }

  /**
   * Sources of tracker t that certainly sent at least `minShare` of its samples: one for a flood
   * from one address, none for spoofed random ones, every decoy for a decoy scan (all send alike).
   */
  heavySources(t: number, minShare: number): number {
    const hh = this.heavyHitters;
    const floor = hh.totals[t]! * minShare;
    let n = 0;
    for (let c = t * hh.size, end = c + hh.used[t]!; c < end; c++) if (hh.guaranteed(c) >= floor) n++;
    return n;
  }

  sourceAddress(c: number): string {
    const a = this.heavyHitterAddr;
    const w = c << 2;
    return formatAddress(a[w]!, a[w + 1]!, a[w + 2]!, a[w + 3]!);
  }

  private clear(t: number): void {
    this.packets[t] = 0;
    this.heavyHitters.clear(t);
    this.sources.clear(t);
    this.ports.clear(t);
  }
}
