/**
 * A set of 16-bit ports: a short array while small (most sources touch a few ports), an
 * 8 KiB bitmap once it grows, so a full 65,535-port scan still costs 8 KiB.
 */
const SMALL_LIMIT = 32;

export class PortSet {
  private small: number[] | null = [];
  private bitmap: Uint8Array | null = null;
  size = 0;

  /** Adds the port; true if it was not there yet. */
  add(port: number): boolean {
    if (this.small !== null) {
      if (this.small.includes(port)) return false;
      if (this.small.length < SMALL_LIMIT) {
        this.small.push(port);
        this.size++;
        return true;
      }
      this.bitmap = new Uint8Array(8192);
      for (const p of this.small) this.bitmap[p >> 3]! |= 1 << (p & 7);
      this.small = null;
    }
    const bm = this.bitmap!;
    const bit = 1 << (port & 7);
    if ((bm[port >> 3]! & bit) !== 0) return false;
    bm[port >> 3]! |= bit;
    this.size++;
    return true;
  }

  has(port: number): boolean {
    if (this.small !== null) return this.small.includes(port);
    return (this.bitmap![port >> 3]! & (1 << (port & 7))) !== 0;
  }

  /** How many of `other`'s ports are in this set. */
  overlap(other: PortSet): number {
    if (other.small !== null) {
      let n = 0;
      for (const p of other.small) if (this.has(p)) n++;
      return n;
    }
    if (this.small !== null) return other.overlap(this);
    const a = this.bitmap!;
    const b = other.bitmap!;
    let n = 0;
    for (let i = 0; i < 8192; i++) {
      let x = a[i]! & b[i]!;
      while (x !== 0) {
        x &= x - 1;
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.small = [];
    this.bitmap = null;
    this.size = 0;
  }

  /** Bytes held, for memory accounting. */
  get footprint(): number {
    return this.bitmap !== null ? 8192 : SMALL_LIMIT * 8;
  }
}
