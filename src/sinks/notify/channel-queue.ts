import type { Severity } from '../../model/alert.js';
import type { NotificationChannel } from './notification-channel.js';
import { eventSeverity, severityRank, type NotifyEvent } from './notify-event.js';
import { redactSecrets } from './redact.js';

export interface DeliveryPolicy {
  /** Events below this severity are not sent on this channel. */
  minSeverity: Severity;
  /** At most this many events a minute are queued; the rest are counted as rate-limited. */
  perMinute: number;
  /** Waiting events; when full the oldest is dropped (and counted). */
  queueCapacity: number;
  /** Attempts after the first failure of one event. */
  retries: number;
  /** First retry delay; each next one doubles, capped at maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** One attempt gives up after this long (a server that never answers). */
  timeoutMs: number;
}

export const DEFAULT_POLICY: DeliveryPolicy = {
  minSeverity: 'low',
  perMinute: 20,
  queueCapacity: 100,
  retries: 3,
  backoffMs: 1000,
  maxBackoffMs: 30_000,
  timeoutMs: 5000,
};

export interface ChannelCounters {
  sent: number;
  failed: number;
  retried: number;
  /** Dropped because the queue was full (oldest first). */
  dropped: number;
  rateLimited: number;
  /** Below minSeverity. */
  filtered: number;
}

/**
 * One channel's outbox. `push` only queues and returns at once: detection never waits for a
 * channel. One event is in flight at a time; a failed attempt is retried with exponential
 * backoff, a hung one ends at timeoutMs, and an event that used up its retries is reported
 * (redacted) through `onFailure` and counted.
 */
export class ChannelQueue {
  readonly counters: ChannelCounters = { sent: 0, failed: 0, retried: 0, dropped: 0, rateLimited: 0, filtered: 0 };
  private readonly queue: NotifyEvent[] = [];
  private readonly acceptedAt: number[] = [];
  private running = false;
  private closing = false;
  private idleWaiters: (() => void)[] = [];
  private backoffTimer: NodeJS.Timeout | null = null;
  private wakeBackoff: (() => void) | null = null;
  /** Aborts the attempt in flight when close() runs out of grace. */
  private readonly cancel = new AbortController();

  constructor(
    readonly channel: NotificationChannel,
    readonly policy: DeliveryPolicy,
    private readonly onFailure: (channel: NotificationChannel, reason: string) => void,
    private readonly onDrop: (channel: NotificationChannel, counters: ChannelCounters) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  push(event: NotifyEvent): void {
    if (this.closing) return;
    if (severityRank(eventSeverity(event)) < severityRank(this.policy.minSeverity)) {
      this.counters.filtered++;
      return;
    }
    const now = this.now();
    while (this.acceptedAt.length > 0 && now - this.acceptedAt[0]! >= 60_000) this.acceptedAt.shift();
    if (this.acceptedAt.length >= this.policy.perMinute) {
      this.counters.rateLimited++;
      return;
    }
    this.acceptedAt.push(now);
    if (this.queue.length >= this.policy.queueCapacity) {
      this.queue.shift();
      this.counters.dropped++;
      this.onDrop(this.channel, this.counters);
    }
    this.queue.push(event);
    if (!this.running) void this.drain();
  }

  /**
   * Waits up to `graceMs` for queued events to go out (retries included), then aborts the attempt
   * in flight and gives up on the rest. Resolves with the number of events left undelivered.
   */
  async close(graceMs: number): Promise<number> {
    this.closing = true;
    if (this.pending > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const left = this.queue.length + (this.running ? 1 : 0);
    this.queue.length = 0;
    // A server that never answers must not hold the process open until its timeout.
    this.cancel.abort();
    this.wakeBackoff?.();
    return left;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      let event: NotifyEvent | undefined;
      while ((event = this.queue.shift()) !== undefined) await this.deliver(event);
    } finally {
      this.running = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async deliver(event: NotifyEvent): Promise<void> {
    let delay = this.policy.backoffMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.channel.send(event, this.policy.timeoutMs, this.cancel.signal);
        this.counters.sent++;
        return;
      } catch (e) {
        if (this.cancel.signal.aborted) return; // counted by close() as not sent
        if (attempt >= this.policy.retries) {
          this.counters.failed++;
          this.onFailure(this.channel, redactSecrets((e as Error).message || String(e), this.channel.secrets));
          return;
        }
      }
      this.counters.retried++;
      await this.sleep(delay);
      if (this.cancel.signal.aborted) return;
      delay = Math.min(delay * 2, this.policy.maxBackoffMs);
    }
  }

  /** A backoff wait that close() cuts short. Unref'd: a retry alone does not keep the process up. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeBackoff = () => {
        if (this.backoffTimer !== null) clearTimeout(this.backoffTimer);
        this.backoffTimer = null;
        this.wakeBackoff = null;
        resolve();
      };
      this.backoffTimer = setTimeout(this.wakeBackoff, ms);
      this.backoffTimer.unref();
    });
  }
}
