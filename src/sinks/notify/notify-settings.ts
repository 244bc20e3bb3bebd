import type { Severity } from '../../model/alert.js';
import type { ChannelName } from './notification-channel.js';

/** What the config file says about one channel (`notifications.<name>`). */
export interface ChannelSettings {
  /** true / false as written; null = not written: the default applies (see channelActive). */
  enabled: boolean | null;
  minSeverity: Severity;
  perMinute: number;
  /** One attempt gives up after this many seconds. */
  timeoutSeconds: number;
  /** Attempts after the first failure of one message. */
  retries: number;
}

export interface NotificationSettings {
  desktop: ChannelSettings;
  webhook: ChannelSettings & { url: string | null };
  slack: ChannelSettings & { url: string | null };
  telegram: ChannelSettings & { botToken: string | null; chatId: string | null; apiBase: string | null };
  syslog: ChannelSettings;
}

function base(perMinute: number): ChannelSettings {
  return { enabled: null, minSeverity: 'medium', perMinute, timeoutSeconds: 5, retries: 3 };
}

export function defaultNotificationSettings(): NotificationSettings {
  return {
    desktop: base(10),
    webhook: { ...base(60), url: null },
    slack: { ...base(20), url: null },
    // Telegram's Bot API allows about 20 messages a minute into one group.
    telegram: { ...base(20), botToken: null, chatId: null, apiBase: null },
    // Syslog always took every new alert; keep it so.
    syslog: { ...base(600), minSeverity: 'low' },
  };
}

/**
 * Whether a channel sends. Live runs: every channel with `enabled: true`, and syslog unless
 * switched off (`notifications.syslog.enabled: false` or the older top-level `syslog: false`).
 * Replays are not news: they notify only through channels the config enables explicitly.
 */
export function channelActive(name: ChannelName, settings: NotificationSettings, options: { live: boolean; legacySyslog: boolean }): boolean {
  const enabled = settings[name].enabled;
  if (enabled !== null) return enabled;
  return name === 'syslog' && options.live && options.legacySyslog;
}
