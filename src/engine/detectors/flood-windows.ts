/** The flood detector's three windows, shortest first: bursts, the per-second rate, sustained floods. */
export const WINDOWS = 3;
export const BURST = 0;
export const SECOND = 1;
export const SUSTAINED = 2;
/** Bucket length of each window, µs of packet time. */
export const WINDOW_MICROS = [100_000, 1_000_000, 10_000_000] as const;
export const WINDOW_SECONDS = [0.1, 1, 10] as const;

/**
 * Packet counts of (target, kind) entries in three sliding windows of 0.1 s, 1 s and 10 s, and
 * per target the completed TCP handshakes in the same windows. Each window is two buckets
 * (current and previous); a rate is current + previous × the part of the previous bucket still
 * inside the window. Typed arrays only: entry k = target * kinds + kind.
 */
export class FloodWindows {
  /** Per target: start of each window's current bucket. */
  private readonly start: Float64Array;
  /** Per target: handshakes, [window * 2] current and [window * 2 + 1] previous bucket. */
  private readonly hs: Uint32Array;
  /** Per entry: packets, same layout. */
  readonly counts: Uint32Array;

  constructor(
    targets: number,
    readonly kinds: number,
  ) {
    this.start = new Float64Array(targets * WINDOWS);
    this.hs = new Uint32Array(targets * WINDOWS * 2);
    this.counts = new Uint32Array(targets * kinds * WINDOWS * 2);
  }

  /** A fresh target at `ts`: every count zero. */
  reset(s: number, ts: number): void {
    for (let w = 0; w < WINDOWS; w++) this.start[s * WINDOWS + w] = ts - (ts % WINDOW_MICROS[w]!);
    this.hs.fill(0, s * WINDOWS * 2, (s + 1) * WINDOWS * 2);
    this.counts.fill(0, s * this.kinds * WINDOWS * 2, (s + 1) * this.kinds * WINDOWS * 2);
  }

  /** Moves target s's windows forward to `ts`; returns a bit per window that started a new bucket. */
  roll(s: number, ts: number): number {
    // Bucket starts are multiples of their lengths, each a multiple of the burst bucket: while
    // the burst bucket has not ended, no longer one has (the common case, checked first). Packet
    // time that jumps back by more than a bucket (merged or reordered captures) starts the
    // bucket afresh instead of piling every later packet into one.
    const burstLen = WINDOW_MICROS[BURST];
    const elapsedBurst = ts - this.start[s * WINDOWS + BURST]!;
    if (elapsedBurst < burstLen && elapsedBurst > -burstLen) return 0;
    let rolled = 0;
    for (let w = 0; w < WINDOWS; w++) {
      const i = s * WINDOWS + w;
      const len = WINDOW_MICROS[w]!;
      const elapsed = ts - this.start[i]!;
      if (elapsed < len && elapsed > -len) continue;
      rolled |= 1 << w;
      const adjacent = elapsed >= 0 && elapsed < 2 * len;
      this.start[i] = ts - (ts % len);
      const h = i * 2;
      this.hs[h + 1] = adjacent ? this.hs[h]! : 0;
      this.hs[h] = 0;
      const counts = this.counts;
      for (let k = s * this.kinds; k < (s + 1) * this.kinds; k++) {
        const c = (k * WINDOWS + w) * 2;
        counts[c + 1] = adjacent ? counts[c]! : 0;
        counts[c] = 0;
      }
    }
    return rolled;
  }

  /** One packet (or `n`) of entry k in every window. */
  add(k: number, n: number): void {
    const c = k * WINDOWS * 2;
    const counts = this.counts;
    counts[c]! += n;
    counts[c + 2]! += n;
    counts[c + 4]! += n;
  }

  /** Takes back `n` packets of entry k from every window's current bucket (never below zero). */
  sub(k: number, n: number): void {
    const counts = this.counts;
    for (let w = 0; w < WINDOWS; w++) {
      const c = (k * WINDOWS + w) * 2;
      const v = counts[c]!;
      counts[c] = v > n ? v - n : 0;
    }
  }

  handshake(s: number): void {
    const h = s * WINDOWS * 2;
    this.hs[h]!++;
    this.hs[h + 2]!++;
    this.hs[h + 4]!++;
  }

  /** Current + previous bucket of entry k in window w: the most the window can hold. */
  upper(k: number, w: number): number {
    const c = (k * WINDOWS + w) * 2;
    return this.counts[c]! + this.counts[c + 1]!;
  }

  /** Current bucket of entry k in window w. */
  current(k: number, w: number): number {
    return this.counts[(k * WINDOWS + w) * 2]!;
  }

  /** Handshakes of target s in window w's two buckets. */
  handshakes(s: number, w: number): number {
    const h = (s * WINDOWS + w) * 2;
    return this.hs[h]! + this.hs[h + 1]!;
  }

  /** Sliding count of entry k (target s) in window w at `ts`, net of handshakes when asked. */
  rate(s: number, k: number, w: number, ts: number, netOfHandshakes: boolean): number {
    const len = WINDOW_MICROS[w]!;
    const keep = 1 - (ts - this.start[s * WINDOWS + w]!) / len;
    const f = keep > 1 ? 1 : keep > 0 ? keep : 0;
    const c = (k * WINDOWS + w) * 2;
    let r = this.counts[c]! + this.counts[c + 1]! * f;
    if (netOfHandshakes) {
      const h = (s * WINDOWS + w) * 2;
      r -= this.hs[h]! + this.hs[h + 1]! * f;
    }
    return r;
  }
}
