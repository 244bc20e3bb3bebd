/**
 * Runs an expensive refresh (a socket-table read, a full /proc/PID/fd scan) at most once per
 * interval, shared by every caller: a flood of misses turns into one run per interval, and
 * callers that arrive while a run is pending wait for it instead of starting their own.
 * On a big host, where one run takes long, the gap between starts also grows to `spacingFactor`
 * times the last run's duration, so refreshing never takes more than about 1/spacingFactor of
 * the time, whatever the flood.
 */

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface TaskResult<T> {
  /** Clock time the run started: everything that existed then is in `value`. */
  startedAt: number;
  finishedAt: number;
  value: T;
}

export class RateLimitedTask<T> {
  /** Runs started so far. */
  runs = 0;
  private last: TaskResult<T> | null = null;
  private inflight: { startedAt: number; promise: Promise<TaskResult<T>> } | null = null;
  private queued: Promise<TaskResult<T>> | null = null;
  private lastStart: number | null = null;
  private lastDuration = 0;

  constructor(
    private readonly run: () => Promise<T>,
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly spacingFactor = 4,
  ) {}

  /** The newest completed result, if any (any age). */
  latest(): TaskResult<T> | null {
    return this.last;
  }

  /**
   * A result from a run that started at or after `notBefore` (clock time): the newest one when
   * it qualifies, else the run in progress when it does, else the next run, which starts once
   * the run in progress is over and `intervalMs` has passed since the previous start.
   */
  get(notBefore: number): Promise<TaskResult<T>> {
    if (this.last !== null && this.last.startedAt >= notBefore) return Promise.resolve(this.last);
    if (this.inflight !== null && this.inflight.startedAt >= notBefore) return this.inflight.promise;
    if (this.queued !== null) return this.queued;
    const queued = this.schedule();
    this.queued = queued;
    return queued;
  }

  /** Forgets the newest result (the next get() runs again, still rate-limited). */
  reset(): void {
    this.last = null;
  }

  private async schedule(): Promise<TaskResult<T>> {
    // Yield once, so `queued` is set before the finally below clears it.
    await null;
    try {
      if (this.inflight !== null) await this.inflight.promise.catch(() => undefined);
      const previousStart = this.lastStart;
      if (previousStart !== null) {
        const spacing = Math.max(this.intervalMs, this.lastDuration * this.spacingFactor);
        const wait = previousStart + spacing - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
      }
    } finally {
      this.queued = null;
    }
    return this.start();
  }

  private start(): Promise<TaskResult<T>> {
    const startedAt = this.clock.now();
    this.lastStart = startedAt;
    this.runs++;
    const promise = this.run().then(
      (value) => {
        const result: TaskResult<T> = { startedAt, finishedAt: this.clock.now(), value };
        this.lastDuration = result.finishedAt - startedAt;
        if (this.last === null || this.last.startedAt <= startedAt) this.last = result;
        if (this.inflight?.promise === promise) this.inflight = null;
        return result;
      },
      (error: unknown) => {
        this.lastDuration = this.clock.now() - startedAt;
        if (this.inflight?.promise === promise) this.inflight = null;
        throw error;
      },
    );
    this.inflight = { startedAt, promise };
    return promise;
  }
}
