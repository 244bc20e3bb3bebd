import type { NotifyEvent } from './notify-event.js';

export const CHANNEL_NAMES = ['desktop', 'webhook', 'slack', 'telegram', 'syslog'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/**
 * One way of telling a person about an event. `send` resolves when the message was accepted and
 * rejects with an Error whose message says why not (it may contain secrets: callers pass it
 * through redactSecrets before showing it). It must give up by `timeoutMs`.
 */
export interface NotificationChannel {
  readonly name: ChannelName;
  /** Where messages go, with every secret removed: safe for --debug and --test-alerts. */
  readonly target: string;
  /** Strings that must never be shown (tokens, webhook URLs and their parts). */
  readonly secrets: readonly string[];
  /** `signal` aborts an attempt early (the run is ending). */
  send(event: NotifyEvent, timeoutMs: number, signal?: AbortSignal): Promise<void>;
}
