/**
 * Bytes every stream of a run may hold together (out-of-order segments, request heads and the
 * inspected part of bodies). Taking more than is left first asks the owner to reclaim memory
 * (the stream table evicts its least recently active streams); what still does not fit is
 * refused and counted, never allocated.
 */
export class ByteBudget {
  used = 0;
  peak = 0;
  /** Requests refused because the budget was spent even after reclaiming. */
  refused = 0;
  /** Frees at least `bytes` held by streams other than `keep`; set by the stream table. */
  reclaim: ((bytes: number, keep: unknown) => void) | null = null;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`stream byte budget must be a positive integer, got ${max}`);
  }

  /** Takes `bytes` for `owner`; false (and counted) when they do not fit. */
  take(bytes: number, owner: unknown): boolean {
    if (this.used + bytes > this.max && this.reclaim !== null) this.reclaim(this.used + bytes - this.max, owner);
    if (this.used + bytes > this.max) {
      this.refused++;
      return false;
    }
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}
