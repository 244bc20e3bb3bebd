import type { NotificationChannel } from './notification-channel.js';
import { eventRecord, type NotifyEvent } from './notify-event.js';
import { postJson, type FetchFunction } from './post-json.js';
import { describeUrl, urlSecrets } from './redact.js';

/**
 * Generic webhook: POSTs the event's JSON record, for an alert exactly the JSON alert line, so a
 * receiver parses the same shape as `--headless` output.
 */
export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook' as const;
  readonly target: string;
  readonly secrets: readonly string[];

  constructor(
    private readonly url: string,
    private readonly fetchImpl: FetchFunction = fetch,
  ) {
    this.target = describeUrl(url);
    this.secrets = urlSecrets(url);
  }

  send(event: NotifyEvent, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return postJson(this.fetchImpl, this.url, eventRecord(event), timeoutMs, signal);
  }
}
