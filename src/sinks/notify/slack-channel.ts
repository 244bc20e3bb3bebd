import type { NotificationChannel } from './notification-channel.js';
import type { NotifyEvent } from './notify-event.js';
import { eventLine } from './notify-text.js';
import { postJson, type FetchFunction } from './post-json.js';
import { describeUrl, urlSecrets } from './redact.js';

/**
 * Slack escaping (api.slack.com "Escaping text"): &, < and > are control characters of its
 * markup (`<@U123>`, `<!channel>`, `<http://x|label>`); escaped, attacker text cannot ping
 * everyone or plant a disguised link.
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat …): `{"text": …}`. */
export class SlackChannel implements NotificationChannel {
  readonly name = 'slack' as const;
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
    return postJson(this.fetchImpl, this.url, { text: slackEscape(eventLine(event)) }, timeoutMs, signal);
  }
}
