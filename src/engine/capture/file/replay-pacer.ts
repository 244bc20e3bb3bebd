/**
 * Paces a replay at N× recorded time: a packet is due when its recorded offset from the first
 * packet, divided by N, has elapsed on the wall clock since the first packet was delivered.
 *
 * Gaps in the recording longer than `maxGapMicros` (default 5 s of recorded time) count as
 * `maxGapMicros`: a capture with an idle hour in it stays watchable, and since every detector
 * takes its clock from packet timestamps (not from the wall clock), compressing gaps changes
 * nothing that is detected. Timestamps that go backwards (merged captures) are due at once.
 *
 * The pacer reads the clock only when the packet is not yet known to be due, so a batch of
 * packets that are already due costs no clock reads.
 */

export const DEFAULT_MAX_GAP_MICROS = 5_000_000;
/** The speeds a pacer takes (the config's MIN_SPEED / MAX_SPEED): every delay then fits a timer. */
export const MIN_REPLAY_SPEED = 0.001;
export const MAX_REPLAY_SPEED = 1_000_000;
/** setTimeout's largest delay; longer ones fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type MonotonicClock = () => number; // milliseconds

export class ReplayPacer {
  private started = false;
  /** Recorded time since the first packet, with long gaps compressed (µs). */
  private elapsedRecorded = 0;
  /** Latest timestamp seen (µs); out-of-order packets do not move it back. */
  private lastTs = 0;
  private wallStart = 0;
  private cachedNow = 0;
  private readonly msPerRecordedMicro: number;

  constructor(
    speed: number,
    private readonly maxGapMicros: number = DEFAULT_MAX_GAP_MICROS,
    private readonly now: MonotonicClock = () => performance.now(),
  ) {
    // 1e-300 made every delay ~1e297 ms, which setTimeout turns into 1 ms: a spin.
    if (!(speed >= MIN_REPLAY_SPEED && speed <= MAX_REPLAY_SPEED)) throw new RangeError(`invalid replay speed: ${speed} (from ${MIN_REPLAY_SPEED} to ${MAX_REPLAY_SPEED})`);
    this.msPerRecordedMicro = 1 / (1000 * speed);
  }

  /**
   * Returns 0 when the packet with timestamp `tsMicros` is due — the caller must then deliver
   * it, and the pacer counts it as delivered — or the milliseconds until it is due (> 0); in
   * that case nothing changes and the caller asks again for the same packet later.
   */
  delayMs(tsMicros: number): number {
    if (!this.started) {
      this.started = true;
      this.lastTs = tsMicros;
      this.wallStart = this.cachedNow = this.now();
      return 0;
    }
    let dt = tsMicros - this.lastTs;
    if (!(dt > 0)) dt = 0; // backwards, equal, or NaN
    else if (dt > this.maxGapMicros) dt = this.maxGapMicros;
    const recorded = this.elapsedRecorded + dt;
    const due = this.wallStart + recorded * this.msPerRecordedMicro;
    if (due > this.cachedNow) {
      this.cachedNow = this.now();
      if (due > this.cachedNow) return Math.min(due - this.cachedNow, MAX_TIMER_MS);
    }
    this.elapsedRecorded = recorded;
    if (dt > 0) this.lastTs = tsMicros;
    return 0;
  }
}
