import type { Alert, Severity } from '../../model/alert.js';
import type { BlockRecord } from '../../model/block-record.js';
import { ChannelQueue, type ChannelCounters } from './channel-queue.js';
import type { ChannelName, NotificationChannel } from './notification-channel.js';
import type { NotifyEvent } from './notify-event.js';
import { redactSecrets } from './redact.js';

/** At most one warning line per channel in this long; the ones held back are counted in the next. */
const WARNING_INTERVAL_MS = 60_000;

export interface DispatcherHooks {
  /** One warning line (headless: stderr; engine process: a `warning` message to the UI). */
  warn(line: string): void;
  /** --debug lines; secrets already removed. */
  debug?(line: string): void;
  now?(): number;
}

/**
 * Fans events out to every active channel's queue. Entry points return at once; nothing here
 * ever waits for a network or a command on the caller's behalf.
 */
export class NotificationDispatcher {
  private readonly lastWarning = new Map<ChannelName, { at: number; heldBack: number }>();

  constructor(
    readonly queues: readonly ChannelQueue[],
    private readonly hooks: DispatcherHooks,
  ) {}

  static none(): NotificationDispatcher {
    return new NotificationDispatcher([], { warn: () => {} });
  }

  get channels(): NotificationChannel[] {
    return this.queues.map((q) => q.channel);
  }

  /** A new alert (not its updates: one notification per attack). */
  notifyAlert(alert: Alert): void {
    this.push({ kind: 'alert', alert });
  }

  /** A block was made (or recorded as a dry run); the response wires this in. */
  notifyBlock(record: BlockRecord, severity: Severity = 'high'): void {
    this.push({ kind: 'block', block: record, severity });
  }

  counters(): Record<string, ChannelCounters> {
    return Object.fromEntries(this.queues.map((q) => [q.channel.name, { ...q.counters }]));
  }

  /** Gives queued messages up to `graceMs` to go out; reports what was left behind. */
  async close(graceMs: number): Promise<void> {
    const left = await Promise.all(this.queues.map((q) => q.close(graceMs)));
    this.queues.forEach((q, i) => {
      const n = left[i]!;
      if (n > 0) this.hooks.warn(`notify ${q.channel.name}: ${n} message(s) not sent before exit`);
    });
  }

  private push(event: NotifyEvent): void {
    for (const q of this.queues) q.push(event);
  }

  /** Called by the queues: a message failed for good. */
  readonly onFailure = (channel: NotificationChannel, reason: string): void => {
    this.throttledWarn(channel, `failed: ${reason}`);
  };

  /** Called by the queues: the queue was full and its oldest message was dropped. */
  readonly onDrop = (channel: NotificationChannel, counters: ChannelCounters): void => {
    this.throttledWarn(channel, `queue full, oldest message dropped (${counters.dropped} dropped so far)`);
  };

  private throttledWarn(channel: NotificationChannel, what: string): void {
    const now = (this.hooks.now ?? Date.now)();
    const last = this.lastWarning.get(channel.name);
    if (last !== undefined && now - last.at < WARNING_INTERVAL_MS) {
      last.heldBack++;
      return;
    }
    const q = this.queues.find((x) => x.channel === channel);
    const c = q?.counters;
    const tally = c ? ` [sent ${c.sent}, failed ${c.failed}, dropped ${c.dropped}, rate-limited ${c.rateLimited}]` : '';
    const held = last !== undefined && last.heldBack > 0 ? ` (+${last.heldBack} similar since the last warning)` : '';
    this.lastWarning.set(channel.name, { at: now, heldBack: 0 });
    this.hooks.warn(redactSecrets(`notify ${channel.name} (${channel.target}): ${what}${held}${tally}`, channel.secrets));
  }
}

/** Builds the dispatcher and its queues together (queues report back to the dispatcher). */
export function buildDispatcher(
  entries: readonly { channel: NotificationChannel; policy: ConstructorParameters<typeof ChannelQueue>[1] }[],
  hooks: DispatcherHooks,
): NotificationDispatcher {
  const queues: ChannelQueue[] = [];
  const dispatcher = new NotificationDispatcher(queues, hooks);
  for (const { channel, policy } of entries) {
    queues.push(
      new ChannelQueue(
        channel,
        policy,
        (ch, reason) => dispatcher.onFailure(ch, reason),
        (ch, counters) => dispatcher.onDrop(ch, counters),
        hooks.now,
      ),
    );
    hooks.debug?.(`notify ${channel.name}: sending to ${channel.target} (min severity ${policy.minSeverity}, ${policy.perMinute}/min)`);
  }
  return dispatcher;
}
