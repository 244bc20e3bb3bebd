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
