import type { NotificationChannel } from './notification-channel.js';
import type { NotifyEvent } from './notify-event.js';
import { eventLine } from './notify-text.js';
import { postJson, type FetchFunction } from './post-json.js';
import { describeUrl, urlSecrets } from './redact.js';

export const DEFAULT_TELEGRAM_API = 'https://api.telegram.org';

export interface TelegramSettings {
  /** From @BotFather: `123456:ABC-…`. A secret: never printed. */
  botToken: string;
  chatId: string;
  /** Bot API root; a self-hosted Bot API server or a test server. */
  apiBase?: string;
}

/**
 * Telegram Bot API `sendMessage`. Plain text, no parse_mode, so
 * attacker text cannot inject Markdown/HTML formatting or links.
 */
export class TelegramChannel implements NotificationChannel {
  readonly name = 'telegram' as const;
  readonly target: string;
  readonly secrets: readonly string[];
  private readonly url: string;

  constructor(
    private readonly settings: TelegramSettings,
    private readonly fetchImpl: FetchFunction = fetch,
  ) {
    const base = (settings.apiBase ?? DEFAULT_TELEGRAM_API).replace(/\/+$/, '');
    this.url = `${base}/bot${settings.botToken}/sendMessage`;
    this.target = `${describeUrl(base)} chat ${settings.chatId}`;
    this.secrets = [settings.botToken, ...urlSecrets(this.url)];
  }

  send(event: NotifyEvent, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return postJson(this.fetchImpl, this.url, { chat_id: this.settings.chatId, text: eventLine(event), disable_web_page_preview: true }, timeoutMs, signal);
  }
}
