import { ConfigError } from './config-error.js';
import type { ChannelFile, NotificationsFile } from './config-file.js';
import type { ChannelSettings, NotificationSettings } from '../sinks/notify/notify-settings.js';

/**
 * Applies `notifications.*` of the config file onto the defaults, and checks that an enabled
 * channel has what it needs (a URL, a bot token and chat id). Messages never show the values.
 */
export function applyNotificationsFile(into: NotificationSettings, file: NotificationsFile, source: string): void {
  const where = (key: string) => `config file ${source}: key 'notifications.${key}'`;
  for (const name of ['desktop', 'webhook', 'slack', 'telegram', 'syslog'] as const) {
    const f = file[name];
    if (f !== undefined) applyChannel(into[name], f);
  }
  if (file.webhook?.url !== undefined) into.webhook.url = file.webhook.url;
  if (file.slack?.url !== undefined) into.slack.url = file.slack.url;
  const t = file.telegram;
  if (t !== undefined) {
    if (t.botToken !== undefined && t.bot_token !== undefined) throw new ConfigError(`${where('telegram')}: give botToken or bot_token, not both`);
    if (t.chatId !== undefined && t.chat_id !== undefined) throw new ConfigError(`${where('telegram')}: give chatId or chat_id, not both`);
    const token = t.botToken ?? t.bot_token;
    const chat = t.chatId ?? t.chat_id;
    if (token !== undefined) into.telegram.botToken = token;
    if (chat !== undefined) into.telegram.chatId = chat;
    if (t.apiBase !== undefined) into.telegram.apiBase = t.apiBase;
  }
  if (into.webhook.enabled === true && into.webhook.url === null) throw new ConfigError(`${where('webhook')} is enabled but has no 'url'`);
  if (into.slack.enabled === true && into.slack.url === null) throw new ConfigError(`${where('slack')} is enabled but has no 'url'`);
  if (into.telegram.enabled === true && (into.telegram.botToken === null || into.telegram.chatId === null)) throw new ConfigError(`${where('telegram')} is enabled but needs both 'botToken' and 'chatId'`);
}

function applyChannel(into: ChannelSettings, f: ChannelFile): void {
  if (f.enabled !== undefined) into.enabled = f.enabled;
  if (f.minSeverity !== undefined) into.minSeverity = f.minSeverity;
  if (f.perMinute !== undefined) into.perMinute = f.perMinute;
  if (f.timeoutSeconds !== undefined) into.timeoutSeconds = f.timeoutSeconds;
  if (f.retries !== undefined) into.retries = f.retries;
}
