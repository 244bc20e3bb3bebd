/**
 * Space-Saving heavy-hitter counters (Metwally, Agrawal, El Abbadi): `groups` independent
 * tables of `size` counters each, in typed arrays, so a detector keeps one table per tracked
 * entity without an object per table.
 *
 * A key already counted adds its weight to its counter. A new key takes the next free counter,
 * or, when the table is full, the counter with the smallest count: it inherits that count as
 * its error and adds its weight. So a count never underestimates its key, overestimates it by
 * at most its error, and count − error is a guaranteed lower bound; any key whose true weight
 * exceeds total / size holds a counter.
 *
 * Among equal counts the lowest index wins (the one replaced, the one reported), so results
 * are deterministic for a given order of packets.
 */

/** Counters per group are counted in a Uint8Array. */
const MAX_SIZE = 255;

function checkShape(groups: number, size: number): void {
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`groups must be a positive integer (got ${groups})`);
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) throw new RangeError(`size must be an integer in 1..${MAX_SIZE} (got ${size})`);
}

/** Space-Saving over 32-bit integer keys (ports, hashes), kept signed (`key | 0`, see address-hash.ts). */
export class SpaceSaving {
  readonly groups: number;
  readonly size: number;
  /** Key, count and error of counter `group * size + i`. */
  readonly keys: Int32Array;
  readonly counts: Float64Array;
  readonly errors: Float64Array;
  /** Counters in use per group; they are the first `used[group]` of the group. */
  readonly used: Uint8Array;
  /** Sum of the weights added to each group since it was cleared. */
  readonly totals: Float64Array;
  /** Whether the last `add` gave its key a counter (the key was not counted before). */
  tookCounter = false;

  constructor(groups: number, size: number) {
    checkShape(groups, size);
    this.groups = groups;
    this.size = size;
    this.keys = new Int32Array(groups * size);
    this.counts = new Float64Array(groups * size);
    this.errors = new Float64Array(groups * size);
    this.used = new Uint8Array(groups);
    this.totals = new Float64Array(groups);
  }

  /** Counts `weight` (> 0) for `key` in `group`; returns the index of its counter. */
  add(group: number, key: number, weight: number): number {
    key |= 0;
    const base = group * this.size;
    const n = this.used[group]!;
    const end = base + n;
    const keys = this.keys;
    const counts = this.counts;
    this.totals[group]! += weight;
    let min = base;
    for (let i = base; i < end; i++) {
      if (keys[i] === key) {
        counts[i]! += weight;
        this.tookCounter = false;
        return i;
      }
      if (counts[i]! < counts[min]!) min = i;
    }
    this.tookCounter = true;
    if (n < this.size) {
      this.used[group] = n + 1;
      keys[end] = key;
      counts[end] = weight;
      this.errors[end] = 0;
      return end;
    }
    keys[min] = key;
    this.errors[min] = counts[min]!;
    counts[min]! += weight;
    return min;
  }

  /** The counter of `group` with the largest guaranteed count (count − error); the group's first counter when none is in use. */
  top(group: number): number {
    return topGuaranteed(this.counts, this.errors, group * this.size, this.used[group]!);
  }

  /** The counter of `group` with the largest count, or -1 when none is in use. */
  heaviest(group: number): number {
    return heaviestCount(this.counts, group * this.size, this.used[group]!);
  }

  /** count − error of a counter: weight its key certainly had. */
  guaranteed(counter: number): number {
    return this.counts[counter]! - this.errors[counter]!;
  }

  clear(group: number): void {
    this.used[group] = 0;
    this.totals[group] = 0;
  }
}

/** Space-Saving whose keys are IP addresses as four 32-bit words (no hash: keys never collide). */
export class AddressSpaceSaving {
  readonly groups: number;
  readonly size: number;
  /** Address words of counter c at c * 4 … c * 4 + 3. */
  readonly addresses: Uint32Array;
  readonly counts: Float64Array;
  readonly errors: Float64Array;
  readonly used: Uint8Array;
  readonly totals: Float64Array;
  tookCounter = false;

  constructor(groups: number, size: number) {
    checkShape(groups, size);
    this.groups = groups;
    this.size = size;
    this.addresses = new Uint32Array(groups * size * 4);
    this.counts = new Float64Array(groups * size);
    this.errors = new Float64Array(groups * size);
    this.used = new Uint8Array(groups);
    this.totals = new Float64Array(groups);
  }

  /** Counts `weight` (> 0) for the address w0..w3 in `group`; returns the index of its counter. */
  add(group: number, w0: number, w1: number, w2: number, w3: number, weight: number): number {
    const base = group * this.size;
    const n = this.used[group]!;
    const end = base + n;
    const a = this.addresses;
    const counts = this.counts;
    this.totals[group]! += weight;
    let min = base;
    for (let i = base; i < end; i++) {
      const w = i << 2;
      if (a[w + 3] === w3 && a[w + 2] === w2 && a[w + 1] === w1 && a[w] === w0) {
        counts[i]! += weight;
        this.tookCounter = false;
        return i;
      }
      if (counts[i]! < counts[min]!) min = i;
    }
    this.tookCounter = true;
    let c: number;
    if (n < this.size) {
      c = end;
      this.used[group] = n + 1;
      counts[c] = weight;
      this.errors[c] = 0;
    } else {
      c = min;
      this.errors[c] = counts[c]!;
      counts[c]! += weight;
    }
    const w = c << 2;
    a[w] = w0;
    a[w + 1] = w1;
    a[w + 2] = w2;
    a[w + 3] = w3;
    return c;
  }

  top(group: number): number {
    return topGuaranteed(this.counts, this.errors, group * this.size, this.used[group]!);
  }

  heaviest(group: number): number {
    return heaviestCount(this.counts, group * this.size, this.used[group]!);
  }

  guaranteed(counter: number): number {
    return this.counts[counter]! - this.errors[counter]!;
  }

  clear(group: number): void {
    this.used[group] = 0;
    this.totals[group] = 0;
  }
}

function topGuaranteed(counts: Float64Array, errors: Float64Array, base: number, used: number): number {
  let best = base;
  for (let i = base + 1; i < base + used; i++) {
    if (counts[i]! - errors[i]! > counts[best]! - errors[best]!) best = i;
  }
  return best;
}

function heaviestCount(counts: Float64Array, base: number, used: number): number {
  let best = -1;
  for (let i = base; i < base + used; i++) if (best < 0 || counts[i]! > counts[best]!) best = i;
  return best;
}
