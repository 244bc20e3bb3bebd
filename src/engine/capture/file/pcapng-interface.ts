/**
 * One pcapng interface (from an Interface Description Block): its link type, snaplen and
 * timestamp units, and the conversion of a 64-bit (high, low) timestamp to microseconds.
 */

const TWO_32 = 4294967296;

/** How `toMicros` combines the two halves; chosen once per interface. */
const TsMode = {
  /** units of 10^-n s with n ≥ 6: split 2^32 = q·d + r so no product exceeds 2^53 for real dates. */
  DecimalDivide: 0,
  /** units of 10^-n s with n < 6: the raw count is small, multiply it. */
  DecimalMultiply: 1,
  /** units of 2^-n s: powers of two scale exactly. */
  Binary: 2,
} as const;

export class PcapngInterface {
  private readonly mode: number;
  private readonly q: number;
  private readonly r: number;
  private readonly d: number;
  private readonly offsetMicros: number;

  /**
   * @param tsresol raw if_tsresol byte: high bit 0 → 10^-n s, high bit 1 → 2^-n s (default 6)
   * @param tsoffsetSeconds if_tsoffset: seconds added to every timestamp (default 0)
   */
  constructor(
    readonly linkType: number,
    readonly snaplen: number,
    readonly tsresol = 6,
    readonly tsoffsetSeconds = 0,
  ) {
    this.offsetMicros = tsoffsetSeconds * 1e6;
    const n = tsresol & 0x7f;
    if (tsresol & 0x80) {
      this.mode = TsMode.Binary;
      this.q = 2 ** (32 - n) * 1e6; // high · 2^32 · 2^-n s, in µs
      this.r = 2 ** -n * 1e6;
      this.d = 1;
    } else if (n >= 6) {
      this.mode = TsMode.DecimalDivide;
      const d = 10 ** (n - 6); // raw units per µs
      this.d = d;
      if (d <= TWO_32) {
        this.q = Math.floor(TWO_32 / d);
        this.r = TWO_32 - this.q * d;
      } else {
        this.q = 0;
        this.r = TWO_32;
      }
    } else {
      this.mode = TsMode.DecimalMultiply;
      this.q = TWO_32;
      this.r = 10 ** (6 - n); // µs per raw unit
      this.d = 1;
    }
  }

  /** Microseconds since the epoch (a double) for the timestamp halves of a packet block. */
  toMicros(high: number, low: number): number {
    switch (this.mode) {
      case TsMode.DecimalDivide:
        // (high·2^32 + low) / d = high·q + (high·r + low) / d, with q·d + r = 2^32.
        return high * this.q + (high * this.r + low) / this.d + this.offsetMicros;
      case TsMode.DecimalMultiply:
        return (high * this.q + low) * this.r + this.offsetMicros;
      default:
        return high * this.q + low * this.r + this.offsetMicros;
    }
  }
}
