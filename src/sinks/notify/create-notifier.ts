import type { RunConfig } from '../../config/run-config.js';
import type { CommandRunner } from '../../platform/exec/run-command.js';
import { SyslogWriter } from '../syslog/syslog-writer.js';
import { DEFAULT_POLICY, type DeliveryPolicy } from './channel-queue.js';
import { DesktopChannel } from './desktop-channel.js';
import { CHANNEL_NAMES, type ChannelName, type NotificationChannel } from './notification-channel.js';
import { buildDispatcher, type DispatcherHooks, type NotificationDispatcher } from './notification-dispatcher.js';
import { channelActive, type ChannelSettings } from './notify-settings.js';
import type { FetchFunction } from './post-json.js';
import { SlackChannel } from './slack-channel.js';
import { SyslogChannel } from './syslog-channel.js';
import { TelegramChannel } from './telegram-channel.js';
import { WebhookChannel } from './webhook-channel.js';

export interface NotifierDeps {
  fetch?: FetchFunction;
  run?: CommandRunner;
  platform?: NodeJS.Platform;
  syslog?: SyslogWriter;
}

/** The channels a run config turns on, each with its delivery policy. */
export function activeChannels(config: RunConfig, live: boolean, deps: NotifierDeps = {}): { channel: NotificationChannel; policy: DeliveryPolicy }[] {
  const n = config.notifications;
  const out: { channel: NotificationChannel; policy: DeliveryPolicy }[] = [];
  for (const name of CHANNEL_NAMES) {
    if (!channelActive(name, n, { live, legacySyslog: config.syslog })) continue;
    out.push({ channel: createChannel(name, config, deps), policy: policyOf(n[name]) });
  }
  return out;
}

function createChannel(name: ChannelName, config: RunConfig, deps: NotifierDeps): NotificationChannel {
  const n = config.notifications;
  const fetchImpl = deps.fetch ?? fetch;
  switch (name) {
    case 'desktop':
      return new DesktopChannel(deps.platform, deps.run);
    case 'webhook':
      return new WebhookChannel(n.webhook.url!, fetchImpl);
    case 'slack':
      return new SlackChannel(n.slack.url!, fetchImpl);
    case 'telegram':
      return new TelegramChannel({ botToken: n.telegram.botToken!, chatId: n.telegram.chatId!, ...(n.telegram.apiBase !== null ? { apiBase: n.telegram.apiBase } : {}) }, fetchImpl);
    case 'syslog':
      return new SyslogChannel(deps.syslog);
  }
}

function policyOf(s: ChannelSettings): DeliveryPolicy {
  return { ...DEFAULT_POLICY, minSeverity: s.minSeverity, perMinute: s.perMinute, retries: s.retries, timeoutMs: Math.round(s.timeoutSeconds * 1000) };
}

/** The dispatcher of a run: live runs and headless runs alike; replays only explicit channels. */
export function createNotifier(config: RunConfig, hooks: DispatcherHooks, deps: NotifierDeps = {}): NotificationDispatcher {
  return buildDispatcher(activeChannels(config, config.replayFile === null, deps), hooks);
}
