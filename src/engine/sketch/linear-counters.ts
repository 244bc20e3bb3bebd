/**
 * Linear counting (Whang et al.): per group, a bitmap of 2^bits bits in which each value sets
 * the bit its hash picks (see fibonacciHash in address-hash.ts), and the number of bits set so
 * far. That number is the exact count of distinct bits, which is the count of distinct values
 * while they are few against the bitmap; `estimate` corrects for collisions beyond that.
 * `groups` bitmaps share one Uint32Array.
 */
export class LinearCounters {
  readonly groups: number;
  readonly bits: number;
  /** Bits per group (2^bits). */
  readonly bitsPerGroup: number;
  private readonly wordsPerGroup: number;
  private readonly words: Uint32Array;
  private readonly ones: Uint32Array;

  constructor(groups: number, bits: number) {
    if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`groups must be a positive integer (got ${groups})`);
    if (!Number.isInteger(bits) || bits < 5 || bits > 20) throw new RangeError(`bits must be an integer in 5..20 (got ${bits})`);
    this.groups = groups;
    this.bits = bits;
    this.bitsPerGroup = 1 << bits;
    this.wordsPerGroup = this.bitsPerGroup >>> 5;
    this.words = new Uint32Array(groups * this.wordsPerGroup);
    this.ones = new Uint32Array(groups);
  }

  /** Sets `bit` (0 … 2^bits − 1) of `group`'s bitmap; true if it was not set yet. */
  add(group: number, bit: number): boolean {
    const w = group * this.wordsPerGroup + (bit >>> 5);
    const m = 1 << (bit & 31);
    const word = this.words[w]!;
    if ((word & m) !== 0) return false;
    this.words[w] = word | m;
    this.ones[group]!++;
    return true;
  }

  /** Bits set in `group`'s bitmap. */
  count(group: number): number {
    return this.ones[group]!;
  }

  /**
   * Estimated distinct values behind `group`'s bits: m·ln(m / unset bits). With every bit set
   * the estimate is unbounded; `whenFull` is returned then (e.g. the size of the value space).
   */
  estimate(group: number, whenFull: number): number {
    const m = this.bitsPerGroup;
    const zeros = m - this.ones[group]!;
    return zeros === 0 ? whenFull : m * Math.log(m / zeros);
  }

  clear(group: number): void {
    this.words.fill(0, group * this.wordsPerGroup, (group + 1) * this.wordsPerGroup);
    this.ones[group] = 0;
  }
}
