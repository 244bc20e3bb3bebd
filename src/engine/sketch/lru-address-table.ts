import { hashWords } from './address-hash.js';

const NONE = -1;

/**
 * A fixed-capacity table of IP addresses (four 32-bit words) with least-recently-used eviction:
 * an open-addressing index (linear probing, backward-shift deletion, so no tombstones build up)
 * over dense entries 0 … capacity − 1, and a doubly linked recency list. Past capacity a new
 * address takes the entry of the least recently used one (counted in `evictions`).
 *
 * Unlike a set-associative table, eviction is exact LRU over the whole table; lookups cost a
 * short probe (the index is at least twice the capacity). The owner keeps its per-entry state
 * in typed arrays indexed by entry.
 */
export class LruAddressTable {
  static readonly NONE = NONE;
  readonly capacity: number;
  /** Address words of entry e at e * 4 … e * 4 + 3. */
  readonly addresses: Uint32Array;
  /** Entry at each index position, NONE when empty. */
  private readonly index: Int32Array;
  private readonly indexMask: number;
  /** Recency list: head = most recently used, tail = least. */
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private head = NONE;
  private tail = NONE;
  size = 0;
  evictions = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
    this.capacity = capacity;
    let size = 2;
    while (size < capacity * 2) size *= 2;
    this.index = new Int32Array(size).fill(NONE);
    this.indexMask = size - 1;
    this.addresses = new Uint32Array(capacity * 4);
    this.prev = new Int32Array(capacity).fill(NONE);
    this.next = new Int32Array(capacity).fill(NONE);
  }

  /** The entry of this address, or NONE. Does not change recency (see `touch`). */
  find(w0: number, w1: number, w2: number, w3: number): number {
    const idx = this.index;
    const a = this.addresses;
    const mask = this.indexMask;
    for (let i = hashWords(w0, w1, w2, w3, 0) & mask; ; i = (i + 1) & mask) {
      const e = idx[i]!;
      if (e === NONE) return NONE;
      const b = e << 2;
      if (a[b + 3] === w3 && a[b + 2] === w2 && a[b + 1] === w1 && a[b] === w0) return e;
    }
  }

  /**
   * An entry for an address not in the table, made the most recently used: a never-used entry
   * while there is one, else the least recently used entry's (its address is forgotten).
   */
  insert(w0: number, w1: number, w2: number, w3: number): number {
    let e: number;
    if (this.size < this.capacity) {
      e = this.size++;
    } else {
      e = this.tail;
      this.evictions++;
      this.unindex(e);
      this.unlink(e);
    }
    const b = e << 2;
    this.addresses[b] = w0;
    this.addresses[b + 1] = w1;
    this.addresses[b + 2] = w2;
    this.addresses[b + 3] = w3;
    const mask = this.indexMask;
    let i = hashWords(w0, w1, w2, w3, 0) & mask;
    while (this.index[i] !== NONE) i = (i + 1) & mask;
    this.index[i] = e;
    this.pushFront(e);
    return e;
  }

  /** Makes entry e the most recently used. */
  touch(e: number): void {
    if (this.head === e) return;
    this.unlink(e);
    this.pushFront(e);
  }

  /** Removes entry e from the index (backward-shift deletion: later entries of its run move up). */
  private unindex(e: number): void {
    const mask = this.indexMask;
    const idx = this.index;
    const a = this.addresses;
    const b = e << 2;
    let i = hashWords(a[b]!, a[b + 1]!, a[b + 2]!, a[b + 3]!, 0) & mask;
    while (idx[i] !== e) i = (i + 1) & mask;
    let hole = i;
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const o = idx[j]!;
      if (o === NONE) break;
      const ob = o << 2;
      const home = hashWords(a[ob]!, a[ob + 1]!, a[ob + 2]!, a[ob + 3]!, 0) & mask;
      // o may fill the hole unless its home position lies cyclically in (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        idx[hole] = o;
        hole = j;
      }
    }
    idx[hole] = NONE;
  }

  private pushFront(e: number): void {
    this.prev[e] = NONE;
    this.next[e] = this.head;
    if (this.head !== NONE) this.prev[this.head] = e;
    this.head = e;
    if (this.tail === NONE) this.tail = e;
  }

  private unlink(e: number): void {
    const p = this.prev[e]!;
    const n = this.next[e]!;
    if (p !== NONE) this.next[p] = n;
    else this.head = n;
    if (n !== NONE) this.prev[n] = p;
    else this.tail = p;
    this.prev[e] = NONE;
    this.next[e] = NONE;
  }
}
