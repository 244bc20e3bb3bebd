/**
 * A direct-mapped cache of one 32-bit value per 32-bit key: the first probe a scan detector
 * remembers of a (source, target) or (source, service) before giving it state. The key's low
 * bits pick the slot, and a newer key simply takes it, so the cache costs one lookup and a fixed
 * number of bytes whatever the traffic: a spoofed flood, one packet per source, only overwrites
 * slots and never creates state.
 *
 * `offer` answers the question the detectors ask of each probe: is this the same key with a
 * different value (a second port, a second host)? Then it returns the first value and frees the
 * slot, and the detector creates its state from both.
 */
export class FirstProbeCache {
  /** `offer`'s answer when there is nothing to do yet. */
  static readonly NONE = -1;
  readonly slots: number;
  private readonly mask: number;
  /** [key, value] per slot. A free slot holds the complement of its index as key: no key maps there. */
  private readonly entries: Int32Array;

  /** `slots`: a power of two, at least 2. */
  constructor(slots: number) {
    if (!Number.isInteger(slots) || slots < 2 || (slots & (slots - 1)) !== 0) throw new RangeError(`slots must be a power of two ≥ 2 (got ${slots})`);
    this.slots = slots;
    this.mask = slots - 1;
    this.entries = new Int32Array(slots * 2);
    for (let s = 0; s < slots; s++) this.entries[s << 1] = ~s;
  }

  /**
   * Remembers `value` for `key`, unless the slot already holds `key` with another value: then
   * returns that earlier value and frees the slot. FirstProbeCache.NONE otherwise. Keys and
   * values are 32-bit integers, kept and returned signed (`| 0`, see address-hash.ts); a value
   * of -1 reads as NONE.
   */
  offer(key: number, value: number): number {
    const k = key | 0;
    const v = value | 0;
    const r = (k & this.mask) << 1;
    const entries = this.entries;
    if (entries[r] === k) {
      const first = entries[r + 1]!;
      if (first !== v) {
        entries[r] = ~k;
        return first;
      }
    }
    entries[r] = k;
    entries[r + 1] = v;
    return FirstProbeCache.NONE;
  }
}
