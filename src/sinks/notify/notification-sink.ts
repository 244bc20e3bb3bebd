import type { RunSink } from '../run-sink.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';

/** How long the end of a run waits for queued notifications before giving up on them. */
const NOTIFY_GRACE_MS = 3000;

/** Desktop, webhook, Slack, Telegram and syslog notifications of new alerts and of blocks; they only queue here. */
export function notificationSink(notifier: NotificationDispatcher): RunSink {
  return {
    alert: (alert, kind) => {
      if (kind === 'new') notifier.notifyAlert(alert);
    },
    blocked: (record) => notifier.notifyBlock(record),
    close: () => notifier.close(NOTIFY_GRACE_MS),
  };
}
