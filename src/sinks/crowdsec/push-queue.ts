import type { FleetStatus } from '../../model/fleet-status.js';
import { LapiError } from '../../fleet/lapi-client.js';

export interface PushQueueOptions {
  /** Sends one batch; throws a LapiError on failure. */
  send(batch: readonly object[]): Promise<unknown>;
  status: FleetStatus;
  warn(line: string): void;
  /** Alerts kept while the API is down (oldest dropped first, counted). */
  capacity?: number;
  batchSize?: number;
  /** First retry delay, doubled up to maxDelayMs. */
  minDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
}

/** How often the API may refuse the same batch (answering, but with an error) before it is dropped. */
const MAX_REFUSALS = 3;

/**
 * Alerts for the Local API, sent in batches in the background: while the API is down they
 * wait (bounded) and are retried with a growing delay; the packet path only ever appends.
 */
export class PushQueue {
  private readonly items: object[] = [];
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private delay: number;
  private refusals = 0;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private failing = false;
  private closed = false;

  constructor(private readonly o: PushQueueOptions) {
    this.capacity = o.capacity ?? 1000;
    this.batchSize = o.batchSize ?? 50;
    this.minDelay = o.minDelayMs ?? 1000;
    this.maxDelay = o.maxDelayMs ?? 60_000;
    this.delay = this.minDelay;
  }

  get length(): number {
    return this.items.length;
  }

  add(item: object): void {
    if (this.closed) return;
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.o.status.pushDropped++;
    }
    this.items.push(item);
    this.o.status.pushQueued = this.items.length;
    if (this.timer === null && this.sending === null) this.kick(0);
  }

  /** Sends what is queued, for at most `graceMs` (end of the run). */
  async flush(graceMs: number): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const drain = async () => {
      while (this.items.length > 0) {
        const before = this.items.length;
        await (this.sending ?? this.sendOne());
        if (this.items.length >= before && this.failing) return;
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([drain(), grace]);
    clearTimeout(timer);
  }

  private kick(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sendOne();
    }, ms);
    this.timer.unref();
  }

  private sendOne(): Promise<void> {
    this.sending ??= this.trySend().finally(() => {
      this.sending = null;
      if (!this.closed && this.items.length > 0 && this.timer === null) this.kick(this.failing ? this.delay : 0);
    });
    return this.sending;
  }

  private async trySend(): Promise<void> {
    const batch = this.items.slice(0, this.batchSize);
    if (batch.length === 0) return;
    const status = this.o.status;
    try {
      await this.o.send(batch);
    } catch (e) {
      const err = e instanceof LapiError ? e : new LapiError('push', `push: ${(e as Error).message}`, null);
      status.errors[err.operation]++;
      status.lastError = err.message;
      status.connected = false;
      if (!this.failing) this.o.warn(`fleet: ${err.message}; ${this.items.length} alert(s) kept and retried`);
      this.failing = true;
      this.delay = Math.min(this.maxDelay, this.delay * 2);
      // Reachable but refusing this batch again and again: drop it rather than block the queue.
      if (err.status !== null && err.status !== 401 && (err.permanent || ++this.refusals >= MAX_REFUSALS)) {
        this.items.splice(0, batch.length);
        status.pushDropped += batch.length;
        status.pushQueued = this.items.length;
        this.refusals = 0;
      }
      return;
    }
    this.items.splice(0, batch.length);
    if (this.failing) this.o.warn('fleet: the Local API takes alerts again');
    this.failing = false;
    this.delay = this.minDelay;
    this.refusals = 0;
    status.connected = true;
    status.pushed += batch.length;
    status.pushQueued = this.items.length;
    status.lastPushAt = (this.o.now ?? Date.now)();
  }
}
