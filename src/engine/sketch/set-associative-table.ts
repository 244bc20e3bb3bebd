import type { Packet } from '../decode/packet.js';
import { copyDst, copySrc, sameDst, sameSrc } from './address-words.js';

/** Added to the recency of a pinned entry when choosing a victim: pinned entries go last. */
const PINNED = 1e18;

/**
 * A fixed-capacity N-way set-associative table whose keys are a packet's destination address
 * (`keyWords` 4) or its (source, destination) pair (`keyWords` 8). The key's hash picks a set
 * (its low bits); a lookup compares at most N ways. A new key takes a free way of its set, else
 * evicts the way seen least recently (counted in `evictions`); ways the owner pinned are evicted
 * only when the whole set is pinned. Lookups cost the same whatever the number of keys offered,
 * which is what keeps a detector's cost flat under a flood of spoofed addresses.
 *
 * Entries are indexes 0 … capacity − 1: the owner keeps its per-entry state in its own typed
 * arrays of that length. `lastSeen` is the owner's to update (each detector has its notion of
 * "seen"); `insert*` sets it.
 */
export class SetAssociativeTable {
  readonly ways: number;
  readonly sets: number;
  readonly capacity: number;
  /** Address words per key: 4 (destination) or 8 (source then destination). */
  readonly keyWords: number;
  readonly keys: Uint32Array;
  readonly hashes: Int32Array;
  readonly live: Uint8Array;
  readonly lastSeen: Float64Array;
  /** Set by the owner for entries it wants kept as long as possible (e.g. under alert). */
  readonly pinned: Uint8Array;
  private readonly setMask: number;
  /** Live entries per set: a lookup in an empty set (nearly all, under a spoofed flood) stops at once. */
  private readonly liveInSet: Uint8Array;
  size = 0;
  evictions = 0;

  /** At least `minCapacity` entries: sets are rounded up to a power of two. */
  constructor(minCapacity: number, ways: number, keyWords: 4 | 8) {
    if (!Number.isInteger(ways) || ways < 1 || ways > 255) throw new RangeError(`ways must be an integer in 1..255 (got ${ways})`);
    let sets = 1;
    while (sets * ways < minCapacity) sets *= 2;
    this.ways = ways;
    this.sets = sets;
    this.setMask = sets - 1;
    const n = (this.capacity = sets * ways);
    this.keyWords = keyWords;
    this.keys = new Uint32Array(n * keyWords);
    this.hashes = new Int32Array(n);
    this.live = new Uint8Array(n);
    this.lastSeen = new Float64Array(n);
    this.pinned = new Uint8Array(n);
    this.liveInSet = new Uint8Array(sets);
  }

  /** The entry whose key is this packet's destination, or -1. `hash`: its hash (a signed 32-bit integer, see address-hash.ts). */
  findDst(hash: number, p: Packet): number {
    const set = hash & this.setMask;
    if (this.liveInSet[set] === 0) return -1;
    const keys = this.keys;
    for (let e = set * this.ways, end = e + this.ways; e < end; e++) {
      if (this.live[e] === 1 && this.hashes[e] === hash && sameDst(p, keys, e << 2)) return e;
    }
    return -1;
  }

  /** The entry whose key is this packet's (source, destination), or -1. */
  findSrcDst(hash: number, p: Packet): number {
    const set = hash & this.setMask;
    if (this.liveInSet[set] === 0) return -1;
    const keys = this.keys;
    for (let e = set * this.ways, end = e + this.ways; e < end; e++) {
      if (this.live[e] === 1 && this.hashes[e] === hash && sameSrc(p, keys, e << 3) && sameDst(p, keys, (e << 3) + 4)) return e;
    }
    return -1;
  }

  /** Whether entry e is live and holds this packet's destination (4-word keys). */
  holdsDst(e: number, p: Packet): boolean {
    return this.live[e] === 1 && sameDst(p, this.keys, e << 2);
  }

  /** A new entry for this packet's destination (not in the table), seen at `ts`; may evict. */
  insertDst(hash: number, p: Packet, ts: number): number {
    const e = this.take(hash, ts);
    copyDst(p, this.keys, e << 2);
    return e;
  }

  /** A new entry for this packet's (source, destination) (not in the table), seen at `ts`; may evict. */
  insertSrcDst(hash: number, p: Packet, ts: number): number {
    const e = this.take(hash, ts);
    copySrc(p, this.keys, e << 3);
    copyDst(p, this.keys, (e << 3) + 4);
    return e;
  }

  remove(e: number): void {
    if (this.live[e] === 0) return;
    this.live[e] = 0;
    this.pinned[e] = 0;
    this.size--;
    this.liveInSet[(e / this.ways) | 0]!--;
  }

  /** First word of entry e's key in `keys`. */
  keyAt(e: number): number {
    return e * this.keyWords;
  }

  /** A free way of the hash's set, else the unpinned way seen least recently (ties: the first). */
  private take(hash: number, ts: number): number {
    const set = hash & this.setMask;
    let victim = -1;
    let victimRank = 0;
    for (let e = set * this.ways, end = e + this.ways; e < end; e++) {
      if (this.live[e] === 0) {
        victim = e;
        break;
      }
      const rank = this.lastSeen[e]! + (this.pinned[e] === 1 ? PINNED : 0);
      if (victim < 0 || rank < victimRank) {
        victim = e;
        victimRank = rank;
      }
    }
    if (this.live[victim] === 1) this.evictions++;
    else {
      this.live[victim] = 1;
      this.size++;
      this.liveInSet[set]!++;
    }
    this.hashes[victim] = hash;
    this.lastSeen[victim] = ts;
    this.pinned[victim] = 0;
    return victim;
  }
}
